"""API of the compass: read a community's compass, and (stewards) recompute it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from practica.compass import selectors, services
from practica.compass.watermark import looks_up_to_date
from practica.core.api_auth import PUBLIC_READ, caller, signed_in
from practica.core.api_schemas import ERRORS_READ, ERRORS_WRITE, Slug
from practica.core.errors import InvalidInput, NotAllowed, NotFound

router = Router(tags=["compass"])


class WindowQuery(Schema):
    since: date | datetime | None = Field(default=None, description="Start (inclusive).")
    until: date | datetime | None = Field(default=None, description="End (exclusive).")


class WindowOut(Schema):
    since: str | None
    until: str | None
    first_activity: str | None
    last_activity: str | None


class EvidenceOut(Schema):
    model_config = ConfigDict(extra="allow")
    rule: str
    figure: str | None
    value: Any
    met: bool | None
    reason: str
    says: str


class StageOut(Schema):
    model_config = ConfigDict(extra="allow")
    name: str
    label: str
    evidence: list[EvidenceOut]


class ArchetypeOut(Schema):
    model_config = ConfigDict(extra="allow")
    label: str
    score: float | None
    level: str
    evidence: list[EvidenceOut]


class ArchetypesOut(Schema):
    knowledge_weaver: ArchetypeOut
    collaborative_learner: ArchetypeOut
    system_of_influence: ArchetypeOut


class NextStepOut(Schema):
    model_config = ConfigDict(extra="allow")
    kind: str
    title: str
    why: str
    count: int


class CompassOut(Schema):
    """The compass. Person-level parts (``detail``, ``map``, ``roster``, ``names`` and each
    next step's ``items``) are there only for stewards, or members the stewards allow."""

    model_config = ConfigDict(extra="allow")
    community: str
    computed_at: str
    up_to_date: bool = Field(
        description="False when a thread, a ledger event or another app's signal (learning, "
        "surveys) is new since it was computed."
    )
    person_level: bool
    window: WindowOut
    stage: StageOut
    archetypes: ArchetypesOut
    people: dict[str, Any]
    responsiveness: dict[str, Any]
    reply_graph: dict[str, Any]
    trust: dict[str, Any]
    newcomers: dict[str, Any]
    knowledge: dict[str, Any]
    series: list[dict[str, Any]]
    next_steps: list[NextStepOut]


def _moment(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def compass_object(access: selectors.CompassAccess, snapshot: Any) -> JsonResponse:
    """The stored object as it is, person-level parts included or not.

    Returned as JSON directly: ``CompassOut`` documents its shape, but passing the
    snapshot through the schema would drop the parts it names only as extras."""
    seen = selectors.compass_as_seen(access=access, snapshot=snapshot)
    seen["up_to_date"] = looks_up_to_date(snapshot=snapshot)
    return JsonResponse(seen)


@router.get(
    "/communities/{slug}/compass",
    auth=PUBLIC_READ,
    response={200: CompassOut, **ERRORS_READ, 403: ERRORS_WRITE[403]},
    summary="Read a community's compass",
)
def compass_read(request: HttpRequest, slug: Slug, window: Query[WindowQuery]) -> Any:
    """The latest stored compass for the window (the whole history by default).

    Stewards get every detail, and a compass for a new window is computed for
    them on the spot; members get what the stewards share; everyone else 404
    (members-only communities) or 403."""
    access = selectors.compass_access(slug=slug, user=caller(request))
    since, until = _moment(window.since), _moment(window.until)
    snapshot = selectors.snapshot_for(community=access.community, since=since, until=until)
    if snapshot is None:
        if not access.is_steward and (since is not None or until is not None):
            raise NotFound("no compass for this window yet; a steward can compute it")
        snapshot = services.compass_refresh(
            community=access.community, since=since, until=until
        ).snapshot
    return compass_object(access, snapshot)


class RefreshIn(Schema):
    since: date | datetime | None = None
    until: date | datetime | None = None
    force: bool = Field(default=False, description="Recompute every month, not just new ones.")


@router.post(
    "/communities/{slug}/compass/refresh",
    response={200: CompassOut, **ERRORS_WRITE},
    summary="Recompute a community's compass (stewards)",
)
def compass_refresh(request: HttpRequest, slug: Slug, body: RefreshIn) -> Any:
    user = signed_in(request)
    access = selectors.compass_access(slug=slug, user=user)
    if not access.is_steward:
        raise NotAllowed("only a steward can recompute the compass")
    since, until = _moment(body.since), _moment(body.until)
    if since is not None and until is not None and since >= until:
        raise InvalidInput("since must be before until", field="since")
    refresh = services.compass_refresh(
        community=access.community, since=since, until=until, actor=user, force=body.force
    )
    return compass_object(access, refresh.snapshot)
