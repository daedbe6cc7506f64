"""API of search: ranked threads of one community, with highlighted snippets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from practica.communities.selectors import community_get_readable
from practica.core.api_auth import PUBLIC_READ, caller
from practica.core.api_schemas import ERRORS_READ, STORABLE, PageQuery, Slug
from practica.exchange.models import ThreadKind
from practica.search.selectors import MAX_OFFSET, search_threads

router = Router(tags=["search"])


class SearchQuery(PageQuery):
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
    q: Annotated[str, Field(min_length=1, max_length=500), STORABLE] = Field(
        description="Words to look for; quote a phrase with double quotes."
    )
    kind: ThreadKind | None = None
    tag: Annotated[str, Field(max_length=64), STORABLE] | None = None
    author: Annotated[str, Field(max_length=150), STORABLE] | None = Field(
        default=None, description="Username of the thread's author."
    )
    since: date | None = Field(default=None, description="Started on or after this day (UTC).")
    until: date | None = Field(default=None, description="Started on or before this day (UTC).")


class SearchHitOut(Schema):
    id: int = Field(
        validation_alias="thread_id", description="The thread's id: GET /api/v1/threads/{id}."
    )
    title: str
    kind: ThreadKind
    snippet_html: str = Field(description="Sanitised HTML; matched words are in <mark>.")
    score: float
    created_at: datetime
    author: str | None = Field(
        validation_alias="author_username", description="The thread author's username."
    )
    matched_in: Literal["thread", "reply"]
    reply_id: int | None = Field(description="The reply that matched, when one did.")
    is_resolved: bool


class SearchPageOut(Schema):
    query: str
    count: int = Field(description="How many threads match in all.")
    limit: int
    offset: int
    items: list[SearchHitOut]


@router.get(
    "/communities/{slug}/search",
    auth=PUBLIC_READ,
    response={200: SearchPageOut, **ERRORS_READ},
    summary="Search a community's threads",
)
def search(request: HttpRequest, slug: Slug, params: Query[SearchQuery]) -> Any:
    """Best matches first. Hidden (404) for members-only communities unless you belong."""
    user = caller(request)
    community = community_get_readable(slug=slug, user=user)
    found = search_threads(
        user=user,
        community=community,
        q=params.q,
        kind=params.kind,
        tag=params.tag,
        author=params.author,
        since=params.since,
        until=params.until,
        limit=params.limit,
        offset=params.offset,
    )
    return {
        "query": found.query,
        "count": found.total,
        "limit": params.limit,
        "offset": params.offset,
        "items": found.hits,
    }
