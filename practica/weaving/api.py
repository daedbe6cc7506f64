"""API of knowledge weaving: lived before, who knows, invitations, introductions,
notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from practica.accounts.models import User
from practica.communities.selectors import community_get_readable
from practica.core.api_auth import PUBLIC_READ, caller, signed_in
from practica.core.api_schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    STORABLE,
    InputSchema,
    ObjectId,
    Slug,
)
from practica.core.errors import NotFound
from practica.exchange.selectors import thread_get
from practica.weaving import selectors, services
from practica.weaving.models import Notification

router = Router(tags=["weaving"])

Username = Annotated[str, Field(min_length=1, max_length=150), STORABLE]


class MatchQuery(Schema):
    q: Annotated[str, Field(min_length=1, max_length=selectors.MAX_QUERY)]
    k: Annotated[int, Field(ge=1, le=selectors.MAX_K)] = 10
    thread: ObjectId | None = Field(
        default=None, description="A thread being read: it is left out of its own results."
    )


class RelatedOut(Schema):
    id: int
    title: str
    kind: str
    url: str
    score: float
    why: str
    source_id: str
    reply_count: int
    is_resolved: bool
    created_at: datetime


class RelatedList(Schema):
    query: str
    results: list[RelatedOut]


class ExpertOut(Schema):
    id: int
    username: str
    name: str
    url: str
    score: float
    why: str
    answered: int
    accepted: int
    acknowledged: int
    stories: int
    source_id: str


class ExpertList(Schema):
    query: str
    results: list[ExpertOut]


def related_out(slug: str, item: selectors.RelatedItem) -> dict[str, Any]:
    thread = item.thread
    return {
        "id": thread.pk,
        "title": thread.title,
        "kind": thread.kind,
        "url": reverse("exchange:thread", args=[slug, thread.pk]),
        "score": item.score,
        "why": item.why,
        "source_id": item.source_id,
        "reply_count": thread.reply_count,
        "is_resolved": thread.is_resolved,
        "created_at": thread.created_at,
    }


def expert_out(slug: str, item: selectors.ExpertItem) -> dict[str, Any]:
    return {
        "id": item.person.pk,
        "username": item.person.username,
        "name": item.person.name,
        "url": reverse("weaving:person", args=[slug, item.person.username]),
        "score": item.score,
        "why": item.why,
        "answered": item.answered,
        "accepted": item.accepted,
        "acknowledged": item.acknowledged,
        "stories": item.stories,
        "source_id": item.source_id,
    }


@router.get(
    "/communities/{slug}/related",
    auth=PUBLIC_READ,
    response={200: RelatedList, **ERRORS_READ},
    summary="Lived before: prior threads and stories like a text",
)
def related(request: HttpRequest, slug: Slug, match: Query[MatchQuery]) -> Any:
    """The community's threads and stories closest to ``q``, best first, each with why it
    matches. Only threads the caller may read are ever returned."""
    community = community_get_readable(slug=slug, user=caller(request))
    items = selectors.related_for(
        community=community, user=caller(request), text=match.q, k=match.k,
        exclude_thread=match.thread,
    )  # fmt: skip
    return {"query": match.q, "results": [related_out(slug, i) for i in items]}


@router.get(
    "/communities/{slug}/experts",
    auth=PUBLIC_READ,
    response={200: ExpertList, **ERRORS_READ},
    summary="Who knows: members ranked for a text, from their record",
)
def experts(request: HttpRequest, slug: Slug, match: Query[MatchQuery]) -> Any:
    """Members who answered, told stories about or were thanked for similar things, with
    an explanation from their record. The caller and the thread's author are left out."""
    user = caller(request)
    community = community_get_readable(slug=slug, user=user)
    thread = thread_get(thread_id=match.thread, user=user) if match.thread else None
    if thread is not None and thread.community_id != community.pk:
        raise NotFound(f"no thread {match.thread}", field="thread")
    items = selectors.experts_for(
        community=community, user=user, text=match.q, k=match.k, thread=thread
    )
    return {"query": match.q, "results": [expert_out(slug, i) for i in items]}


class InvitationIn(InputSchema):
    username: Username


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None


@router.post(
    "/threads/{thread_id}/invitations",
    response={201: NotificationOut, **ERRORS_WRITE},
    summary="Invite someone to answer",
)
def invitation_create(request: HttpRequest, thread_id: ObjectId, payload: InvitationIn) -> Any:
    """The invited person gets a notification linking to the thread (once per thread)."""
    user = signed_in(request)
    thread = thread_get(thread_id=thread_id, user=user)
    invitee = _person(payload.username)
    notification = services.invitation_create(thread=thread, inviter=user, invitee=invitee)
    return Status(201, notification)


class IntroductionIn(InputSchema):
    person_a: Username
    person_b: Username
    note: Annotated[str, Field(min_length=1, max_length=services.MAX_NOTE), STORABLE]


class IntroductionOut(Schema):
    id: int
    introducer: str
    person_a: str
    person_b: str
    note: str
    created_at: datetime


@router.post(
    "/communities/{slug}/introductions",
    response={201: IntroductionOut, **ERRORS_WRITE},
    summary="Introduce two members",
)
def introduction_create(request: HttpRequest, slug: Slug, payload: IntroductionIn) -> Any:
    """Both people are notified; the introduction is recorded in the ledger."""
    user = signed_in(request)
    community = community_get_readable(slug=slug, user=user)
    intro = services.introduction_create(
        community=community,
        introducer=user,
        person_a=_person(payload.person_a, field="person_a"),
        person_b=_person(payload.person_b, field="person_b"),
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": intro.pk,
            "introducer": user.username,
            "person_a": intro.person_a.username,
            "person_b": intro.person_b.username,
            "note": intro.note,
            "created_at": intro.created_at,
        },
    )


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS_READ},
    summary="My notifications",
)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    """Newest first (at most 100)."""
    return list(selectors.notifications_for(user=signed_in(request), unread_only=unread)[:100])


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS_WRITE},
    summary="Mark a notification read",
)
def notification_read(request: HttpRequest, notification_id: ObjectId) -> Notification:
    return services.notification_mark_read(notification_id=notification_id, user=signed_in(request))


def _person(username: str, *, field: str = "username") -> User:
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise NotFound(f"no person {username!r}", field=field)
    return person
