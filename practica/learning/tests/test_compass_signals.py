"""Collaborative-learner signals: the pure figures on known arrays, the adapter, and the
compass reading them."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from practica.compass.analysis.registry import providers
from practica.compass.analysis.rules import diagnose_archetypes
from practica.compass.services import compass_refresh
from practica.learning.compass_signals import (
    DAY,
    LABELS,
    LearningData,
    learning_figures,
    load_learning,
)
from practica.learning.models import Cycle, Experiment
from practica.learning.services import (
    MeasureSpec,
    decision_make,
    experiment_join,
    experiment_propose,
    observation_add,
    practice_create,
    reflection_add,
)

T0 = 1_700_000_000


def a(*values, dtype=np.int64):
    return np.array(values, dtype=dtype)


def three_experiments() -> LearningData:
    """Experiment 0 ran two cycles (10 and 20 days) and was adopted on day 30; experiment 1
    was abandoned after one 8-day cycle; experiment 2 is still running. Experiment 0 had
    people from two organisations, experiment 1 two people from one, experiment 2 nobody
    who said where. A practice got a second version with evidence on day 31."""
    return LearningData(
        experiment_created=a(T0, T0 + 2 * DAY, T0 + 40 * DAY),
        experiment_concluded=a(T0 + 30 * DAY, T0 + 10 * DAY, -1),
        experiment_decision=a(0, 2, -1, dtype=np.int8),
        cycle_experiment=a(0, 0, 1, 2, dtype=np.int32),
        cycle_started=a(T0, T0 + 10 * DAY, T0 + 2 * DAY, T0 + 40 * DAY),
        cycle_decided=a(T0 + 10 * DAY, T0 + 30 * DAY, T0 + 10 * DAY, -1),
        participant_experiment=a(0, 0, 0, 1, 1, 2, dtype=np.int32),
        participant_context=a(0, 1, 1, 2, 2, -1, dtype=np.int32),
        observation_time=a(T0 + DAY, T0 + 3 * DAY, T0 + 41 * DAY),
        observation_person=a(11, 12, 13),
        version_practice=a(5, 5, 6),
        version_number=a(1, 2, 1, dtype=np.int32),
        version_time=a(T0, T0 + 31 * DAY, T0 + 5 * DAY),
        version_evidence=a(0, 1, 3, dtype=np.int32),
    )


def test_the_whole_history_counts_every_experiment_cycle_and_context():
    figures = learning_figures(three_experiments(), active_people=a(11, 20, 21, 22, 23))
    assert figures["experiments"] == 3
    assert figures["experiments_active"] == 3
    assert figures["experiments_running"] == 1
    # 3 experiments over 7 active people: 5 contributors and 2 more who only checked in.
    assert figures["experiments_per_active_member"] == pytest.approx(3 / 7, abs=1e-4)
    assert figures["concluded_with_decision_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert (figures["decisions_adopt"], figures["decisions_adapt"]) == (1, 0)
    assert figures["decisions_abandon"] == 1
    assert figures["cycles_decided"] == 3
    assert figures["median_cycle_days"] == 10.0  # 10, 20 and 8 days
    assert figures["check_ins"] == 3
    assert figures["practices_revised_from_evidence"] == 1
    # Distinct stated contexts: 2, 1 and 0 (nobody said where): mean 1, one of three across.
    assert figures["contexts_per_experiment"] == 1.0
    assert figures["cross_context_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert set(figures) == set(LABELS)


def test_a_window_counts_only_what_was_under_way_in_it():
    since, until = T0 + 20 * DAY, T0 + 35 * DAY
    figures = learning_figures(three_experiments(), since=since, until=until)
    # Experiment 1 ended before the window; experiment 2 began after it.
    assert figures["experiments_active"] == 1
    assert figures["experiments"] == 0
    assert figures["experiments_running"] == 0
    assert figures["concluded_with_decision_share"] == 1.0
    assert figures["cycles_decided"] == 1 and figures["median_cycle_days"] == 20.0
    assert figures["practices_revised_from_evidence"] == 1
    assert figures["experiments_per_active_member"] is None  # nobody active: not a fake 0
    assert figures["cross_context_share"] == 1.0


def test_nothing_recorded_gives_counts_of_zero_and_unmeasured_shares():
    figures = learning_figures(LearningData())
    assert figures["experiments"] == 0
    assert figures["median_cycle_days"] is None
    assert figures["concluded_with_decision_share"] is None
    assert figures["contexts_per_experiment"] is None


def test_the_learning_section_and_rules_are_registered():
    assert "learning" in [p.key for p in providers()]
    learner = diagnose_archetypes({"learning": {"cross_context_share": 0.6}})[
        "collaborative_learner"
    ]
    rules = {e["rule"]: e["met"] for e in learner["evidence"]}
    assert rules["across_contexts"] is True
    assert rules["experimenting"] is None  # not measured: never counted as met
    assert "learning_signals" not in rules


needs_db = pytest.mark.django_db


@needs_db
def test_the_adapter_reads_the_tables_and_the_compass_shows_the_figures(people):
    practice = practice_create(
        community=people.community, author=people.steward, name="Mulch", summary="Straw."
    )
    experiment = experiment_propose(
        community=people.community,
        proposer=people.steward,
        title="Straw mulch",
        question="q",
        hypothesis="h",
        measures=[MeasureSpec("litres")],
        practice=practice,
    )
    experiment_join(experiment=experiment, person=people.member, organisation="Allotment 4")
    experiment_join(experiment=experiment, person=people.newcomer, setting="balcony")
    observation_add(
        experiment=experiment,
        person=people.member,
        what_we_did="a",
        what_happened="b",
        measures={"litres": 3},
    )
    reflection_add(experiment=experiment, actor=people.member, learned="Works.")
    decision_make(experiment=experiment, actor=people.steward, decision="adopt")
    Cycle.objects.filter(experiment=experiment).update(
        started_at=datetime(2026, 1, 1, tzinfo=UTC), decided_at=datetime(2026, 1, 15, tzinfo=UTC)
    )
    experiment_propose(
        community=people.private,
        proposer=people.steward,
        title="Elsewhere",
        question="q",
        hypothesis="h",
    )

    data = load_learning(people.community.pk)
    assert data.experiment_created.shape == (1,)
    assert data.experiment_decision.tolist() == [0]
    assert data.participant_context.tolist() == [0, 1]
    assert data.version_number.tolist() == [1, 2]  # the adopt wrote version 2 with evidence
    assert data.version_evidence.tolist() == [0, 1]

    result = compass_refresh(community=people.community, force=True).snapshot.result
    learning = result["learning"]
    assert learning["experiments"] == 1
    assert learning["median_cycle_days"] == 14.0
    assert learning["practices_revised_from_evidence"] == 1
    assert learning["cross_context_share"] == 1.0
    assert learning["concluded_with_decision_share"] == 1.0
    evidence = {
        e["rule"]: e["met"] for e in result["archetypes"]["collaborative_learner"]["evidence"]
    }
    assert evidence["practice_revised"] is True and evidence["loops_closed"] is True
    assert Experiment.objects.count() == 2
