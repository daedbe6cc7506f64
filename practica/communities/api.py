"""API of communities: list, create, read, join, and who belongs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from practica.communities import selectors, services
from practica.communities.models import Aspiration, Community, Membership, Visibility
from practica.core.api_auth import PUBLIC_READ, caller, signed_in
from practica.core.api_schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    STORABLE,
    InputSchema,
    PageOut,
    PageQuery,
    ProvenanceOut,
    Slug,
    page_of,
    provenance_of,
)

router = Router(tags=["communities"])


class CommunityIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200), STORABLE]
    slug: Annotated[str, Field(min_length=1, max_length=100), STORABLE] = Field(
        description="Lower-case letters, digits and hyphens; the community's address.",
        examples=["urban-growers"],
    )
    domain: Annotated[str, Field(max_length=200), STORABLE] = ""
    purpose: Annotated[str, Field(max_length=10_000), STORABLE] = ""
    aspiration: Aspiration = Aspiration.KNOWLEDGE_WEAVING
    visibility: Visibility = Visibility.PUBLIC


class CommunityOut(Schema):
    """A community's card: what anyone may know about it, members-only or not."""

    id: int
    slug: str
    name: str
    domain: str
    purpose: str
    aspiration: Aspiration
    visibility: Visibility
    created_at: datetime
    member_count: int
    provenance: ProvenanceOut | None

    @staticmethod
    def resolve_member_count(obj: Community) -> int:
        annotated = getattr(obj, "member_count", None)  # lists annotate it in one query
        if annotated is not None:
            return int(annotated)
        return selectors.member_list(community=obj).count()

    @staticmethod
    def resolve_provenance(obj: Community) -> ProvenanceOut | None:
        return provenance_of(obj)


class MembershipOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    username: str
    role: str
    status: str = Field(description="active, or pending until a steward approves.")
    joined_at: datetime

    @staticmethod
    def resolve_community(obj: Membership) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.username


class MemberOut(Schema):
    username: str
    name: str
    role: str
    joined_at: datetime

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.name


@router.get(
    "/communities",
    auth=PUBLIC_READ,
    response={200: PageOut[CommunityOut], **ERRORS_READ},
    summary="List communities",
)
def community_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Every community's card, by name. Members-only communities are listed too, so that
    people can ask to join; what is said inside them stays hidden."""
    communities = selectors.community_list(user=caller(request))
    # The count annotation makes Django drop Meta.ordering; pages need a fixed order.
    return page_of(communities.order_by("name", "id"), page)


@router.post(
    "/communities",
    response={201: CommunityOut, **ERRORS_WRITE},
    summary="Create a community",
)
def community_create(request: HttpRequest, payload: CommunityIn) -> Any:
    """The creator becomes the community's first steward."""
    community = services.community_create(creator=signed_in(request), **payload.dict())
    return Status(201, community)


@router.get(
    "/communities/{slug}",
    auth=PUBLIC_READ,
    response={200: CommunityOut, **ERRORS_READ},
    summary="Read a community's card",
)
def community_detail(request: HttpRequest, slug: Slug) -> Any:
    return selectors.community_get(slug=slug, user=caller(request))


@router.post(
    "/communities/{slug}/join",
    response={200: MembershipOut, **ERRORS_WRITE},
    summary="Join a community",
)
def community_join(request: HttpRequest, slug: Slug) -> Any:
    """Joins a public community at once; for a members-only one, asks to join (the
    membership stays ``pending`` until a steward approves). Joining twice is harmless."""
    community = selectors.community_get(slug=slug, user=signed_in(request))
    return services.community_join(community=community, user=signed_in(request))


@router.get(
    "/communities/{slug}/members",
    auth=PUBLIC_READ,
    response={200: PageOut[MemberOut], **ERRORS_READ},
    summary="List a community's members",
)
def member_list(request: HttpRequest, slug: Slug, page: Query[PageQuery]) -> Any:
    """Active members, stewards first. Hidden (404) for members-only communities
    unless you belong to them."""
    community = selectors.community_get_readable(slug=slug, user=caller(request))
    return page_of(selectors.member_list(community=community), page)
