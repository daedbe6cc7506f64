"""The watermark moves with the other apps' compass signals (learning, pulse surveys), so a
snapshot is computed again when they change, and only then."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

from practica.accounts.services import user_create
from practica.communities.services import community_join
from practica.compass.models import CompassState
from practica.compass.services import compass_refresh
from practica.compass.watermark import (
    is_up_to_date,
    looks_up_to_date,
    signals_digest,
    watermark_read,
)
from practica.learning.services import experiment_propose
from practica.surveys.aggregates import MIN_RESPONDENTS
from practica.surveys.instruments import items_of
from practica.surveys.services import survey_answer, survey_close, survey_create, survey_open

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Arrays:
    when: np.ndarray
    who: np.ndarray


class Point(NamedTuple):
    closed_at: int
    scores: dict[str, float]


def test_the_digest_is_stable_and_changes_with_any_value_type_or_shape():
    who = np.array([7, 8, 9])
    base: dict[str, object] = {
        "learning": Arrays(np.array([1, 2, 3], dtype=np.int64), who),
        "pulse": [Point(10, {"trust": 3.5, "belonging": 4.0})],
        "confidential": None,
    }
    same = {
        "confidential": None,
        "pulse": [Point(10, {"belonging": 4.0, "trust": 3.5})],
        "learning": Arrays(np.array([1, 2, 3], dtype=np.int64), np.array([7, 8, 9])),
    }
    assert signals_digest(base) == signals_digest(same)
    assert len(signals_digest(base)) == 32
    changed = [
        {**base, "learning": Arrays(np.array([1, 2, 4], dtype=np.int64), who)},
        {**base, "learning": Arrays(np.array([1, 2, 3], dtype=np.int32), who)},
        {**base, "learning": Arrays(np.array([[1, 2, 3]], dtype=np.int64), who)},
        {**base, "pulse": [Point(10, {"trust": 3.6, "belonging": 4.0})]},
        {**base, "pulse": []},
        {**base, "confidential": 0},
    ]
    digests = {signals_digest(c) for c in changed}
    assert signals_digest(base) not in digests
    assert len(digests) == len(changed)


def test_a_new_experiment_moves_the_watermark_and_the_compass_is_computed_again(people, story):
    first = compass_refresh(community=people.community, seed=3)
    assert first.computed and is_up_to_date(snapshot=first.snapshot)
    assert first.snapshot.result["learning"]["experiments"] == 0
    again = compass_refresh(community=people.community, seed=3)
    assert not again.computed  # nothing changed: the stored snapshot is returned

    experiment_propose(
        community=people.community,
        proposer=people.member,
        title="Mulch trial",
        question="Does mulch keep the beds wetter?",
        hypothesis="Mulched beds need half the water.",
    )
    # No thread, reply or ledger event was added: only the learning signal moved.
    mark = watermark_read(community=people.community)
    assert mark.last_event_id == first.snapshot.last_event_id
    assert mark.signals != first.snapshot.signals
    assert not is_up_to_date(snapshot=first.snapshot)

    second = compass_refresh(community=people.community, seed=3)
    assert second.computed
    assert second.snapshot.result["learning"]["experiments"] == 1
    assert second.snapshot.signals == mark.signals
    assert CompassState.objects.get(community=people.community).signals == mark.signals
    assert is_up_to_date(snapshot=second.snapshot)
    # The months read only threads, replies and the ledger: all of them were kept.
    assert second.reused_months == len(second.snapshot.result["series"])


def test_a_survey_closed_with_enough_answers_moves_the_watermark(people, story):
    community = people.community
    first = compass_refresh(community=community, seed=3)
    assert first.snapshot.result["pulse"]["surveys"] == 0
    survey = survey_open(
        survey=survey_create(
            community=community, actor=people.steward, title="Spring pulse", scales=["trust"]
        ),
        actor=people.steward,
    )
    answers = {item.key: 4 for item in items_of(["trust"])}
    for k in range(MIN_RESPONDENTS):
        person = user_create(username=f"grower{k}", password="pw-grower-123")
        community_join(community=community, user=person)
        survey_answer(survey=survey, person=person, answers=answers)
    # An open survey shows nothing in the compass yet, so nothing to recompute.
    assert is_up_to_date(snapshot=first.snapshot)

    survey_close(survey=survey, actor=people.steward)
    assert not is_up_to_date(snapshot=first.snapshot)
    second = compass_refresh(community=community, seed=3)
    assert second.computed
    assert second.snapshot.result["pulse"]["surveys"] == 1
    assert is_up_to_date(snapshot=second.snapshot)


def test_the_page_check_sees_new_threads_events_and_signals(people, story):
    from practica.exchange.services import reply_create, thread_create

    community = people.community
    snapshot = compass_refresh(community=community, seed=3).snapshot
    assert looks_up_to_date(snapshot=snapshot)
    thread = thread_create(
        community=community, author=people.member, kind="question", title="Slugs?", body="How?"
    )
    assert not looks_up_to_date(snapshot=snapshot)  # a new thread
    snapshot = compass_refresh(community=community, seed=3).snapshot
    assert looks_up_to_date(snapshot=snapshot)
    reply_create(thread=thread, author=people.steward, body="Beer traps.")
    assert not looks_up_to_date(snapshot=snapshot)  # the reply's ledger event
    snapshot = compass_refresh(community=community, seed=3).snapshot
    experiment_propose(
        community=community,
        proposer=people.member,
        title="Beer traps",
        question="Do beer traps keep slugs off?",
        hypothesis="Half the slugs.",
    )
    assert not looks_up_to_date(snapshot=snapshot)  # the learning signal
