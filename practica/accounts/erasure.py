"""Deleting an account: the person goes, the community's memory stays intact.

What a person wrote stays for the community under an anonymous name
("former member #n") unless they ask for it to be removed. Removed threads and
replies vanish when nobody else built on them; a thread with others' replies,
or a reply others commented on (or that was accepted), keeps its place with
the body "[removed by its author]", so that no one else's words lose their
context. Their edit history goes with them (it holds the old text).

Either way the person's row stays, emptied: ledger events keep pointing at it,
so the compass counts the same interactions before and after, and nothing that
refers to a person breaks. The row can no longer log in, its tokens are
revoked, its sessions end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from practica.accounts.models import AccessToken, User
from practica.accounts.person_data import PROFILE_FIELDS, STORY_PARTS
from practica.core.errors import NotAllowed

REMOVED = "[removed by its author]"
FORMER_PREFIX = "former-member-"
_FORMER_RE = re.compile(rf"^{FORMER_PREFIX}(\d+)$")


#: What a deletion does with every column that points at a person (the same keys as
#: ``person_data.PERSON_LINKS``; a test fails when a new one is missing). "kept" rows point
#: at the emptied person row, which shows as "former member #n".
ON_DELETION: dict[str, str] = {
    "accounts.AccessToken.user": "kept, revoked",
    "communities.Community.created_by": "kept",
    "communities.Membership.user": "deleted",
    "communities.Circle.created_by": "kept",
    "communities.CircleMembership.user": "deleted",
    "communities.CircleMembership.invited_by": "kept (others' memberships)",
    "communities.Agreement.created_by": "kept: the community's norms",
    "communities.AgreementAcceptance.person": "deleted",
    "exchange.Thread.author": "kept; on request deleted, or emptied when others replied",
    "exchange.Reply.author": "kept; on request deleted, or emptied when others built on it",
    "exchange.Revision.editor": "kept; on request the history of removed posts is deleted",
    "exchange.Acknowledgement.person": "kept: others' figures count it",
    "ledger.LedgerEvent.actor": "kept: the compass counts the same",
    "ledger.LedgerEvent.target": "kept: the compass counts the same",
    "weaving.Notification.recipient": "deleted",
    "weaving.Notification.actor": "kept (others' notifications)",
    "weaving.Introduction.introducer": "kept; on request the note is emptied",
    "weaving.Introduction.person_a": "kept (the other person's introduction)",
    "weaving.Introduction.person_b": "kept (the other person's introduction)",
    "learning.Practice.created_by": "kept: the shared repertoire",
    "learning.PracticeVersion.author": "kept: the shared repertoire",
    "learning.Experiment.proposed_by": "kept: others joined it",
    "learning.Cycle.decided_by": "kept",
    "learning.Participant.person": "kept, organisation emptied; on request setting and scale",
    "learning.Feedback.author": "kept; on request the body is emptied",
    "learning.AgendaItem.raised_by": "kept: the community's agenda",
    "trust.TrustLevel.person": "deleted",
    "trust.TrustLevel.override_by": "kept (others' levels)",
    "trust.Flag.reporter": "kept: the stewards' record",
    "trust.Flag.author": "kept: the stewards' record",
    "trust.Flag.resolved_by": "kept: the stewards' record",
    "trust.Suspension.person": "deleted",
    "trust.Suspension.created_by": "kept (others' suspensions)",
    "trust.Suspension.lifted_by": "kept (others' suspensions)",
    "trust.AuditEntry.actor": "kept: append-only; entries about them name the new username",
    "trust.SignIn.user": "deleted",
    "surveys.Survey.created_by": "kept",
    "surveys.Response.person": "kept: results stay the same; on request the story is cleared",
    "admin.LogEntry.user": "kept: the administrators' log",
}


@dataclass(frozen=True)
class Erasure:
    """What a deletion did, for the confirmation page and the command's one line."""

    former_name: str
    threads_deleted: int = 0
    threads_blanked: int = 0
    replies_deleted: int = 0
    replies_blanked: int = 0


def is_former(user: User) -> bool:
    return bool(_FORMER_RE.match(user.username))


def _check_not_last_steward(user: User) -> None:
    from practica.communities.models import Membership, MembershipStatus, Role

    led = Membership.objects.filter(
        user=user, role=Role.STEWARD, status=MembershipStatus.ACTIVE
    ).values_list("community_id", flat=True)
    for community_id in led:
        others = (
            Membership.objects.filter(
                community_id=community_id, role=Role.STEWARD, status=MembershipStatus.ACTIVE
            )
            .exclude(user=user)
            .exists()
        )
        if not others:
            from practica.communities.models import Community

            name = Community.objects.get(pk=community_id).name
            raise NotAllowed(
                f"you are the last steward of {name}: name another steward before you go"
            )


def _next_former_number() -> int:
    numbers = [
        int(m.group(1))
        for name in User.objects.filter(username__startswith=FORMER_PREFIX).values_list(
            "username", flat=True
        )
        if (m := _FORMER_RE.match(name))
    ]
    return max(numbers, default=0) + 1


def _remove_contributions(user: User) -> dict[str, int]:
    from practica.exchange.models import Reply, Revision, Thread

    counts = {
        "threads_deleted": 0,
        "threads_blanked": 0,
        "replies_deleted": 0,
        "replies_blanked": 0,
    }
    now = timezone.now()
    for thread in Thread.objects.filter(author=user):
        if thread.replies.exclude(author=user).exists():
            thread.title = REMOVED
            thread.body = REMOVED
            for part in STORY_PARTS:
                setattr(thread, part, "")
            thread.edited_at = now
            thread.save(update_fields=["title", "body", *STORY_PARTS, "edited_at"])
            thread.tags.clear()
            Revision.objects.filter(thread=thread, reply__isnull=True).delete()
            counts["threads_blanked"] += 1
        else:
            thread.delete()
            counts["threads_deleted"] += 1
    for reply in Reply.objects.filter(author=user).order_by("created_at", "pk"):
        built_on = (
            reply.children.exclude(author=user).exists()
            or Thread.objects.filter(accepted_reply=reply).exists()
        )
        if built_on:
            reply.body, reply.edited_at = REMOVED, now
            reply.save(update_fields=["body", "edited_at"])
            Revision.objects.filter(reply=reply).delete()
            counts["replies_blanked"] += 1
        else:
            reply.delete()
            counts["replies_deleted"] += 1
    return counts


def _end_sessions(user: User) -> None:
    """Sessions stored in the database are deleted; any other kind ends anyway, because the
    password hash they were signed with is gone and the account is inactive."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def _forget(user: User, number: int) -> None:
    from practica.communities.models import AgreementAcceptance, CircleMembership, Membership
    from practica.weaving.models import Notification

    for name in PROFILE_FIELDS:
        setattr(user, name, "")
    user.username = f"{FORMER_PREFIX}{number}"
    user.display_name = f"former member #{number}"
    user.email = user.first_name = user.last_name = ""
    user.source = user.source_id = user.licence = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    Membership.objects.filter(user=user).delete()
    CircleMembership.objects.filter(user=user).delete()
    AgreementAcceptance.objects.filter(person=user).delete()
    Notification.objects.filter(recipient=user).delete()
    AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _forget_trust(user)
    _forget_learning_context(user)


def _forget_trust(user: User) -> None:
    """Standing, suspensions and sign-ins (addresses, browsers) go; the audit log keeps what
    stewards did, naming the person by their new anonymous name from now on."""
    from practica.trust.models import AuditEntry, SignIn, Suspension, TrustLevel

    TrustLevel.objects.filter(person=user).delete()
    Suspension.objects.filter(person=user).delete()
    SignIn.objects.filter(user=user).delete()
    # A label, not a link: the entries stay (append-only), the name in them does not.
    AuditEntry.objects.filter(target_type="person", target_id=user.pk).update(
        target_label=user.username
    )


def _forget_learning_context(user: User) -> None:
    """The organisation someone named when joining an experiment would point back at them."""
    from practica.learning.models import Participant

    Participant.objects.filter(person=user).update(organisation="")


def erase(*, user: User, remove_contributions: bool = False) -> Erasure:
    """Delete a person's account (see the module's docstring for what stays)."""
    if is_former(user) and not user.is_active:
        raise NotAllowed("this account was deleted already")
    _check_not_last_steward(user)
    for _ in range(5):
        try:
            with transaction.atomic():
                counts = {}
                if remove_contributions:
                    from practica.exchange.models import Reply, Thread

                    thread_ids = list(
                        Thread.objects.filter(author=user).values_list("pk", flat=True)
                    )
                    reply_ids = list(Reply.objects.filter(author=user).values_list("pk", flat=True))
                    counts = _remove_contributions(user)
                    _clear_stories(user)
                    _remove_other_words(user, thread_ids, reply_ids)
                number = _next_former_number()
                _forget(user, number)
        except IntegrityError:
            user.refresh_from_db()
            continue  # someone else took the number at the same moment
        _end_sessions(user)
        return Erasure(former_name=user.display_name, **counts)
    raise NotAllowed("the account could not be deleted now; try again in a moment")


def _clear_stories(user: User) -> None:
    from practica.surveys.models import Response

    Response.objects.filter(person=user).filter(~Q(story="")).update(story="", share_story=False)


def _remove_other_words(user: User, thread_ids: list[int], reply_ids: list[int]) -> None:
    """Their words outside threads: check-ins, feedback, introductions' notes. The rows stay
    (measures, the ledger and others' feedback hang on them); the words go."""
    from practica.exchange.models import Reply
    from practica.learning.models import Feedback, Observation, Participant
    from practica.trust.models import AuditEntry
    from practica.weaving.models import Introduction

    Observation.objects.filter(participant__person=user).update(
        what_we_did=REMOVED, what_happened=REMOVED, surprises=""
    )
    Participant.objects.filter(person=user).update(setting="", scale="")
    Feedback.objects.filter(author=user).update(body=REMOVED)
    Introduction.objects.filter(introducer=user).update(note=REMOVED)
    # The audit log named their removed threads by title.
    AuditEntry.objects.filter(target_type="thread", target_id__in=thread_ids).update(
        target_label=REMOVED
    )
    AuditEntry.objects.filter(target_type="reply", target_id__in=reply_ids).update(
        target_label=REMOVED
    )
    in_their_threads = Reply.objects.filter(thread_id__in=thread_ids).values("pk")
    AuditEntry.objects.filter(target_type="reply", target_id__in=in_their_threads).update(
        target_label=f"a reply in “{REMOVED}”"
    )
