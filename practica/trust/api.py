"""API of trust and safety: flagging posts, hiding and restoring them (stewards), and a
person's own standing in a community."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from practica.communities.selectors import community_get_readable, is_member
from practica.core.api_auth import signed_in
from practica.core.api_schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    STORABLE,
    ErrorOut,
    InputSchema,
    ObjectId,
    PageOut,
    PageQuery,
    Slug,
    page_of,
)
from practica.core.errors import NotAllowed
from practica.exchange.models import Reply, Thread
from practica.exchange.selectors import reply_get, thread_get
from practica.trust import services
from practica.trust.models import AuditAction, AuditEntry, FlagReason, FlagStatus
from practica.trust.pages import standing_page, steward_viewer
from practica.trust.selectors import audit_list

router = Router(tags=["trust"])

Note = Annotated[str, Field(max_length=500), STORABLE]
LevelName = Annotated[str, Field(description="newcomer, member, regular, trusted or leader")]


class FlagIn(InputSchema):
    reason: FlagReason
    note: Note = Field(default="", description="Required when the reason is `other`.")


class FlagOut(Schema):
    id: int
    thread_id: int
    reply_id: int | None
    reason: FlagReason
    status: FlagStatus
    created_at: datetime


class ModerateIn(InputSchema):
    note: Note = Field(default="", description="Written in the community's audit log.")


class HiddenOut(Schema):
    thread_id: int
    reply_id: int | None
    hidden_at: datetime | None = Field(description="Null once restored.")


class ShortfallOut(Schema):
    figure: str
    have: int
    need: int


class CapabilityOut(Schema):
    name: str
    allowed: bool
    level: LevelName = Field(description="The level that unlocks it.")


class StandingOut(Schema):
    community: str
    level: LevelName
    set_by_steward: bool
    figures: dict[str, int]
    next_level: LevelName | None
    missing: list[ShortfallOut] = Field(description="What the next level still needs.")
    capabilities: list[CapabilityOut]
    suspended: str = Field(description="Why the person is suspended here; empty when not.")


class AuditEntryOut(Schema):
    id: int
    action: AuditAction
    said: str = Field(description="The action in words, as the audit page shows it.")
    actor: str | None = Field(description="Who did it (a username); null when a rule acted.")
    target_type: str = Field(description="thread, reply, person, agreement or circle.")
    target_id: int | None
    target_label: str = Field(description="What the target was called at the time.")
    circle: str | None = Field(description="The circle's slug, when the action was about one.")
    note: str
    created_at: datetime

    @staticmethod
    def resolve_said(obj: AuditEntry) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str | None:
        return obj.actor.username if obj.actor is not None else None

    @staticmethod
    def resolve_circle(obj: AuditEntry) -> str | None:
        return obj.circle.slug if obj.circle is not None else None


def _hidden(thread: Thread, reply: Reply | None) -> HiddenOut:
    item = reply if reply is not None else thread
    return HiddenOut(
        thread_id=thread.pk, reply_id=reply.pk if reply else None, hidden_at=item.hidden_at
    )


@router.post(
    "/threads/{id}/flags",
    response={201: FlagOut, **ERRORS_WRITE},
    summary="Flag a thread for the stewards",
)
def thread_flag(request: HttpRequest, id: ObjectId, payload: FlagIn) -> Any:
    """Members only; once per person; not your own thread (409 and 403)."""
    user = signed_in(request)
    thread = thread_get(thread_id=id, user=user)
    flag = services.flag_create(
        reporter=user, thread=thread, reason=payload.reason, note=payload.note
    )
    return Status(201, flag)


@router.post(
    "/replies/{id}/flags",
    response={201: FlagOut, **ERRORS_WRITE},
    summary="Flag a reply for the stewards",
)
def reply_flag(request: HttpRequest, id: ObjectId, payload: FlagIn) -> Any:
    """Spam flags from three trusted members hide the reply until a steward looks at it."""
    user = signed_in(request)
    reply = reply_get(reply_id=id, user=user)
    flag = services.flag_create(
        reporter=user, thread=reply.thread, reply=reply, reason=payload.reason, note=payload.note
    )
    return Status(201, flag)


def _moderate(request: HttpRequest, kind: str, id: int, action: str, note: str) -> HiddenOut:
    user = signed_in(request)
    if kind == "thread":
        thread, reply = thread_get(thread_id=id, user=user), None
    else:
        reply = reply_get(reply_id=id, user=user)
        thread = reply.thread
    service = services.content_hide if action == "hide" else services.content_restore
    service(actor=user, thread=thread, reply=reply, note=note)
    return _hidden(thread, reply)


@router.post(
    "/threads/{id}/hide",
    response={200: HiddenOut, **ERRORS_WRITE},
    summary="Hide a thread (stewards)",
)
def thread_hide(request: HttpRequest, id: ObjectId, payload: ModerateIn) -> Any:
    """Only its author and the community's stewards see it afterwards; open flags are upheld."""
    return _moderate(request, "thread", id, "hide", payload.note)


@router.post(
    "/threads/{id}/restore",
    response={200: HiddenOut, **ERRORS_WRITE},
    summary="Show a hidden thread again (stewards)",
)
def thread_restore(request: HttpRequest, id: ObjectId, payload: ModerateIn) -> Any:
    """Open flags are dismissed; 409 when the thread is not hidden."""
    return _moderate(request, "thread", id, "restore", payload.note)


@router.post(
    "/replies/{id}/hide",
    response={200: HiddenOut, **ERRORS_WRITE},
    summary="Hide a reply (stewards)",
)
def reply_hide(request: HttpRequest, id: ObjectId, payload: ModerateIn) -> Any:
    return _moderate(request, "reply", id, "hide", payload.note)


@router.post(
    "/replies/{id}/restore",
    response={200: HiddenOut, **ERRORS_WRITE},
    summary="Show a hidden reply again (stewards)",
)
def reply_restore(request: HttpRequest, id: ObjectId, payload: ModerateIn) -> Any:
    return _moderate(request, "reply", id, "restore", payload.note)


@router.get(
    "/communities/{slug}/standing",
    response={200: StandingOut, **ERRORS_WRITE},
    summary="My trust level in a community",
)
def my_standing(request: HttpRequest, slug: Slug) -> Any:
    """Your level, the figures behind it, what the next level needs, what it unlocks."""
    user = signed_in(request)
    community = community_get_readable(slug=slug, user=user)
    if not is_member(community=community, user=user):
        raise NotAllowed(f"join {community.name} to earn a trust level")
    page = standing_page(person=user, community=community)
    return StandingOut(
        community=community.slug,
        level=page.level.label,
        set_by_steward=page.overridden,
        figures=page.assessment.figures.as_dict(),
        next_level=page.assessment.next_level.label if page.assessment.next_level else None,
        missing=[
            ShortfallOut(figure=s.figure, have=s.have, need=s.need) for s in page.assessment.missing
        ],
        capabilities=[
            CapabilityOut(name=c.name, allowed=c.allowed, level=c.level.label)
            for c in page.capabilities
        ],
        suspended=page.suspended,
    )


@router.get(
    "/communities/{slug}/audit",
    response={200: PageOut[AuditEntryOut], **ERRORS_READ, 403: ErrorOut},
    summary="Read the community's audit log (stewards)",
)
def audit_log(request: HttpRequest, slug: Slug, page: Query[PageQuery]) -> Any:
    """Every moderation and stewarding action, newest first (403 for members who are not
    stewards). Entries about a private or confidential circle appear only to its members."""
    user = signed_in(request)
    viewer = steward_viewer(slug=slug, user=user, doing="read the audit log")
    return page_of(audit_list(community=viewer.community, viewer=user), page)
