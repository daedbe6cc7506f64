"""The rules behind circles: who is in, who may post, how authors are named, what is counted."""

from __future__ import annotations

import pytest

from practica.accounts.services import user_create
from practica.communities.circles import (
    attribution_for,
    circle_create,
    circle_get,
    circle_invite,
    circle_join,
    circle_leave,
    circles_for_posting,
    confidential_counts,
    confidential_thread_ids,
    exportable_threads,
    may_leave_circle,
    named_authorship,
)
from practica.communities.models import CircleTier
from practica.communities.services import community_join, community_leave
from practica.core.errors import InvalidInput, NotAllowed, NotFound
from practica.exchange.models import Thread
from practica.exchange.services import reply_create, thread_create

pytestmark = pytest.mark.django_db


def room(people, tier, slug="room", **kw):
    return circle_create(
        community=people.community, actor=people.steward, name=slug.title(), slug=slug,
        tier=tier, **kw,
    )  # fmt: skip


def said(people, circle, author=None, title="Something"):
    return thread_create(
        community=people.community, author=author or people.steward, kind="discussion",
        title=title, body="Words.", circle=circle,
    )  # fmt: skip


def test_members_join_open_circles_but_closed_ones_only_by_invitation(people):
    lobby = room(people, CircleTier.OPEN, "lobby")
    circle_join(circle=lobby, user=people.member)
    assert lobby.memberships.filter(user=people.member).exists()
    with pytest.raises(NotAllowed):
        circle_join(circle=lobby, user=people.outsider)
    inner = room(people, CircleTier.PRIVATE, "inner")
    with pytest.raises(NotAllowed):
        circle_join(circle=inner, user=people.member)


def test_a_steward_outside_a_closed_circle_cannot_invite_into_it(people):
    inner = room(people, CircleTier.CONFIDENTIAL, "inner")
    circle_invite(circle=inner, actor=people.steward, user=people.member)
    circle_leave(circle=inner, user=people.steward)
    with pytest.raises(NotAllowed):
        circle_invite(circle=inner, actor=people.steward, user=people.steward)
    circle_invite(circle=inner, actor=people.member, user=people.newcomer)
    with pytest.raises(InvalidInput):
        circle_invite(circle=room(people, CircleTier.OPEN, "open"), actor=people.steward,
                      user=people.member)  # fmt: skip


def test_people_may_post_in_open_and_members_circles_and_in_closed_ones_they_are_in(people):
    lobby = room(people, CircleTier.MEMBERS, "lobby")
    inner = room(people, CircleTier.PRIVATE, "inner")
    assert circles_for_posting(community=people.community, user=people.member) == [lobby]
    assert set(circles_for_posting(community=people.community, user=people.steward)) == {
        lobby,
        inner,
    }
    assert circles_for_posting(community=people.community, user=people.outsider) == []


def test_authors_are_named_inside_a_chatham_house_circle_and_withheld_outside(people):
    mic = room(people, CircleTier.OPEN, "mic", chatham_house=True)
    circle_join(circle=mic, user=people.member)
    thread = said(people, mic, author=people.member)
    reply = reply_create(thread=thread, author=people.steward, body="Me too.")
    outside = attribution_for(thread, people.newcomer)
    assert (outside.name, outside.person, outside.withheld) == ("a member of Mic", None, True)
    assert attribution_for(thread, None).name == "a member of Mic"
    assert attribution_for(reply, people.newcomer).name == "a member of Mic"
    assert attribution_for(thread, people.member).person == people.member
    # The author always sees their own name, even without joining the circle.
    assert attribution_for(reply, people.steward).person == people.steward
    plain = said(people, None)
    assert attribution_for(plain, None).person == people.steward


def test_joining_a_chatham_house_circle_reveals_names_at_once(people):
    mic = room(people, CircleTier.OPEN, "mic", chatham_house=True)
    thread = said(people, mic)
    assert attribution_for(thread, people.newcomer).withheld
    circle_join(circle=mic, user=people.newcomer)
    assert not attribution_for(thread, people.newcomer).withheld


def test_lists_by_person_leave_out_what_may_not_be_attributed(people):
    mic = room(people, CircleTier.OPEN, "mic", chatham_house=True)
    told = said(people, mic, title="Told under the rule")
    open_one = said(people, None, title="Said openly")
    seen = set(Thread.objects.filter(named_authorship(people.newcomer)))
    assert open_one in seen and told not in seen
    assert told in set(Thread.objects.filter(named_authorship(people.steward)))


def test_closed_circles_never_pass_the_export_rule(people):
    kept = {said(people, room(people, t, t), title=t) for t in ("open", "members")}
    for tier in ("private", "confidential"):
        said(people, room(people, tier, tier), title=tier)
    plain = said(people, None, title="plain")
    assert set(exportable_threads(Thread.objects.all())) == kept | {plain}


def test_confidential_threads_are_named_for_the_compass_to_leave_out(people):
    grief = room(people, CircleTier.CONFIDENTIAL, "grief")
    private = room(people, CircleTier.PRIVATE, "private")
    hidden = said(people, grief)
    said(people, private)
    said(people, None)
    assert list(confidential_thread_ids(people.community)) == [hidden.pk]
    assert list(confidential_thread_ids(people.community.pk)) == [hidden.pk]


def test_confidential_circles_count_only_once_five_people_wrote_in_them(people):
    grief = room(people, CircleTier.CONFIDENTIAL, "grief")
    thread = said(people, grief)
    writers = [people.steward]
    for n in range(3):
        person = user_create(username=f"writer{n}")
        community_join(community=people.community, user=person)
        circle_invite(circle=grief, actor=people.steward, user=person)
        reply_create(thread=thread, author=person, body=f"Reply {n}")
        writers.append(person)
    assert len(writers) == 4
    assert confidential_counts(people.community).threads == 0
    circle_invite(circle=grief, actor=people.steward, user=people.member)
    reply_create(thread=thread, author=people.member, body="Fifth voice.")
    counts = confidential_counts(people.community)
    assert (counts.circles, counts.threads, counts.replies, counts.people) == (1, 1, 4, 5)


def test_leaving_the_community_closes_its_circles_too(people):
    inner = room(people, CircleTier.PRIVATE, "inner")
    circle_invite(circle=inner, actor=people.steward, user=people.member)
    thread = said(people, inner, title="Inner talk")
    assert Thread.objects.visible_to(people.member).filter(pk=thread.pk).exists()
    community_leave(community=people.community, user=people.member)
    assert not Thread.objects.visible_to(people.member).filter(pk=thread.pk).exists()
    assert circles_for_posting(community=people.community, user=people.member) == []
    with pytest.raises(NotFound):
        circle_get(community=people.community, slug="inner", user=people.member)


@pytest.mark.parametrize(
    ("tier", "chatham", "may"),
    [
        ("open", False, True),
        ("members", False, False),
        ("members", True, True),
        ("private", False, False),
        ("private", True, True),
        ("confidential", False, False),
        ("confidential", True, False),
    ],
)
def test_what_may_leave_a_circle_for_community_wide_material(people, tier, chatham, may):
    thread = said(people, room(people, tier, chatham_house=chatham))
    assert may_leave_circle(thread) is may
    assert may_leave_circle(said(people, None, title="Outside")) is True


def test_a_confidential_story_cannot_be_distilled_into_a_practice(people):
    from practica.learning.services import practice_distil

    story = said(people, room(people, CircleTier.CONFIDENTIAL, "grief"))
    with pytest.raises(NotAllowed) as refused:
        practice_distil(thread=story, author=people.steward)
    assert "stays in it" in refused.value.message


def test_search_names_nobody_from_a_chatham_house_circle_to_those_outside(people):
    from practica.search.selectors import search_threads

    mic = room(people, CircleTier.OPEN, "mic", chatham_house=True)
    thread_create(
        community=people.community, author=people.member, kind="story", title="Frost story",
        what_happened="The frost took everything.", circle=mic,
    )  # fmt: skip
    outside = search_threads(user=people.newcomer, community=people.community, q="frost")
    assert [h.title for h in outside.hits] == ["Frost story"]
    assert outside.hits[0].author_username is None
    by_name = search_threads(user=people.newcomer, community=people.community, q="frost",
                             author="bob")  # fmt: skip
    assert by_name.hits == []
    inside = search_threads(user=people.member, community=people.community, q="frost", author="bob")
    assert inside.hits[0].author_username == "bob"
