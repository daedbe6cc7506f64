"""Schema pieces shared by every app's API: checked text, ids, errors and pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from django.conf import settings
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from practica.core.models import Provenance

#: The largest id a database column can hold; larger ones are bad input, not a crash.
MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 100
#: Far beyond any real list; keeps OFFSET inside what every database accepts.
MAX_OFFSET = 1_000_000


def _storable(value: str) -> str:
    """Refuse text no database can store: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


#: Add to every input string: ``Annotated[str, Field(max_length=300), STORABLE]``.
STORABLE = AfterValidator(_storable)

ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
Slug = Annotated[str, Field(max_length=100), STORABLE]


class InputSchema(Schema):
    """Base of request bodies: an unknown field is an error naming it, not silently
    dropped, so a misspelt field never looks like it worked."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    """Every error: a message for people, and the input field it is about (or null)."""

    detail: str
    field: str | None = None


class PageQuery(Schema):
    """``limit`` items starting at ``offset``; every list answers with the total ``count``."""

    limit: int = Field(default=settings.PRACTICA_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


T = TypeVar("T")


class PageOut(Schema, Generic[T]):
    count: int = Field(description="How many items there are in all.")
    limit: int
    offset: int
    items: list[T]


def page_of(items: Any, page: PageQuery) -> dict[str, Any]:
    """One page of a queryset (or list), with the total count, as a ``PageOut``."""
    window: Sequence[Any] = items[page.offset : page.offset + page.limit]
    total = len(items) if isinstance(items, list) else items.count()
    return {"count": total, "limit": page.limit, "offset": page.offset, "items": list(window)}


class ProvenanceOut(Schema):
    """Where imported content came from, so that clients can attribute it."""

    source: str
    source_id: str
    licence: str


def provenance_of(obj: Provenance) -> ProvenanceOut | None:
    if not obj.is_imported:
        return None
    return ProvenanceOut(source=obj.source, source_id=obj.source_id, licence=obj.licence)


#: ``response=`` additions for the errors most endpoints can give.
ERRORS_READ: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ERRORS_WRITE: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
