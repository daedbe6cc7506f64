"""Writes of trust and safety: flags, hiding and restoring, suspensions, level overrides,
signing out everywhere. Every steward action writes an audit entry in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from practica.accounts.models import AccessToken, User
from practica.communities.models import Community
from practica.communities.selectors import is_member, is_steward
from practica.core.errors import Conflict, InvalidInput, NotAllowed
from practica.exchange.models import Reply, Thread
from practica.trust.audit import audit_record
from practica.trust.capabilities import can, trust_require
from practica.trust.levels import trust_level_get
from practica.trust.models import (
    AuditAction,
    Flag,
    FlagReason,
    FlagStatus,
    SignIn,
    Suspension,
    TrustLevel,
)
from practica.trust.rules import Level
from practica.trust.selectors import when_text
from practica.trust.throttle import SUSPENDED_CACHE_KEY

#: Spam flags from this many trusted members hide a post until a steward looks at it.
SPAM_HIDE_FLAGS = 3
MAX_NOTE = 500
MAX_SUSPENSION_DAYS = 3650


def _item(thread: Thread, reply: Reply | None) -> Thread | Reply:
    if reply is not None and reply.thread_id != thread.pk:
        raise InvalidInput("the reply belongs to another thread", field="reply")
    return reply if reply is not None else thread


def _describe(thread: Thread, reply: Reply | None) -> tuple[str, str]:
    """(target type, label) for the audit log."""
    if reply is None:
        return "thread", thread.title
    return "reply", f"a reply in “{thread.title}”"


def _note(note: str, *, required: bool = False, what: str = "a note") -> str:
    note = (note or "").strip()
    if required and not note:
        raise InvalidInput(f"give {what}", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"a note has at most {MAX_NOTE} characters", field="note")
    return note


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _require_steward(community: Community, actor: User, doing: str) -> None:
    if not is_steward(community=community, user=actor):
        raise NotAllowed(f"only stewards of {community.name} can {doing}")


def _tell(
    person: User | None,
    community: Community,
    text: str,
    link: str,
    key: str,
    thread: Thread | None = None,
) -> None:
    if person is None:
        return
    from practica.weaving.services import notification_create

    notification_create(
        recipient=person,
        text=text,
        link=link,
        kind="moderation",
        community=community,
        key=key,
        thread=thread,
    )


def _thread_link(thread: Thread, reply: Reply | None = None) -> str:
    url = reverse("exchange:thread", args=[thread.community.slug, thread.pk])
    return f"{url}#reply-{reply.pk}" if reply is not None else url


# Flags ---------------------------------------------------------------------------------


@transaction.atomic
def flag_create(
    *, reporter: User, thread: Thread, reply: Reply | None = None, reason: str, note: str = ""
) -> Flag:
    """A member flags a thread or reply for the stewards; trusted members' spam flags
    hide it at once (``SPAM_HIDE_FLAGS`` of them), pending a steward's review."""
    item = _item(thread, reply)
    community = thread.community
    if reason not in FlagReason.values:
        raise InvalidInput(f"reason must be one of {', '.join(FlagReason.values)}", field="reason")
    note = _note(note, required=reason == FlagReason.OTHER, what="a note saying what is wrong")
    trust_require(reporter, "flag", community)
    if item.author_id == reporter.pk:
        raise NotAllowed("you cannot flag your own words; edit them instead")
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                community=community,
                reporter=reporter,
                thread=thread,
                reply=reply,
                author_id=item.author_id,
                reason=reason,
                note=note,
            )
    except IntegrityError as exc:
        raise Conflict("you already flagged this; the stewards will look at it") from exc
    if reason == FlagReason.SPAM and item.hidden_at is None:
        _hide_if_trusted_say_spam(thread, reply)
    return flag


def _hide_if_trusted_say_spam(thread: Thread, reply: Reply | None) -> None:
    community = thread.community
    spam = Flag.objects.filter(
        thread=thread, reply=reply, reason=FlagReason.SPAM, status=FlagStatus.OPEN
    ).select_related("reporter")
    trusted = [f.reporter for f in spam if f.reporter and can(f.reporter, "hide_spam", community)]
    if len(trusted) < SPAM_HIDE_FLAGS:
        return
    _set_hidden(thread, reply, timezone.now())
    kind, label = _describe(thread, reply)
    audit_record(
        community=community,
        actor=None,
        action=AuditAction.AUTO_HIDE,
        target_type=kind,
        target_id=(reply or thread).pk,
        target_label=label,
        circle=thread.circle,  # sealed when the circle is private or confidential
        note=(
            f"hidden pending review: flagged as spam by {len(trusted)} trusted members "
            f"({', '.join(sorted(p.username for p in trusted))})"
        ),
    )
    item = reply if reply is not None else thread
    _tell(
        item.author,
        community,
        f"Members of {community.name} flagged your {kind} in “{thread.title}” as spam; "
        "it is hidden until a steward looks at it.",
        _thread_link(thread, reply),
        key=f"auto-hidden:{kind}:{item.pk}",
        thread=thread,
    )


def _set_hidden(thread: Thread, reply: Reply | None, when: datetime | None) -> None:
    if reply is not None:
        Reply.objects.filter(pk=reply.pk).update(hidden_at=when)
        reply.hidden_at = when
    else:
        Thread.objects.filter(pk=thread.pk).update(hidden_at=when)
        thread.hidden_at = when


def _resolve_flags(thread: Thread, reply: Reply | None, actor: User, status: str) -> int:
    return Flag.objects.filter(thread=thread, reply=reply, status=FlagStatus.OPEN).update(
        status=status, resolved_by=actor, resolved_at=timezone.now()
    )


# Hiding and restoring ----------------------------------------------------------------------


@transaction.atomic
def content_hide(
    *, actor: User, thread: Thread, reply: Reply | None = None, note: str = ""
) -> None:
    """A steward hides a thread or reply (or keeps hidden what spam flags hid): its open
    flags are upheld, and count against its author's trust level."""
    item = _item(thread, reply)
    community = thread.community
    _require_steward(community, actor, "hide posts")
    note = _note(note)
    already = item.hidden_at is not None
    if not already:
        _set_hidden(thread, reply, timezone.now())
    upheld = _resolve_flags(thread, reply, actor, FlagStatus.UPHELD)
    kind, label = _describe(thread, reply)
    audit_record(
        community=community,
        actor=actor,
        action=AuditAction.UPHOLD if already else AuditAction.HIDE,
        target_type=kind,
        target_id=item.pk,
        target_label=label,
        circle=thread.circle,  # sealed when the circle is private or confidential
        note=_joined(note, f"{upheld} flag(s) upheld" if upheld else ""),
    )
    if not already:
        _tell(
            item.author,
            community,
            f"Stewards of {community.name} hid your {kind} in “{thread.title}”"
            + (f": {note}" if note else "."),
            _thread_link(thread, reply),
            key=f"hidden:{kind}:{item.pk}:{timezone.now().timestamp():.0f}",
            thread=thread,
        )


@transaction.atomic
def content_restore(
    *, actor: User, thread: Thread, reply: Reply | None = None, note: str = ""
) -> None:
    """A steward shows a hidden thread or reply again; its open flags are dismissed."""
    item = _item(thread, reply)
    community = thread.community
    _require_steward(community, actor, "restore posts")
    note = _note(note)
    if item.hidden_at is None:
        raise Conflict(f"this {_describe(thread, reply)[0]} is not hidden")
    _set_hidden(thread, reply, None)
    dismissed = _resolve_flags(thread, reply, actor, FlagStatus.DISMISSED)
    kind, label = _describe(thread, reply)
    audit_record(
        community=community,
        actor=actor,
        action=AuditAction.RESTORE,
        target_type=kind,
        target_id=item.pk,
        target_label=label,
        circle=thread.circle,  # sealed when the circle is private or confidential
        note="; ".join(
            p for p in (note, f"{dismissed} flag(s) dismissed" if dismissed else "") if p
        ),
    )


@transaction.atomic
def flags_dismiss(
    *, actor: User, thread: Thread, reply: Reply | None = None, note: str = ""
) -> int:
    """A steward finds nothing wrong: the open flags are dismissed, the post stays as it is."""
    item = _item(thread, reply)
    community = thread.community
    _require_steward(community, actor, "dismiss flags")
    note = _note(note)
    dismissed = _resolve_flags(thread, reply, actor, FlagStatus.DISMISSED)
    if not dismissed:
        raise Conflict("there are no open flags on this")
    kind, label = _describe(thread, reply)
    audit_record(
        community=community,
        actor=actor,
        action=AuditAction.DISMISS,
        target_type=kind,
        target_id=item.pk,
        target_label=label,
        circle=thread.circle,  # sealed when the circle is private or confidential
        note=_joined(note, f"{dismissed} flag(s) dismissed"),
    )
    return dismissed


# Suspensions -----------------------------------------------------------------------------


@transaction.atomic
def suspension_create(
    *,
    actor: User,
    person: User,
    community: Community | None,
    note: str,
    days: int | None = None,
) -> Suspension:
    """Suspend a person from a community (its stewards) or from the whole site (administrators).

    ``days`` None means until lifted. A site-wide suspension also signs the
    person out everywhere; their tokens stop working while it lasts.
    """
    note = _note(note, required=True, what="a reason (the person will see it)")
    if days is not None and not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_SUSPENSION_DAYS}", field="days")
    if person.pk == actor.pk:
        raise NotAllowed("you cannot suspend yourself")
    if community is None:
        if not actor.is_superuser:
            raise NotAllowed("only site administrators can suspend someone from the whole site")
    else:
        _require_steward(community, actor, "suspend people")
        if is_steward(community=community, user=person) and not actor.is_superuser:
            raise NotAllowed(
                f"{person.username} is a steward of {community.name}; change their role first"
            )
    current = Suspension.objects.active().filter(person=person, community=community).first()
    if current is not None:
        raise Conflict(
            f"{person.username} is already suspended {when_text(current.ends_at)}; lift that first"
        )
    now = timezone.now()
    suspension = Suspension.objects.create(
        person=person,
        community=community,
        note=note,
        created_by=actor,
        created_at=now,
        ends_at=now + timedelta(days=days) if days is not None else None,
    )
    audit_record(
        community=community,
        actor=actor,
        action=AuditAction.SUSPEND,
        target_type="person",
        target_id=person.pk,
        target_label=person.username,
        note=f"{when_text(suspension.ends_at)}: {note}",
    )
    cache.delete(SUSPENDED_CACHE_KEY)
    if community is None:
        transaction.on_commit(lambda: sessions_end(user=person))
    else:
        _tell(
            person,
            community,
            f"You are suspended from {community.name} {when_text(suspension.ends_at)}: {note}",
            reverse("communities:detail", args=[community.slug]),
            key=f"suspended:{suspension.pk}",
        )
    return suspension


@transaction.atomic
def suspension_lift(*, actor: User, suspension: Suspension, note: str = "") -> Suspension:
    note = _note(note)
    if suspension.community is None:
        if not actor.is_superuser:
            raise NotAllowed("only site administrators can lift a site-wide suspension")
    else:
        _require_steward(suspension.community, actor, "lift suspensions")
    if not suspension.is_active:
        raise Conflict("this suspension has already ended")
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = actor
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(
        community=suspension.community,
        actor=actor,
        action=AuditAction.LIFT,
        target_type="person",
        target_id=suspension.person_id,
        target_label=suspension.person.username,
        note=note,
    )
    cache.delete(SUSPENDED_CACHE_KEY)
    return suspension


# Level overrides ---------------------------------------------------------------------------


@transaction.atomic
def level_override(
    *, actor: User, community: Community, person: User, level: int | None, note: str = ""
) -> TrustLevel:
    """A steward sets a person's level by hand (``None`` goes back to the computed one)."""
    _require_steward(community, actor, "change trust levels")
    if not is_member(community=community, user=person):
        raise InvalidInput(f"{person.username} is not a member of {community.name}", field="person")
    if level is not None and level not in Level._value2member_map_:
        raise InvalidInput("level must be between 0 (newcomer) and 4 (leader)", field="level")
    note = _note(note, required=level is not None, what="a note saying why")
    row = trust_level_get(person=person, community=community)
    row.override_level = level
    row.override_note = note if level is not None else ""
    row.override_by = actor if level is not None else None
    row.save(update_fields=["override_level", "override_note", "override_by"])
    audit_record(
        community=community,
        actor=actor,
        action=AuditAction.OVERRIDE if level is not None else AuditAction.CLEAR_OVERRIDE,
        target_type="person",
        target_id=person.pk,
        target_label=person.username,
        note=(f"{Level(level).label}: {note}" if level is not None else note),
    )
    return row


# Sessions ------------------------------------------------------------------------------


def sessions_end(*, user: User, keep: str | None = None, revoke_tokens: bool = False) -> int:
    """Sign a person out everywhere (but the session ``keep``): every session of theirs is
    deleted, recorded sign-ins or not; optionally their access tokens are revoked too."""
    keys = set(SignIn.objects.filter(user=user).values_list("session_key", flat=True))
    # Sessions opened before sign-ins were recorded: read each live session once.
    known = set(Session.objects.filter(session_key__in=keys).values_list("session_key", flat=True))
    wanted = str(user.pk)
    for session in (
        Session.objects.filter(expire_date__gt=timezone.now())
        .exclude(session_key__in=known)
        .iterator(chunk_size=2000)
    ):
        if session.get_decoded().get("_auth_user_id") == wanted:
            keys.add(session.session_key)
    keys.discard(keep or "")
    ended, _ = Session.objects.filter(session_key__in=keys).delete()
    SignIn.objects.filter(user=user, session_key__in=keys).delete()
    if revoke_tokens:
        AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return ended


def sign_in_record(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    """Remember a new session; forget this person's sessions that have ended since."""
    SignIn.objects.filter(user=user).exclude(
        session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    ).delete()
    SignIn.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip": ip or None, "user_agent": user_agent[:300]},
    )


def sign_in_forget(*, session_key: str) -> None:
    SignIn.objects.filter(session_key=session_key).delete()
