"""Reads behind a person's profile page, for one viewer.

A profile only lists what the viewer may read: communities whose content is
readable to them, and threads and replies that pass ``Thread.visible_to``.
The who-helped-whom counts are taken over the same visible threads, so a
profile never hints at activity inside a community the viewer cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from practica.accounts.models import AccessToken, User
from practica.communities.circles import named_authorship
from practica.communities.models import Community, Membership, MembershipStatus
from practica.communities.selectors import AnyUser
from practica.core.errors import NotFound
from practica.exchange.models import Acknowledgement, Reply, Thread
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
    readable = Community.objects.readable_by(viewer)
    memberships = list(
        Membership.objects.filter(
            user=person, status=MembershipStatus.ACTIVE, community__in=readable.values("pk")
        )
        .select_related("community")
        .annotate(**{"trust_level": trust_level_subquery()})  # a badge beside each community
        .order_by("community__name")
    )
    threads = list(
        visible_threads.filter(author=person)
        .select_related("community")
        .order_by("-created_at", "-id")[:RECENT]
    )
    visible_replies = Reply.objects.visible_to(viewer)  # hidden replies stay off others' view
    if viewer is None or viewer.pk != person.pk:
        # Nor are replies in Chatham House threads listed under their author.
        visible_replies = visible_replies.filter(named_authorship(viewer, prefix="thread__"))
    replies = list(
        visible_replies.filter(author=person)
        .select_related("thread", "thread__community")
        .order_by("-created_at", "-id")[:RECENT]
    )
    acks = Acknowledgement.objects.filter(thread__in=visible_threads.values("pk"))
    # A story's acknowledgement has no reply: the helper is the story's author.
    received = acks.filter(Q(reply__author=person) | Q(reply__isnull=True, thread__author=person))
    given = acks.filter(person=person)
    accepted = visible_threads.filter(accepted_reply__author=person).count()
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
