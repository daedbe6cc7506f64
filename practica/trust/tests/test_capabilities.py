"""Capabilities that levels unlock, enforced inside the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from practica.communities.services import community_join
from practica.core.errors import NotAllowed
from practica.exchange.models import Reply, Thread, ThreadKind
from practica.exchange.services import (
    acknowledgement_create,
    reply_create,
    reply_edit,
    thread_create,
    thread_edit,
)
from practica.learning.services import practice_distil
from practica.trust.capabilities import can, refusal
from practica.trust.models import AuditAction, AuditEntry, TrustLevel
from practica.trust.rules import Level
from practica.trust.services import suspension_create
from practica.trust.tests.conftest import question, set_level

FOUR_LINKS = " ".join(f"https://shop{n}.example/deal" for n in range(4))


def test_newcomers_can_include_at_most_two_links(people, crowd):
    with pytest.raises(NotAllowed) as refused:
        thread_create(
            community=people.community,
            author=people.newcomer,
            kind=ThreadKind.QUESTION,
            title="Cheap compost",
            body=f"Look: {FOUR_LINKS}",
        )
    assert refused.value.message == "newcomers can include at most 2 links; you have 4"
    assert refused.value.field == "body"
    assert not Thread.objects.filter(title="Cheap compost").exists()


def test_newcomers_replies_are_held_to_the_same_link_limit(people, crowd):
    thread = question(people.community, people.steward)
    with pytest.raises(NotAllowed, match="at most 2 links; you have 4"):
        reply_create(thread=thread, author=people.newcomer, body=FOUR_LINKS)
    reply_create(thread=thread, author=people.newcomer, body="https://a.example https://b.example")


def test_a_newcomer_cannot_edit_links_into_a_post_afterwards(people, crowd):
    thread = question(people.community, people.steward)
    reply = reply_create(thread=thread, author=people.newcomer, body="Plain words.")
    with pytest.raises(NotAllowed, match="at most 2 links"):
        reply_edit(reply=reply, editor=people.newcomer, body=FOUR_LINKS)


def test_members_may_include_any_number_of_links(people, crowd):
    set_level(people.member, people.community, Level.MEMBER)
    thread = question(people.community, people.steward)
    assert reply_create(thread=thread, author=people.member, body=FOUR_LINKS).pk


def test_newcomers_post_at_most_five_times_an_hour(people, crowd):
    thread = question(people.community, people.steward)
    for n in range(5):
        reply_create(thread=thread, author=people.newcomer, body=f"Thought {n}")
    with pytest.raises(NotAllowed) as refused:
        reply_create(thread=thread, author=people.newcomer, body="One more")
    assert refused.value.message.startswith(
        "newcomers can post at most 5 threads and replies an hour; you can post again in "
    )
    assert refused.value.message.endswith(("60 minutes", "59 minutes"))
    with pytest.raises(NotAllowed, match="an hour"):
        question(people.community, people.newcomer, title="A sixth post")


def test_posts_older_than_an_hour_do_not_count_towards_the_limit(people, crowd):
    thread = question(people.community, people.steward)
    for n in range(5):
        reply_create(thread=thread, author=people.newcomer, body=f"Thought {n}")
    Reply.objects.filter(author=people.newcomer).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    assert reply_create(thread=thread, author=people.newcomer, body="Fresh hour").pk


def test_stewards_and_small_communities_are_exempt_from_newcomer_limits(people, crowd):
    thread = question(people.community, people.steward)
    for n in range(6):
        reply_create(thread=thread, author=people.steward, body=f"{n}: {FOUR_LINKS}")
    # The members-only room has two people: a small group that knows itself.
    room = question(people.private, people.member, title="Agenda")
    for n in range(6):
        reply_create(thread=room, author=people.member, body=f"{n}: {FOUR_LINKS}")
    assert Reply.objects.filter(thread=room).count() == 6


def test_posting_refreshes_the_posters_stored_level(people):
    assert not TrustLevel.objects.filter(person=people.newcomer).exists()
    question(people.community, people.newcomer)
    row = TrustLevel.objects.get(person=people.newcomer, community=people.community)
    assert row.level == Level.NEWCOMER
    assert row.figures["days_in_community"] == 0


def test_a_stale_level_is_recomputed_when_the_person_acts(people, crowd):
    stale = set_level(people.newcomer, people.community, Level.TRUSTED)
    TrustLevel.objects.filter(pk=stale.pk).update(computed_at=timezone.now() - timedelta(days=2))
    thread = question(people.community, people.steward)
    with pytest.raises(NotAllowed, match="at most 2 links"):
        reply_create(thread=thread, author=people.newcomer, body=FOUR_LINKS)
    # The refusal rolled everything back; the next post stores the fresh level.
    reply_create(thread=thread, author=people.newcomer, body="Plain words.")
    assert TrustLevel.objects.get(pk=stale.pk).level == Level.NEWCOMER


def test_a_steward_override_outranks_the_computed_level(people, crowd):
    row = set_level(people.newcomer, people.community, Level.NEWCOMER)
    row.override_level = Level.REGULAR
    row.save()
    thread = question(people.community, people.steward)
    assert reply_create(thread=thread, author=people.newcomer, body=FOUR_LINKS).pk
    assert can(people.newcomer, "edit_tags", people.community)


def test_regulars_can_change_the_tags_of_others_threads(people, crowd):
    set_level(people.newcomer, people.community, Level.REGULAR)
    thread = question(people.community, people.member)
    thread_edit(thread=thread, editor=people.newcomer, tags=["worms", "winter"], reason="findable")
    assert sorted(t.name for t in thread.tags.all()) == ["winter", "worms"]
    assert thread.revisions.get().editor == people.newcomer


def test_members_cannot_change_the_tags_of_others_threads(people, crowd):
    set_level(people.newcomer, people.community, Level.MEMBER)
    thread = question(people.community, people.member)
    with pytest.raises(NotAllowed) as refused:
        thread_edit(thread=thread, editor=people.newcomer, tags=["spam"])
    assert refused.value.message == (
        "regulars and stewards can change the tags of other people's threads; "
        "you are a member in Urban Growers"
    )


def test_regulars_cannot_change_the_words_of_others_threads(people, crowd):
    set_level(people.newcomer, people.community, Level.REGULAR)
    thread = question(people.community, people.member)
    with pytest.raises(NotAllowed, match="only the author or a steward can edit this thread"):
        thread_edit(thread=thread, editor=people.newcomer, title="Mine now", tags=["worms"])


def test_a_stewards_edit_of_someone_elses_words_is_audited(people):
    thread = question(people.community, people.member)
    thread_edit(thread=thread, editor=people.steward, title="Worms in a cold winter?", reason="ok")
    reply = reply_create(thread=thread, author=people.newcomer, body="Yes.")
    reply_edit(reply=reply, editor=people.steward, body="Yes, deep down.", reason="")
    entries = list(AuditEntry.objects.filter(community=people.community).order_by("id"))
    assert [(e.action, e.target_type, e.actor) for e in entries] == [
        (AuditAction.EDIT, "thread", people.steward),
        (AuditAction.EDIT, "reply", people.steward),
    ]
    assert entries[0].note == "ok" and entries[1].note == "no reason given"
    # Authors editing their own words are not audited.
    thread_edit(thread=thread, editor=people.member, body="Changed.")
    assert AuditEntry.objects.filter(action=AuditAction.EDIT).count() == 2


def test_distilling_a_thread_needs_a_regular(people, crowd):
    thread = question(people.community, people.steward)
    set_level(people.member, people.community, Level.MEMBER)
    with pytest.raises(NotAllowed, match="regulars and stewards can distil threads"):
        practice_distil(thread=thread, author=people.member)
    set_level(people.member, people.community, Level.REGULAR)
    assert practice_distil(thread=thread, author=people.member).pk


def test_a_suspended_person_cannot_post_reply_acknowledge_or_join(people):
    thread = question(people.community, people.steward)
    answer = reply_create(thread=thread, author=people.steward, body="Yes.")
    suspension_create(
        actor=people.steward, person=people.member, community=people.community, note="cool off"
    )
    for act in (
        lambda: question(people.community, people.member),
        lambda: reply_create(thread=thread, author=people.member, body="Hm."),
        lambda: acknowledgement_create(person=people.member, thread=thread, reply=answer),
        lambda: community_join(community=people.community, user=people.member),
    ):
        with pytest.raises(NotAllowed) as refused:
            act()
        assert refused.value.message == (
            "you are suspended from Urban Growers until it is lifted (cool off)"
        )
    # Elsewhere they take part as before.
    room = question(people.private, people.member, title="Agenda")
    assert room.pk


def test_can_answers_without_raising_and_names_no_capability_it_does_not_know(people):
    assert can(people.member, "post", people.community)
    assert not can(people.outsider, "post", people.community)
    assert not can(None, "post", people.community)
    assert refusal(people.outsider, "reply", people.community) == "join Urban Growers to reply"
    with pytest.raises(ValueError, match="unknown capability 'fly'"):
        can(people.member, "fly", people.community)
