"""Everything Practica holds about one person, as plain JSON-ready values.

``person_data(user)`` is what ``accounts.services.person_export`` writes. Apps
with more tables about people add a section with ``register_section`` (from
their ``AppConfig.ready()``), so a download always holds everything::

    register_section("flags_raised", lambda user: [...])

Only the person's own rows, and what others did towards them that names them
(acknowledgements received, ledger events where they are the target). Never
secrets: no password hash, no token digests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Q

from practica.accounts.models import AccessToken, User

Section = Callable[[User], Any]
FORMAT = "practica-person-export"
VERSION = 1

PROFILE_FIELDS = (
    "display_name", "bio", "interests", "offers", "learning", "sector", "discipline", "region",
    "role_in_practice", "location", "website",
)  # fmt: skip
STORY_PARTS = ("context", "what_happened", "learned", "differently")

_SECTIONS: dict[str, Section] = {}


def register_section(key: str, section: Section) -> None:
    """Add (or replace, by key) a section of the download."""
    _SECTIONS[key] = section


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _username(user: User | None) -> str | None:
    return None if user is None else user.username


def profile(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        **{name: getattr(user, name) for name in PROFILE_FIELDS},
        "provenance": {"source": user.source, "source_id": user.source_id, "licence": user.licence},
    }


def memberships(user: User) -> list[dict[str, Any]]:
    from practica.communities.models import Membership

    return [
        {
            "community": m.community.slug,
            "community_name": m.community.name,
            "role": m.role,
            "status": m.status,
            "joined_at": _when(m.joined_at),
        }
        for m in Membership.objects.filter(user=user).select_related("community").order_by("pk")
    ]


def circles(user: User) -> list[dict[str, Any]]:
    from practica.communities.models import CircleMembership

    rows = CircleMembership.objects.filter(user=user).select_related("circle__community")
    return [
        {
            "community": m.circle.community.slug,
            "circle": m.circle.slug,
            "circle_name": m.circle.name,
            "tier": m.circle.tier,
            "joined_at": _when(m.joined_at),
        }
        for m in rows.order_by("pk")
    ]


def agreements(user: User) -> list[dict[str, Any]]:
    from practica.communities.models import AgreementAcceptance

    rows = AgreementAcceptance.objects.filter(person=user).select_related(
        "agreement__community", "agreement__circle"
    )
    return [
        {
            "community": a.agreement.community.slug,
            "circle": a.agreement.circle.slug if a.agreement.circle else None,
            "version": a.agreement.version,
            "accepted_at": _when(a.accepted_at),
        }
        for a in rows.order_by("pk")
    ]


def threads(user: User) -> list[dict[str, Any]]:
    from practica.exchange.models import Thread

    rows = (
        Thread.objects.filter(author=user)
        .select_related("community", "circle")
        .prefetch_related("tags")
        .order_by("pk")
    )
    return [
        {
            "id": t.pk,
            "community": t.community.slug,
            "circle": t.circle.slug if t.circle else None,
            "kind": t.kind,
            "title": t.title,
            "body": t.body,
            **{part: getattr(t, part) for part in STORY_PARTS},
            "tags": sorted(tag.name for tag in t.tags.all()),
            "created_at": _when(t.created_at),
            "edited_at": _when(t.edited_at),
        }
        for t in rows
    ]


def replies(user: User) -> list[dict[str, Any]]:
    from practica.exchange.models import Reply

    rows = Reply.objects.filter(author=user).select_related("thread__community").order_by("pk")
    return [
        {
            "id": r.pk,
            "community": r.thread.community.slug,
            "thread_id": r.thread_id,
            "parent_id": r.parent_id,
            "kind": r.kind,
            "body": r.body,
            "created_at": _when(r.created_at),
            "edited_at": _when(r.edited_at),
        }
        for r in rows
    ]


def acknowledgements_given(user: User) -> list[dict[str, Any]]:
    from practica.exchange.models import Acknowledgement

    rows = Acknowledgement.objects.filter(person=user).order_by("pk")
    return [
        {"thread_id": a.thread_id, "reply_id": a.reply_id, "created_at": _when(a.created_at)}
        for a in rows
    ]


def acknowledgements_received(user: User) -> list[dict[str, Any]]:
    from practica.exchange.models import Acknowledgement

    # A story's acknowledgement has no reply: it thanks the story's author.
    rows = (
        Acknowledgement.objects.filter(
            Q(reply__author=user) | Q(reply__isnull=True, thread__author=user)
        )
        .select_related("person")
        .order_by("pk")
    )
    return [
        {
            "by": a.person.username,
            "thread_id": a.thread_id,
            "reply_id": a.reply_id,
            "created_at": _when(a.created_at),
        }
        for a in rows
    ]


def ledger_events(user: User) -> list[dict[str, Any]]:
    from practica.ledger.models import LedgerEvent

    rows = (
        LedgerEvent.objects.filter(Q(actor=user) | Q(target=user))
        .select_related("community", "actor", "target")
        .order_by("occurred_at", "pk")
    )
    return [
        {
            "community": e.community.slug,
            "verb": e.verb,
            "actor": _username(e.actor),
            "target": _username(e.target),
            "object_type": e.object_type,
            "object_id": e.object_id,
            "thread_id": e.thread_id,
            "occurred_at": _when(e.occurred_at),
        }
        for e in rows
    ]


def survey_responses(user: User) -> list[dict[str, Any]]:
    from practica.surveys.models import Response

    rows = Response.objects.filter(person=user).select_related("survey__community").order_by("pk")
    return [
        {
            "community": r.survey.community.slug,
            "survey_id": r.survey_id,
            "survey": r.survey.title,
            "answers": r.answers,
            "story": r.story,
            "share_story": r.share_story,
            "created_at": _when(r.created_at),
            "updated_at": _when(r.updated_at),
        }
        for r in rows
    ]


def notifications(user: User) -> list[dict[str, Any]]:
    from practica.weaving.models import Notification

    rows = Notification.objects.filter(recipient=user).select_related("actor").order_by("pk")
    return [
        {
            "kind": n.kind,
            "text": n.text,
            "link": n.link,
            "from": _username(n.actor),
            "created_at": _when(n.created_at),
            "read_at": _when(n.read_at),
        }
        for n in rows
    ]


def access_tokens(user: User) -> list[dict[str, Any]]:
    # The digest stays behind: with it, a token could be checked against guesses.
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": _when(t.created_at),
            "last_used_at": _when(t.last_used_at),
            "revoked_at": _when(t.revoked_at),
        }
        for t in AccessToken.objects.filter(user=user).order_by("pk")
    ]


for _key, _section in (
    ("profile", profile),
    ("memberships", memberships),
    ("circles", circles),
    ("agreements_accepted", agreements),
    ("threads", threads),
    ("replies", replies),
    ("acknowledgements_given", acknowledgements_given),
    ("acknowledgements_received", acknowledgements_received),
    ("ledger_events", ledger_events),
    ("survey_responses", survey_responses),
    ("notifications", notifications),
    ("access_tokens", access_tokens),
):
    register_section(_key, _section)


def person_data(user: User, *, exported_at: datetime) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(exported_at),
        **{key: section(user) for key, section in _SECTIONS.items()},
    }
