"""Forming, joining and stewarding a community."""

from __future__ import annotations

import pytest

from practica.communities.models import Community, Membership, MembershipStatus, Role
from practica.communities.selectors import community_get_readable, is_member, is_steward
from practica.communities.services import (
    community_create,
    community_join,
    community_leave,
    community_update,
    membership_approve,
    membership_set_role,
)
from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound

pytestmark = pytest.mark.django_db


def test_creator_becomes_the_first_steward(people):
    assert is_steward(community=people.community, user=people.steward)
    assert not is_steward(community=people.community, user=people.member)


def test_slug_must_be_free_and_well_formed(people):
    with pytest.raises(Conflict) as taken:
        community_create(creator=people.member, name="Again", slug="growers")
    assert taken.value.field == "slug"
    for bad in ["Growers", "-x", "x-", "has space", "", "new"]:
        with pytest.raises(InvalidInput):
            community_create(creator=people.member, name="Bad", slug=bad)
    assert Community.objects.count() == 2


def test_unknown_aspiration_is_refused_with_its_field(people):
    with pytest.raises(InvalidInput) as err:
        community_create(creator=people.member, name="X", slug="x", aspiration="domination")
    assert err.value.field == "aspiration"


def test_the_aspiration_can_change_later_but_only_by_a_steward(people):
    with pytest.raises(NotAllowed):
        community_update(community=people.community, actor=people.member, name="Mine now")
    community_update(
        community=people.community, actor=people.steward, aspiration="collaborative_learning"
    )
    people.community.refresh_from_db()
    assert people.community.aspiration == "collaborative_learning"


def test_joining_a_public_community_is_immediate_and_idempotent(people):
    first = community_join(community=people.community, user=people.outsider)
    again = community_join(community=people.community, user=people.outsider)
    assert first.pk == again.pk and first.status == MembershipStatus.ACTIVE


def test_joining_a_members_only_community_waits_for_a_steward(people):
    membership = community_join(community=people.private, user=people.outsider)
    assert membership.status == MembershipStatus.PENDING
    assert not is_member(community=people.private, user=people.outsider)
    with pytest.raises(NotFound):
        community_get_readable(slug="stewards", user=people.outsider)
    with pytest.raises(NotAllowed):
        membership_approve(community=people.private, actor=people.member, user=people.outsider)
    membership_approve(community=people.private, actor=people.steward, user=people.outsider)
    assert community_get_readable(slug="stewards", user=people.outsider) == people.private


def test_a_community_keeps_at_least_one_steward(people):
    with pytest.raises(NotAllowed):
        community_leave(community=people.community, user=people.steward)
    with pytest.raises(NotAllowed):
        membership_set_role(
            community=people.community, actor=people.steward, user=people.steward, role=Role.MEMBER
        )
    membership_set_role(
        community=people.community, actor=people.steward, user=people.member, role=Role.STEWARD
    )
    community_leave(community=people.community, user=people.steward)
    assert not Membership.objects.filter(community=people.community, user=people.steward).exists()
