"""Reads behind the circle and agreement pages, composed for one viewer.

Circles are found through ``circle_get`` / ``circles_visible`` (a closed circle
is NotFound to anyone outside it); their threads through ``thread_list``, so
through ``Thread.objects.visible_to``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from practica.communities.circles import (
    agreement_current,
    agreement_history,
    agreement_pending,
    circle_ids_of,
    circle_members,
    circles_for_posting,
    circles_visible,
)
from practica.communities.models import (
    CLOSED_TIERS,
    Agreement,
    Circle,
    CircleMembership,
    Community,
)
from practica.communities.pages import Viewer
from practica.communities.selectors import AnyUser
from practica.exchange.history import Segment, word_diff
from practica.exchange.models import Thread
from practica.exchange.selectors import thread_list


@dataclass(frozen=True)
class CircleCard:
    circle: Circle
    member_count: int
    thread_count: int
    is_in: bool


def circle_cards(*, viewer: Viewer, user: AnyUser) -> list[CircleCard]:
    """The circles this person may know of, with counts of what they may read."""
    circles = circles_visible(community=viewer.community, user=user)
    ids = [c.pk for c in circles]
    members = dict(
        CircleMembership.objects.filter(circle_id__in=ids)
        .values_list("circle_id")
        .annotate(n=Count("id"))
    )
    threads = dict(
        Thread.objects.visible_to(user)
        .filter(circle_id__in=ids)
        .values_list("circle_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    mine = circle_ids_of(user)
    return [
        CircleCard(
            circle=c,
            member_count=members.get(c.pk, 0),
            thread_count=threads.get(c.pk, 0),
            is_in=c.pk in mine,
        )
        for c in circles
    ]


@dataclass(frozen=True)
class CirclePage:
    circle: Circle
    is_in: bool
    can_post: bool
    can_join: bool
    can_invite: bool
    #: Stewards who may enter the circle take people out of it and delete it when empty.
    can_steward: bool
    #: Under the Chatham House rule the member list is for the circle's own members.
    shows_members: bool
    members: list[CircleMembership]
    agreement: Agreement | None
    pending_agreement: Agreement | None


def circle_page(*, viewer: Viewer, circle: Circle, user: AnyUser) -> CirclePage:
    is_in = circle.pk in circle_ids_of(user)
    closed = circle.tier in CLOSED_TIERS
    shows_members = is_in or not circle.chatham_house
    postable = {c.pk for c in circles_for_posting(community=viewer.community, user=user)}
    pending = (
        agreement_pending(community=viewer.community, person=user, circle=circle)
        if user is not None and user.is_authenticated
        else None
    )
    return CirclePage(
        circle=circle,
        is_in=is_in,
        can_post=circle.pk in postable,
        can_join=not closed and not is_in and viewer.is_member,
        can_invite=closed and is_in,
        can_steward=viewer.is_steward,
        shows_members=shows_members,
        members=list(circle_members(circle=circle)) if shows_members else [],
        agreement=agreement_current(community=viewer.community, circle=circle),
        pending_agreement=pending,
    )


def circle_threads(*, community: Community, circle: Circle, user: AnyUser) -> QuerySet[Thread]:
    return thread_list(community=community, user=user).filter(circle=circle)


@dataclass(frozen=True)
class AgreementVersion:
    agreement: Agreement
    #: Word changes from the version before; empty for the first version.
    changes: tuple[Segment, ...]


def agreement_versions(
    *, community: Community, circle: Circle | None = None
) -> list[AgreementVersion]:
    """Every version, newest first, each with its word diff from the one before."""
    versions = list(
        agreement_history(community=community, circle=circle).select_related("created_by")
    )
    found = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        diff = word_diff(older.body, newer.body) if older is not None else ()
        found.append(AgreementVersion(agreement=newer, changes=diff))
    return found
