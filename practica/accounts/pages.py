"""Reads behind a person's profile page, for one viewer.

A profile only lists what the viewer may read: communities whose content is
readable to them, and threads and replies that pass ``Thread.visible_to``.
The who-helped-whom counts are taken over the same visible threads, so a
profile never hints at activity inside a community the viewer cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
)

from practica.accounts.models import AccessToken, User
from practica.communities.circles import named_authorship
from practica.communities.models import Community, Membership, MembershipStatus
from practica.communities.selectors import AnyUser
from practica.core.errors import NotFound
from practica.exchange.models import Acknowledgement, Reply, Thread, shown_to
from practica.trust.selectors import trust_level_subquery

RECENT = 10
HELPED_PEOPLE = 5


@dataclass(frozen=True)
class HelpedPerson:
    username: str
    name: str
    count: int


@dataclass(frozen=True)
class ProfilePage:
    person: User
    memberships: list[Membership]
    threads: list[Thread]
    replies: list[Reply]
    helped_others: int
    was_helped: int
    accepted_answers: int
    helped_most: list[HelpedPerson]
    helped_by: list[HelpedPerson]


def person_get(*, username: str) -> User:
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise NotFound(f"no person {username!r}", field="username")
    return person


def _helped(rows: QuerySet[Acknowledgement], prefix: str) -> list[HelpedPerson]:
    counted = (
        rows.values(f"{prefix}__username", f"{prefix}__display_name")
        .annotate(n=Count("id"))
        .order_by("-n", f"{prefix}__username")[:HELPED_PEOPLE]
    )
    return [
        HelpedPerson(
            username=row[f"{prefix}__username"],
            name=row[f"{prefix}__display_name"] or row[f"{prefix}__username"],
            count=row["n"],
        )
        for row in counted
    ]


def profile_page(*, username: str, viewer: AnyUser) -> ProfilePage:
    person = person_get(username=username)
    # Under the Chatham House rule, threads seen from outside their circle name nobody.
    visible_threads = Thread.objects.visible_to(viewer).filter(named_authorship(viewer))

    def readable(field: str) -> Exists:
        # Asked row by row of the person's own rows (a correlated EXISTS on the thread's
        # key): "thread IN (every visible thread)" lists the site's threads first, seconds
        # at 300k threads.
        return Exists(visible_threads.filter(pk=OuterRef(field)))

    readable_communities = Community.objects.readable_by(viewer)
    memberships = list(
        Membership.objects.filter(
            user=person,
            status=MembershipStatus.ACTIVE,
            community__in=readable_communities.values("pk"),
        )
        .select_related("community")
        .annotate(**{"trust_level": trust_level_subquery()})  # a badge beside each community
        .order_by("community__name")
    )
    threads = list(
        _newest(Thread.objects.filter(author=person).filter(readable("pk")))
        .select_related("community")
        .order_by(F("_created").desc(), "-id")[:RECENT]
    )
    # Hidden replies stay off others' view; nor are replies in Chatham House threads
    # listed under their author (but to the author themself).
    own = viewer is not None and viewer.pk == person.pk
    reply_threads = Thread.objects.visible_to(viewer) if own else visible_threads
    shown = (
        Reply.objects.filter(author=person)
        .filter(shown_to(viewer, community="thread__community"))
        .filter(Exists(reply_threads.filter(pk=OuterRef("thread_id"))))
    )
    replies = list(
        _newest(shown)
        .select_related("thread", "thread__community")
        .order_by(F("_created").desc(), "-id")[:RECENT]
    )
    # Acknowledgements of visible threads, found from the person's own rows.
    # A story's acknowledgement has no reply: the helper is the story's author.
    received = Acknowledgement.objects.filter(
        Q(reply__in=Reply.objects.filter(author=person).values("pk"))
        | Q(reply__isnull=True, thread__in=Thread.objects.filter(author=person).values("pk"))
    ).filter(readable("thread_id"))
    given = Acknowledgement.objects.filter(person=person).filter(readable("thread_id"))
    accepted = (
        Thread.objects.filter(accepted_reply__in=Reply.objects.filter(author=person).values("pk"))
        .filter(readable("pk"))
        .count()
    )
    return ProfilePage(
        person=person,
        memberships=memberships,
        threads=threads,
        replies=replies,
        helped_others=received.count(),
        was_helped=given.count(),
        accepted_answers=accepted,
        helped_most=_helped(received, "person"),
        helped_by=_helped_by(given),
    )


class _Unindexed(Func):
    """A column that SQLite's indexes do not serve (a unary plus); the column itself
    elsewhere (PostgreSQL has no unary plus on dates and plans with statistics)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _newest(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows sorted by a date that no index serves: left to itself, SQLite walks the
    whole date index newest first, testing every row on the site for this person,
    instead of sorting the person's own few."""
    return rows.alias(_created=_Unindexed(F("created_at"), output_field=DateTimeField()))


def _helped_by(given: QuerySet[Acknowledgement]) -> list[HelpedPerson]:
    """The people whose replies or stories helped this person, most often first."""
    story_authors = given.filter(reply__isnull=True)
    reply_authors = given.filter(reply__isnull=False)
    tally: dict[str, HelpedPerson] = {}
    for rows, prefix in ((reply_authors, "reply__author"), (story_authors, "thread__author")):
        for helped in _helped(rows.exclude(**{f"{prefix}__isnull": True}), prefix):
            known = tally.get(helped.username)
            count = helped.count + (known.count if known else 0)
            tally[helped.username] = HelpedPerson(helped.username, helped.name, count)
    ranked = sorted(tally.values(), key=lambda h: (-h.count, h.username))
    return ranked[:HELPED_PEOPLE]


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    # Active tokens first, then revoked ones; newest first within each.
    return AccessToken.objects.filter(user=user).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )


def token_of(*, user: User, token_id: int) -> AccessToken:
    """One of this person's own tokens; anyone else's is NotFound."""
    token = AccessToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound(f"no token {token_id}", field="token")
    return token
