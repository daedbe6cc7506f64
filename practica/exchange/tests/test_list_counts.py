"""The counts lists show (threads per tag, replies per thread, linked threads) agree with the
funnel for every reader: tags are counted without reading each thread, so these check that
what a person may not read (closed circles, members' circles, hidden threads and replies)
never counts, and that everything else does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from practica.communities.circles import circle_create
from practica.communities.models import CircleTier
from practica.exchange.models import Thread, ThreadLink
from practica.exchange.pages import linked_threads
from practica.exchange.selectors import tag_list, thread_list
from practica.exchange.services import reply_create, thread_create
from practica.trust.services import content_hide


@pytest.fixture
def tagged(people):
    """Threads tagged 'compost' in each place, 'bees' only in a private circle."""
    c = people.community
    private = circle_create(
        community=c, actor=people.steward, name="Hush", slug="hush", tier=CircleTier.PRIVATE
    )
    members = circle_create(
        community=c, actor=people.steward, name="Members", slug="mem", tier=CircleTier.MEMBERS
    )

    def post(title: str, tags: list[str], circle=None, author=people.member) -> Thread:
        return thread_create(
            community=c,
            author=author,
            kind="question",
            title=title,
            body="b",
            tags=tags,
            circle=circle,
        )

    open_one = post("open", ["compost"])
    post("open too", ["compost", "soil"])
    post("in members' circle", ["compost"], circle=members)
    post("in private circle", ["compost", "bees"], circle=private, author=people.steward)
    hidden = post("hidden", ["compost", "soil"], author=people.newcomer)
    content_hide(actor=people.steward, thread=hidden, note="spam")
    return open_one


def _counts(people, user) -> dict[str, int]:
    return _counts_of(people.community, user)


def _through_funnel(people, user) -> dict[str, int]:
    visible = Thread.objects.visible_to(user).filter(community=people.community)
    counts: dict[str, int] = {}
    for thread in visible.prefetch_related("tags"):
        for tag in thread.tags.all():
            counts[tag.name] = counts.get(tag.name, 0) + 1
    return counts


def test_tag_counts_are_those_of_the_threads_each_reader_may_read(people, tagged):
    expected = {
        None: {"compost": 5, "soil": 2, "bees": 1},  # no reader: every thread
        AnonymousUser(): {"compost": 2, "soil": 1, "bees": 0},
        people.outsider: {"compost": 2, "soil": 1, "bees": 0},
        people.member: {"compost": 3, "soil": 1, "bees": 0},
        people.newcomer: {"compost": 4, "soil": 2, "bees": 0},  # the hidden one is theirs
        people.steward: {"compost": 5, "soil": 2, "bees": 1},
    }
    for reader, counts in expected.items():
        assert _counts(people, reader) == counts, reader
        if reader is not None:
            funnel = _through_funnel(people, reader)
            assert {k: v for k, v in counts.items() if v} == funnel


def test_tags_rank_by_count_then_name_and_limit_keeps_the_first(people, tagged):
    ranked = tag_list(community=people.community, user=people.steward)
    assert [t.name for t in ranked] == ["compost", "soil", "bees"]
    assert [t.name for t in tag_list(community=people.community, user=None, limit=2)] == [
        "compost",
        "soil",
    ]


def test_tags_of_a_community_the_reader_may_not_read_count_nothing(people):
    thread_create(
        community=people.private,
        author=people.member,
        kind="question",
        title="secret",
        body="b",
        tags=["plans"],
    )
    assert _counts_of(people.private, people.outsider) == {"plans": 0}
    assert _counts_of(people.private, people.member) == {"plans": 1}


def _counts_of(community, user) -> dict[str, int]:
    tags = tag_list(community=community, user=user)
    return {t.name: t.thread_count for t in tags}  # type: ignore[attr-defined]


def test_reply_counts_leave_hidden_replies_out_and_the_tag_filter_finds_its_threads(people, tagged):
    for body in ("one", "two", "three"):
        reply = reply_create(thread=tagged, author=people.newcomer, body=body)
    content_hide(actor=people.steward, thread=tagged, reply=reply, note="spam")
    listed = thread_list(community=people.community, user=people.member).get(pk=tagged.pk)
    assert listed.reply_count == 2  # type: ignore[attr-defined]
    soil = thread_list(community=people.community, user=people.member, tag="soil")
    assert [t.title for t in soil] == ["open too"]
    soil = thread_list(community=people.community, user=people.steward, tag="soil")
    assert sorted(t.title for t in soil) == ["hidden", "open too"]
    assert not thread_list(community=people.community, user=people.member, tag="bees")


def test_linked_threads_both_ways_and_only_those_the_reader_may_read(people, tagged):
    secret = Thread.objects.get(title="in private circle")
    other = Thread.objects.get(title="open too")
    ThreadLink.objects.create(from_thread=tagged, to_thread=secret)
    ThreadLink.objects.create(from_thread=other, to_thread=tagged)
    assert [t.title for t in linked_threads(thread=tagged, user=people.member)] == ["open too"]
    titles = {t.title for t in linked_threads(thread=tagged, user=people.steward)}
    assert titles == {"open too", "in private circle"}
    assert linked_threads(thread=Thread.objects.get(title="hidden"), user=people.member) == []
