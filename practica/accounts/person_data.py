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
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from practica.accounts.models import AccessToken, User
from practica.trust.rules import Level

if TYPE_CHECKING:
    from practica.trust.models import AuditEntry, Flag

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
    from practica.weaving.selectors import notifications_for

    # Only those the person may still read: one about a circle or a thread they have
    # since lost sight of would name it (the page and the API leave it out too).
    rows = notifications_for(user=user).order_by("pk")
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


def trust_levels(user: User) -> list[dict[str, Any]]:
    from practica.trust.models import TrustLevel

    rows = TrustLevel.objects.filter(person=user).select_related("community").order_by("pk")
    return [
        {
            "community": t.community.slug,
            "level": t.effective.label,
            "computed_level": Level(t.level).label,
            "computed_at": _when(t.computed_at),
            "figures": t.figures,
            # Which steward set it stays with the community's audit log.
            "set_by_steward": None if t.override_level is None else Level(t.override_level).label,
            "steward_note": t.override_note,
        }
        for t in rows
    ]


def _flag(flag: Flag, *, with_note: bool) -> dict[str, Any]:
    row = {
        "community": flag.community.slug,
        "thread_id": flag.thread_id,
        "reply_id": flag.reply_id,
        "reason": flag.reason,
        "note": flag.note,
        "status": flag.status,
        "created_at": _when(flag.created_at),
        "resolved_at": _when(flag.resolved_at),
    }
    if not with_note:
        del row["note"]
    return row


def flags_raised(user: User) -> list[dict[str, Any]]:
    from practica.trust.models import Flag

    rows = Flag.objects.filter(reporter=user).select_related("community").order_by("pk")
    return [_flag(f, with_note=True) for f in rows]


def flags_on_my_posts(user: User) -> list[dict[str, Any]]:
    """Flags others raised on this person's words: what and how it ended, never who flagged
    nor their note (a flag is a word to the stewards, not to the author)."""
    from practica.trust.models import Flag

    rows = Flag.objects.filter(author=user).select_related("community").order_by("pk")
    return [_flag(f, with_note=False) for f in rows]


def suspensions(user: User) -> list[dict[str, Any]]:
    from practica.trust.models import Suspension

    rows = Suspension.objects.filter(person=user).select_related("community").order_by("pk")
    return [
        {
            "community": s.community.slug if s.community else None,
            "note": s.note,
            "created_at": _when(s.created_at),
            "ends_at": _when(s.ends_at),
            "lifted_at": _when(s.lifted_at),
        }
        for s in rows
    ]


def _audit(entry: AuditEntry, *, with_label: bool) -> dict[str, Any]:
    """An audit entry as the download holds it; the target's label only for one's own
    stewarding (about oneself, the target is oneself or one's own words)."""
    row: dict[str, Any] = {
        "community": entry.community.slug if entry.community else None,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
    }
    if with_label:
        row["target_label"] = entry.target_label
    row["note"] = entry.note
    row["created_at"] = _when(entry.created_at)
    return row


def moderation_of_me(user: User) -> list[dict[str, Any]]:
    """Audit entries about this person or their words (levels, suspensions, memberships,
    hidden or edited posts), without naming the steward who acted."""
    from practica.exchange.models import Reply, Thread
    from practica.trust.models import AuditEntry

    about = (
        Q(target_type="person", target_id=user.pk)
        | Q(target_type="thread", target_id__in=Thread.objects.filter(author=user).values("pk"))
        | Q(target_type="reply", target_id__in=Reply.objects.filter(author=user).values("pk"))
    )
    rows = AuditEntry.objects.filter(about).select_related("community").order_by("pk")
    return [_audit(e, with_label=False) for e in rows]


def stewarding_done(user: User) -> list[dict[str, Any]]:
    """What this person did as a steward (the audit log's entries with them as actor)."""
    from practica.trust.models import AuditEntry

    rows = AuditEntry.objects.filter(actor=user).select_related("community").order_by("pk")
    return [_audit(e, with_label=True) for e in rows]


def sign_ins(user: User) -> list[dict[str, Any]]:
    from practica.trust.models import SignIn

    return [
        {"created_at": _when(s.created_at), "ip": s.ip, "user_agent": s.user_agent}
        for s in SignIn.objects.filter(user=user).order_by("pk")
    ]


def introductions(user: User) -> list[dict[str, Any]]:
    """Introductions this person made or was part of (the two people, and who connected
    them, are what an introduction is)."""
    from practica.weaving.models import Introduction

    rows = (
        Introduction.objects.filter(Q(introducer=user) | Q(person_a=user) | Q(person_b=user))
        .select_related("community", "introducer", "person_a", "person_b")
        .order_by("pk")
    )
    return [
        {
            "community": i.community.slug,
            "introducer": _username(i.introducer),
            "people": [i.person_a.username, i.person_b.username],
            "note": i.note,
            "created_at": _when(i.created_at),
        }
        for i in rows
    ]


def learning(user: User) -> dict[str, list[dict[str, Any]]]:
    """Experiments proposed and joined, check-ins, feedback given, practices and their
    versions written, questions raised on learning agendas, cycles decided."""
    from practica.learning.models import (
        AgendaItem,
        Cycle,
        Experiment,
        Feedback,
        Observation,
        Participant,
        Practice,
        PracticeVersion,
    )

    def slug(row: Any) -> str:
        return str(row.community.slug)

    proposed = Experiment.objects.filter(proposed_by=user).select_related("community")
    joined = Participant.objects.filter(person=user).select_related("experiment__community")
    observed = Observation.objects.filter(participant__person=user).select_related(
        "cycle__experiment"
    )
    feedback = Feedback.objects.filter(author=user).select_related("observation__cycle")
    practices = Practice.objects.filter(created_by=user).select_related("community")
    versions = PracticeVersion.objects.filter(author=user).select_related("practice__community")
    agenda = AgendaItem.objects.filter(raised_by=user).select_related("community")
    decided = Cycle.objects.filter(decided_by=user).select_related("experiment")
    return {
        "experiments_proposed": [
            {"community": slug(e), "id": e.pk, "title": e.title, "question": e.question,
             "hypothesis": e.hypothesis, "created_at": _when(e.created_at)}
            for e in proposed.order_by("pk")
        ],
        "experiments_joined": [
            {"community": p.experiment.community.slug, "experiment_id": p.experiment_id,
             "experiment": p.experiment.title, "organisation": p.organisation,
             "setting": p.setting, "scale": p.scale, "joined_at": _when(p.joined_at)}
            for p in joined.order_by("pk")
        ],
        "observations": [
            {"experiment_id": o.cycle.experiment_id, "cycle": o.cycle.number,
             "what_we_did": o.what_we_did, "what_happened": o.what_happened,
             "surprises": o.surprises,
             "measures": {v.measure.name: v.value for v in o.values.all()},
             "created_at": _when(o.created_at)}
            for o in observed.prefetch_related("values__measure").order_by("pk")
        ],
        "feedback_given": [
            {"observation_id": f.observation_id, "experiment_id": f.observation.cycle.experiment_id,
             "body": f.body, "created_at": _when(f.created_at)}
            for f in feedback.order_by("pk")
        ],
        "practices_created": [
            {"community": slug(p), "id": p.pk, "name": p.name, "created_at": _when(p.created_at)}
            for p in practices.order_by("pk")
        ],
        "practice_versions_written": [
            {"community": v.practice.community.slug, "practice_id": v.practice_id,
             "number": v.number, "summary": v.summary, "when_to_use": v.when_to_use,
             "how": v.how, "watch_for": v.watch_for, "change_note": v.change_note,
             "created_at": _when(v.created_at)}
            for v in versions.order_by("pk")
        ],
        "agenda_questions_raised": [
            {"community": slug(a), "question": a.question, "status": a.status,
             "created_at": _when(a.created_at)}
            for a in agenda.order_by("pk")
        ],
        "cycles_decided": [
            {"experiment_id": c.experiment_id, "cycle": c.number, "decision": c.decision,
             "decision_note": c.decision_note, "decided_at": _when(c.decided_at)}
            for c in decided.order_by("pk")
        ],
    }  # fmt: skip


def edits(user: User) -> list[dict[str, Any]]:
    """Edits this person made (the edit history). What a post said before is included only
    for their own posts: a steward's edit of someone else's words keeps those words out."""
    from practica.exchange.models import Revision

    rows = Revision.objects.filter(editor=user).select_related("thread", "reply").order_by("pk")
    return [
        {
            "thread_id": r.thread_id,
            "reply_id": r.reply_id,
            "reason": r.reason,
            "created_at": _when(r.created_at),
            "before": r.snapshot if (r.reply or r.thread).author_id == user.pk else None,
        }
        for r in rows
    ]


def stewarding_created(user: User) -> dict[str, list[dict[str, Any]]]:
    """Communities, circles, agreement versions and surveys this person started."""
    from practica.communities.models import Agreement, Circle, Community
    from practica.surveys.models import Survey

    return {
        "communities": [
            {"community": c.slug, "name": c.name, "created_at": _when(c.created_at)}
            for c in Community.objects.filter(created_by=user).order_by("pk")
        ],
        "circles": [
            {"community": c.community.slug, "circle": c.slug, "name": c.name,
             "created_at": _when(c.created_at)}
            for c in Circle.objects.filter(created_by=user).select_related("community")
        ],
        "agreement_versions": [
            {"community": a.community.slug, "circle": a.circle.slug if a.circle else None,
             "version": a.version, "body": a.body, "change_note": a.change_note,
             "created_at": _when(a.created_at)}
            for a in Agreement.objects.filter(created_by=user).select_related("community", "circle")
        ],
        "surveys": [
            {"community": s.community.slug, "survey_id": s.pk, "title": s.title,
             "created_at": _when(s.created_at)}
            for s in Survey.objects.filter(created_by=user).select_related("community")
        ],
    }  # fmt: skip


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
    ("edits", edits),
    ("trust_levels", trust_levels),
    ("flags_raised", flags_raised),
    ("flags_on_my_posts", flags_on_my_posts),
    ("suspensions", suspensions),
    ("moderation_of_me", moderation_of_me),
    ("stewarding_done", stewarding_done),
    ("stewarding_created", stewarding_created),
    ("sign_ins", sign_ins),
    ("introductions", introductions),
    ("learning", learning),
):
    register_section(_key, _section)


#: Every column that points at a person, and where a download finds it, or why it does not.
#: ``tests/test_person_data_coverage`` fails when a model gains a link to people that is
#: missing here, so that a new table cannot quietly stay out of the download.
PERSON_LINKS: dict[str, str] = {
    "accounts.AccessToken.user": "access_tokens",
    "communities.Community.created_by": "stewarding_created",
    "communities.Membership.user": "memberships",
    "communities.Circle.created_by": "stewarding_created",
    "communities.CircleMembership.user": "circles",
    "communities.CircleMembership.invited_by": (
        "excluded: who invited whom into a closed circle is the circle's own knowledge; "
        "the invitee's side is in circles"
    ),
    "communities.Agreement.created_by": "stewarding_created",
    "communities.AgreementAcceptance.person": "agreements_accepted",
    "exchange.Thread.author": "threads",
    "exchange.Reply.author": "replies",
    "exchange.Revision.editor": "edits",
    "exchange.Acknowledgement.person": "acknowledgements_given",
    "ledger.LedgerEvent.actor": "ledger_events",
    "ledger.LedgerEvent.target": "ledger_events",
    "weaving.Notification.recipient": "notifications",
    "weaving.Notification.actor": (
        "excluded: notifications someone's action sent to others are the recipients' data; "
        "the actor's action itself is in ledger_events"
    ),
    "weaving.Introduction.introducer": "introductions",
    "weaving.Introduction.person_a": "introductions",
    "weaving.Introduction.person_b": "introductions",
    "learning.Practice.created_by": "learning",
    "learning.PracticeVersion.author": "learning",
    "learning.Experiment.proposed_by": "learning",
    "learning.Cycle.decided_by": "learning",
    "learning.Participant.person": "learning",
    "learning.Feedback.author": "learning",
    "learning.AgendaItem.raised_by": "learning",
    "trust.TrustLevel.person": "trust_levels",
    "trust.TrustLevel.override_by": (
        "excluded: which steward set someone's level is the community's audit log"
    ),
    "trust.Flag.reporter": "flags_raised",
    "trust.Flag.author": "flags_on_my_posts",
    "trust.Flag.resolved_by": "excluded: stewards' handling of others' flags (audit log)",
    "trust.Suspension.person": "suspensions",
    "trust.Suspension.created_by": "stewarding_done",
    "trust.Suspension.lifted_by": "stewarding_done",
    "trust.AuditEntry.actor": "stewarding_done",
    "trust.SignIn.user": "sign_ins",
    "surveys.Survey.created_by": "stewarding_created",
    "surveys.Response.person": "survey_responses",
    "admin.LogEntry.user": (
        "excluded: the site administrators' own log of the admin site, not a person's data"
    ),
}


def person_data(user: User, *, exported_at: datetime) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(exported_at),
        **{key: section(user) for key, section in _SECTIONS.items()},
    }
