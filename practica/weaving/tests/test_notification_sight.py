"""A notification names what it is about; it is shown only while its recipient may read that."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from practica.accounts.person_data import person_data
from practica.communities.circles import circle_create, circle_invite, circle_remove
from practica.communities.models import CircleTier
from practica.communities.services import community_join, community_leave, membership_approve
from practica.exchange.services import thread_create
from practica.weaving.selectors import notifications_for, unread_count
from practica.weaving.services import introduction_create, invitation_create

pytestmark = pytest.mark.django_db


def _texts(user):
    return [n.text for n in notifications_for(user=user)]


def _downloaded(user):
    data = person_data(user, exported_at=datetime(2026, 1, 1, tzinfo=UTC))
    return [n["text"] for n in data["notifications"]]


def test_an_invitation_to_a_circle_thread_goes_when_the_invitee_leaves_the_community(people):
    inner = circle_create(
        community=people.community, actor=people.steward, name="Inner", slug="inner",
        tier=CircleTier.PRIVATE,
    )  # fmt: skip
    circle_invite(circle=inner, actor=people.steward, user=people.member)
    thread = thread_create(
        community=people.community, author=people.steward, kind="question",
        title="Secret sourdough starter", body="Words.", circle=inner,
    )  # fmt: skip
    invitation_create(thread=thread, inviter=people.steward, invitee=people.member)
    assert any("Secret sourdough starter" in t for t in _texts(people.member))
    assert any("Inner" in t for t in _texts(people.member))  # invited into the circle
    assert unread_count(user=people.member) == 2
    assert any("Secret sourdough starter" in t for t in _downloaded(people.member))

    # Leaving the community keeps the circle membership row, but opens nothing.
    community_leave(community=people.community, user=people.member)
    for texts in (_texts(people.member), _downloaded(people.member)):
        assert not any("Secret sourdough starter" in t or "Inner" in t for t in texts)
    assert unread_count(user=people.member) == 0


def test_a_circle_invitation_goes_when_the_person_is_taken_out_of_the_circle(people):
    inner = circle_create(
        community=people.community, actor=people.steward, name="Grief circle", slug="grief",
        tier=CircleTier.CONFIDENTIAL,
    )  # fmt: skip
    circle_invite(circle=inner, actor=people.steward, user=people.member)
    assert any("Grief circle" in t for t in _texts(people.member))
    circle_remove(circle=inner, actor=people.steward, user=people.member, note="moved on")
    assert not any("Grief circle" in t for t in _texts(people.member))


def test_an_introduction_in_a_members_only_community_goes_when_its_recipient_leaves(people):
    community_join(community=people.private, user=people.newcomer)
    membership_approve(community=people.private, actor=people.steward, user=people.newcomer)
    introduction_create(
        community=people.private, introducer=people.steward, person_a=people.member,
        person_b=people.newcomer, note="Both of you keep bees on roofs",
    )  # fmt: skip
    assert any("keep bees" in t for t in _texts(people.member))
    community_leave(community=people.private, user=people.member)
    assert not any("keep bees" in t for t in _texts(people.member))
    # The other person, still a member, keeps theirs.
    assert any("keep bees" in t for t in _texts(people.newcomer))
