"""Reads of trust and safety: suspensions, levels, the moderation queue, the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from practica.accounts.models import User
from practica.communities.models import CircleMembership, Community, Membership, MembershipStatus
from practica.communities.selectors import AnyUser
from practica.exchange.models import Reply, Thread
from practica.trust.models import AuditEntry, Flag, FlagStatus, SignIn, Suspension, TrustLevel
from practica.trust.rules import Level

#: Below this many active members a community is "small": see docs/trust.md.
SMALL_COMMUNITY = 10
_SIZE_SECONDS = 300


def suspension_of(person: AnyUser, community: Community | None) -> Suspension | None:
    """The suspension that keeps this person out of ``community`` now (site-wide ones too)."""
    if person is None or not person.is_authenticated:
        return None
    scope = Q(community__isnull=True)
    if community is not None:
        scope |= Q(community=community)
    # A site-wide suspension comes first: it says more.
    return (
        Suspension.objects.active()
        .filter(scope, person=person)
        .order_by("community_id", "-ends_at")
        .first()
    )


def when_text(moment: datetime | None) -> str:
    if moment is None:
        return "until it is lifted"
    return "until " + date_format(timezone.localtime(moment), "j F Y, H:i T")


def suspension_message(suspension: Suspension) -> str:
    where = suspension.community.name if suspension.community is not None else "this site"
    reason = f" ({suspension.note})" if suspension.note else ""
    return f"you are suspended from {where} {when_text(suspension.ends_at)}{reason}"


def is_small(community: Community) -> bool:
    """Fewer than ``SMALL_COMMUNITY`` active members (counted at most every five minutes)."""
    # The creation time too: a test database hands out the same ids again.
    key = f"trust:members:{community.pk}:{community.created_at.timestamp()}"
    size = cache.get(key)
    if size is None:
        size = Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE
        ).count()
        cache.set(key, size, _SIZE_SECONDS)
    return int(size) < SMALL_COMMUNITY


def level_row(person: User, community: Community) -> TrustLevel | None:
    return TrustLevel.objects.filter(person=person, community=community).first()


def levels_of_members(*, community: Community) -> QuerySet[Membership]:
    """Active members with their stored level (``trust``), for the stewards' people page."""
    return (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


def levels_by_person(*, community: Community, people: list[int]) -> dict[int, TrustLevel]:
    rows = TrustLevel.objects.filter(community=community, person_id__in=people)
    return {row.person_id: row for row in rows.select_related("override_by")}


@dataclass
class QueueItem:
    """One flagged thread or reply, with its open flags."""

    thread: Thread
    reply: Reply | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def item(self) -> Thread | Reply:
        return self.reply if self.reply is not None else self.thread

    @property
    def is_hidden(self) -> bool:
        return self.item.hidden_at is not None

    @property
    def reasons(self) -> list[str]:
        seen: list[str] = []
        for flag in self.flags:
            label = flag.get_reason_display()
            if label not in seen:
                seen.append(label)
        return seen


def moderation_queue(*, community: Community, steward: User) -> list[QueueItem]:
    """Open flags grouped by thread or reply, oldest first, on content this steward can read.

    A steward who is not in a closed circle does not see flags on its threads:
    the circle's own members (and the site's administrators) look after them.
    """
    flags = (
        Flag.objects.filter(community=community, status=FlagStatus.OPEN)
        .filter(_readable(community, steward, "thread_id"))
        .select_related(
            "reporter",
            "thread__author",
            "thread__circle",
            "reply__author",
            "reply__thread__circle",
        )
        .order_by("created_at", "id")
    )
    items: dict[tuple[int, int | None], QueueItem] = {}
    for flag in flags[:1000]:
        key = (flag.thread_id, flag.reply_id)
        if key not in items:
            items[key] = QueueItem(thread=flag.thread, reply=flag.reply)
        items[key].flags.append(flag)
    return list(items.values())


def _readable(community: Community, steward: User, field: str) -> Exists:
    """The row's thread (``field``) is one of the community's that this steward may read,
    asked row by row (a correlated EXISTS on the thread's key): "thread IN (every readable
    thread)" lists the community's 300k threads first, for a few flagged or hidden rows."""
    readable = Thread.objects.visible_to(steward).filter(community=community)
    return Exists(readable.filter(pk=OuterRef(field)))


HIDDEN_PAGE = 50


class HiddenRows(Sequence["Thread | Reply"]):
    """Hidden threads and replies with no open flag, newest hidden first, sliced lazily for
    a pager: a slice reads only as many of each as it needs, merged by when they were
    hidden. Both come from the partial indexes of hidden rows
    (``weaving.visibility.INDEXES``): a community's hidden rows are few, its rows many."""

    def __init__(self, threads: QuerySet[Thread], replies: QuerySet[Reply]) -> None:
        self.threads, self.replies = threads, replies
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.threads.count() + self.replies.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> Thread | Reply: ...
    @overload
    def __getitem__(self, index: slice) -> list[Thread | Reply]: ...
    def __getitem__(self, index: int | slice) -> Thread | Reply | list[Thread | Reply]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, len(self) if index.stop is None else index.stop
        found: list[Thread | Reply] = [*self.threads[:stop], *self.replies[:stop]]
        found.sort(key=lambda item: (item.hidden_at or timezone.now(), item.pk), reverse=True)
        return found[start:stop]


def hidden_without_flags(*, community: Community, steward: User) -> HiddenRows:
    """Hidden threads and replies with no open flag (hidden by a steward directly)."""
    open_flags = Flag.objects.filter(community=community, status=FlagStatus.OPEN)
    threads = (
        Thread.objects.filter(community=community, hidden_at__isnull=False)
        .filter(_readable(community, steward, "pk"))
        .exclude(pk__in=open_flags.filter(reply__isnull=True).values("thread_id"))
        .select_related("author")
        .order_by("-hidden_at", "-id")  # not the models' order, which an index would serve
    )
    replies = (
        Reply.objects.filter(hidden_at__isnull=False)
        .filter(_readable(community, steward, "thread_id"))
        .exclude(pk__in=open_flags.filter(reply__isnull=False).values("reply_id"))
        .select_related("thread", "author")
        .order_by("-hidden_at", "-id")
    )
    return HiddenRows(threads, replies)


def open_flag_count(*, community: Community) -> int:
    return Flag.objects.filter(community=community, status=FlagStatus.OPEN).count()


def suspensions_active(*, community: Community) -> QuerySet[Suspension]:
    return Suspension.objects.active().filter(community=community).select_related("person")


def audit_list(*, community: Community, viewer: AnyUser = None) -> QuerySet[AuditEntry]:
    """The community's audit log, newest first, as ``viewer`` (a steward) may read it.

    Entries about a private or confidential circle are sealed: only that circle's own
    members read them (a steward outside the circle may not learn who is in it, nor its
    name); site administrators read everything. With no viewer, only unsealed entries.
    """
    entries = AuditEntry.objects.filter(community=community).select_related("actor", "circle")
    if viewer is not None and viewer.is_authenticated and viewer.is_superuser:
        return entries
    readable = Q(sealed=False)
    if viewer is not None and viewer.is_authenticated:
        mine = CircleMembership.objects.filter(user=viewer).values("circle_id")
        readable |= Q(circle__in=mine)
    return entries.filter(readable)


def flagged_by(*, person: User, thread: Thread, reply: Reply | None) -> bool:
    return Flag.objects.filter(reporter=person, thread=thread, reply=reply).exists()


@dataclass(frozen=True)
class ActiveSession:
    sign_in: SignIn
    expires_at: datetime
    is_current: bool


def sessions_of(*, user: User, current_key: str | None) -> list[ActiveSession]:
    """The person's sessions that are still open, newest first."""
    sign_ins = list(SignIn.objects.filter(user=user)[:200])
    alive = dict(
        Session.objects.filter(
            session_key__in=[s.session_key for s in sign_ins], expire_date__gt=timezone.now()
        ).values_list("session_key", "expire_date")
    )
    return [
        ActiveSession(
            sign_in=s, expires_at=alive[s.session_key], is_current=s.session_key == current_key
        )
        for s in sign_ins
        if s.session_key in alive
    ]


def level_label(level: int | None) -> str:
    return Level(level).label if level is not None else ""


def trust_level_subquery(person: str = "user_id", community: str = "community_id") -> Subquery:
    """The stored, effective level of the row's person in the row's community, inside the
    same query (``Membership.objects.annotate(trust_level=trust_level_subquery())``)."""
    rows = TrustLevel.objects.filter(
        person_id=OuterRef(person), community_id=OuterRef(community)
    ).annotate(shown=Coalesce("override_level", "level"))
    return Subquery(rows.values("shown")[:1])
