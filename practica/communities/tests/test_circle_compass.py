"""Confidential circles and the compass: left out of everything per person, counted only
at the community level once five people wrote in them."""

from __future__ import annotations

from typing import Any

import pytest

from practica.accounts.services import user_create
from practica.communities.circle_compass import load_confidential
from practica.communities.circles import circle_create, circle_invite
from practica.communities.models import CircleTier
from practica.communities.services import community_join
from practica.compass.adapter import load_activity
from practica.compass.analysis.activity import Window
from practica.compass.analysis.compute import run
from practica.exchange.services import acknowledgement_create, reply_create, thread_create
from practica.ledger.models import Verb
from practica.ledger.services import EventSpec, event_record

pytestmark = pytest.mark.django_db


def grief_circle(people, voices: int):
    """A confidential circle where the steward and ``voices - 1`` others wrote."""
    circle = circle_create(
        community=people.community, actor=people.steward, name="Grief", slug="grief",
        tier=CircleTier.CONFIDENTIAL,
    )  # fmt: skip
    thread = thread_create(
        community=people.community, author=people.steward, kind="story", title="Loss",
        what_happened="Hard.", circle=circle,
    )  # fmt: skip
    for n in range(voices - 1):
        person = user_create(username=f"voice{n}")
        community_join(community=people.community, user=person)
        circle_invite(circle=circle, actor=people.steward, user=person)
        reply = reply_create(thread=thread, author=person, body="With you.")
        acknowledgement_create(person=people.steward, thread=thread, reply=reply)
    return thread


def test_the_compass_reads_nothing_of_a_confidential_circle(people):
    question = thread_create(
        community=people.community, author=people.member, kind="question", title="Open",
        body="Anyone?",
    )  # fmt: skip
    reply_create(thread=question, author=people.newcomer, body="Yes.")
    event_record(
        EventSpec(
            community_id=people.community.pk, actor_id=people.steward.pk,
            target_id=people.member.pk, verb=Verb.INTRODUCED, object_type="person",
            object_id=people.newcomer.pk, key="intro:test",
        )
    )  # fmt: skip
    before = load_activity(people.community.pk)
    grief_circle(people, voices=6)
    after = load_activity(people.community.pk)
    assert after.thread_ids.tolist() == before.thread_ids.tolist() == [question.pk]
    assert after.reply_ids.tolist() == before.reply_ids.tolist()
    assert after.person_ids.tolist() == before.person_ids.tolist()
    assert after.event_verb.tolist() == before.event_verb.tolist()
    # Events about no thread at all (an introduction) are still read.
    assert after.event_verb.shape[0] >= 1


def figures_with_counts(people) -> dict[str, Any]:
    extra = {"confidential": load_confidential(people.community.pk)}
    return run(load_activity(people.community.pk), Window(), extra=extra).result


def test_four_voices_are_not_counted_even_at_the_community_level(people):
    grief_circle(people, voices=4)
    counted = figures_with_counts(people)["confidential"]
    assert counted == {"circles": 0, "threads": 0, "replies": 0, "people": 0}


def test_a_circle_with_five_voices_adds_only_counts(people):
    grief_circle(people, voices=5)
    result = figures_with_counts(people)
    assert result["confidential"] == {"circles": 1, "threads": 1, "replies": 4, "people": 5}
    assert result["people"]["contributors"] == 0  # nothing else was said anywhere
    assert result["roster"] == [] and not result["map"].get("nodes")
