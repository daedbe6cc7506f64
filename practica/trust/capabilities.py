"""What a person's trust level lets them do, checked inside the services.

``can(person, capability, community)`` answers yes or no (pages use it to
show or hide a button); ``trust_require`` raises ``NotAllowed`` with a
sentence saying why, and is what services call::

    trust_require(author, "post", community, text=body)

The checks, in order:

1. a suspension (in this community, or site-wide) refuses everything;
2. stewards (and site administrators) may do everything;
3. everyone else must be an active member (``join`` and ``flag`` aside, which
   have their own rules);
4. in a small community (fewer than ``SMALL_COMMUNITY`` active members) the
   newcomer limits and the regular-level capabilities are open to every
   member: a handful of people who know each other need no gatekeeping, and
   spam seldom targets them;
5. otherwise the person's level must reach the capability's level
   (``rules.CAPABILITY_LEVEL``); newcomers may post, within the link and
   hourly limits.

Starting a thread or replying also refreshes the person's stored level when
it is older than ``levels.REFRESH`` (the lazy recompute).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community, MembershipStatus, Role
from practica.communities.selectors import AnyUser, membership_of
from practica.core.errors import NotAllowed
from practica.exchange.models import Reply, Thread
from practica.trust.adapter import posts_since
from practica.trust.audit import audit_record
from practica.trust.levels import trust_level_get
from practica.trust.models import AuditAction
from practica.trust.rules import (
    CAPABILITY_LEVEL,
    CAPABILITY_WORDS,
    Level,
    link_refusal,
    rate_refusal,
)
from practica.trust.selectors import is_small, suspension_message, suspension_of

#: Limited for newcomers (links, hourly rate) rather than refused.
_LIMITED = frozenset({"post", "reply"})
#: Open to every member of a small community.
_SMALL_OPEN = frozenset({"post_links", "post_freely", "edit_tags", "distil"})
#: Need no membership: joining (obviously).
_NO_MEMBERSHIP = frozenset({"join"})


def _is_steward(person: User, community: Community) -> tuple[bool, bool]:
    """(is an active member, is a steward or administrator)."""
    if person.is_superuser:
        return True, True
    membership = membership_of(community=community, user=person)
    active = membership is not None and membership.status == MembershipStatus.ACTIVE
    return active, active and membership is not None and membership.role == Role.STEWARD


def refusal(
    person: AnyUser, capability: str, community: Community, *, text: str = ""
) -> str | None:
    """Why this person may not do this here, or None when they may."""
    if capability not in CAPABILITY_LEVEL:
        raise ValueError(f"unknown capability {capability!r}")
    words = CAPABILITY_WORDS[capability]
    if person is None or not person.is_authenticated or not isinstance(person, User):
        return f"log in to {words}"
    suspension = suspension_of(person, community)
    if suspension is not None:
        return suspension_message(suspension)
    if capability in _NO_MEMBERSHIP:
        return None
    member, steward = _is_steward(person, community)
    if not member:
        return f"join {community.name} to {words}"
    need = CAPABILITY_LEVEL[capability]
    if capability in _LIMITED:
        # The lazy recompute: whoever posts gets a fresh level, stewards included.
        level = trust_level_get(person=person, community=community).effective
        if steward or is_small(community):
            return None
        return link_refusal(text, level) or _rate_refusal(person, community, level)
    if steward or need == Level.NEWCOMER:
        return None
    if capability in _SMALL_OPEN and is_small(community):
        return None
    level = trust_level_get(person=person, community=community).effective
    if level >= need:
        return None
    return f"{need.label}s and stewards can {words}; you are a {level.label} in {community.name}"


def _rate_refusal(person: User, community: Community, level: Level) -> str | None:
    if level >= CAPABILITY_LEVEL["post_freely"]:
        return None
    now = timezone.now()
    recent = posts_since(community.pk, person.pk, now - timedelta(hours=1))
    wait = 0
    if recent:
        wait = int((recent[0] + timedelta(hours=1) - now).total_seconds() // 60) + 1
    return rate_refusal(len(recent), wait, level)


def can(person: AnyUser, capability: str, community: Community) -> bool:
    """May this person do this in this community (ignoring what a post would contain)?"""
    return refusal(person, capability, community) is None


def trust_require(
    person: AnyUser, capability: str, community: Community, *, text: str = ""
) -> None:
    """Raise ``NotAllowed`` saying why, unless the person may; ``text`` is what they post."""
    reason = refusal(person, capability, community, text=text)
    if reason is not None:
        raise NotAllowed(reason, field="body" if "link" in reason else None)


def trust_require_edit(
    editor: User,
    target: Thread | Reply,
    *,
    reason: str = "",
    text: str = "",
    tags_only: bool = False,
) -> None:
    """Authors edit their own words (newcomers within the link limit), stewards anything
    (each such edit goes to the audit log), regulars the tags of others' threads."""
    thread = target if isinstance(target, Thread) else target.thread
    community = thread.community
    kind = "thread" if isinstance(target, Thread) else "reply"
    suspension = suspension_of(editor, community)
    if suspension is not None:
        raise NotAllowed(suspension_message(suspension))
    member, steward = _is_steward(editor, community)
    if target.author_id is not None and target.author_id == editor.pk:
        if member and not steward and not is_small(community):
            level = trust_level_get(person=editor, community=community).effective
            too_many = link_refusal(text, level)
            if too_many:
                raise NotAllowed(too_many, field="body")
        return
    if steward:
        audit_record(
            community=community,
            actor=editor,
            action=AuditAction.EDIT,
            target_type=kind,
            target_id=target.pk,
            target_label=thread.title if kind == "thread" else f"a reply in “{thread.title}”",
            note=reason or "no reason given",
            circle=thread.circle,  # sealed when the circle is private or confidential
        )
        return
    if kind == "thread" and tags_only and member:
        trust_require(editor, "edit_tags", community)
        return
    raise NotAllowed(f"only the author or a steward can edit this {kind}")
