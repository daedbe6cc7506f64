"""Circles hold people safely; agreements are accepted on joining and again when they change."""

from __future__ import annotations

import pytest

from practica.communities.circles import (
    agreement_accept,
    agreement_pending,
    agreement_publish,
    circle_create,
    circle_get,
    circle_invite,
    circles_visible,
)
from practica.communities.models import CircleTier
from practica.communities.services import community_join
from practica.core.errors import InvalidInput, NotAllowed, NotFound
from practica.exchange.models import Thread
from practica.exchange.services import thread_create

pytestmark = pytest.mark.django_db


def test_only_stewards_open_circles_and_closed_ones_start_with_their_opener(people):
    with pytest.raises(NotAllowed):
        circle_create(community=people.community, actor=people.member, name="Mine", slug="mine")
    circle = circle_create(
        community=people.community,
        actor=people.steward,
        name="Night shift",
        slug="night",
        tier=CircleTier.CONFIDENTIAL,
    )
    assert list(circle.memberships.values_list("user__username", flat=True)) == ["alice"]


def test_a_closed_circle_is_invisible_even_by_name_to_those_outside(people):
    circle = circle_create(
        community=people.community,
        actor=people.steward,
        name="Night shift",
        slug="night",
        tier=CircleTier.PRIVATE,
    )
    open_circle = circle_create(
        community=people.community, actor=people.steward, name="Lobby", slug="lobby",
        tier=CircleTier.OPEN,
    )  # fmt: skip
    assert circles_visible(community=people.community, user=people.member) == [open_circle]
    with pytest.raises(NotFound):
        circle_get(community=people.community, slug="night", user=people.member)
    circle_invite(circle=circle, actor=people.steward, user=people.member)
    assert circle_get(community=people.community, slug="night", user=people.member) == circle
    with pytest.raises(InvalidInput):
        circle_invite(circle=circle, actor=people.steward, user=people.outsider)
    with pytest.raises(NotAllowed):
        circle_invite(circle=circle, actor=people.newcomer, user=people.newcomer)


def test_joining_asks_for_the_current_agreement_and_a_change_asks_again(people):
    agreement = agreement_publish(
        community=people.community, actor=people.steward, body="Be kind. Share what you tried."
    )
    with pytest.raises(InvalidInput) as refused:
        community_join(community=people.community, user=people.outsider)
    assert refused.value.field == "accept_agreement" and "version 1" in refused.value.message
    community_join(community=people.community, user=people.outsider, accept_agreement=1)
    assert agreement_pending(community=people.community, person=people.outsider) is None
    # Members who joined before the agreement existed must accept it before posting.
    with pytest.raises(NotAllowed) as blocked:
        thread_create(
            community=people.community, author=people.member, kind="discussion", title="Hi",
            body="Hello",
        )  # fmt: skip
    assert "version 1" in blocked.value.message
    agreement_accept(agreement=agreement, person=people.member)
    thread_create(
        community=people.community, author=people.member, kind="discussion", title="Hi",
        body="Hello",
    )  # fmt: skip
    second = agreement_publish(
        community=people.community, actor=people.steward, body="Be kind. Credit others."
    )
    assert second.version == 2
    assert agreement_pending(community=people.community, person=people.member) == second
    assert agreement_pending(community=people.community, person=people.steward) is None
    assert Thread.objects.count() == 1
