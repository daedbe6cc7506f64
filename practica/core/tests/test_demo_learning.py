"""The demo's collaborative learning additions (practica/core/demo/learning.py): a
practice in three versions, an experiment that iterated and then adopted, one only
proposed, a running one whose check-ins are due, and four agenda questions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from practica.core.demo.learning import MULCH, MULCH_QUESTION, MULCH_TRIAL
from practica.core.demo.model import DEMO_END, DEMO_START
from practica.core.demo.seed import SeedReport, demo_seed
from practica.learning.models import AgendaItem, Experiment, Practice
from practica.learning.selectors import run_chart_points
from practica.learning.services import checkins_due

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_seed()
        transaction.set_rollback(True)


def test_a_practice_has_three_versions_with_evidence_for_and_against(demo: SeedReport) -> None:
    practice = Practice.objects.get(name=MULCH)
    versions = list(practice.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    authors = [v.author.username if v.author else None for v in versions]
    assert authors == ["wanjiru", "tomas", "tomas"]
    cited = versions[0].evidence.values_list("thread__title", flat=True).get()
    assert cited.startswith("Help me plan a first season")
    assert versions[1].evidence.values_list("experiment__title", flat=True).get() == MULCH_TRIAL
    assert {(e.stance, bool(e.experiment_id)) for e in versions[2].evidence.all()} == {
        ("supports", True),
        ("challenges", False),
    }
    assert "10 cm" in versions[2].how and "5 cm" in versions[0].how
    assert versions[0].created_at < versions[1].created_at < versions[2].created_at
    assert practice.maturity == "established"
    community_practices = Practice.objects.filter(community__slug="urban-growers")
    assert 3 <= community_practices.count() <= 4


def test_the_mulch_experiment_iterated_with_a_new_plan_then_adopted(demo: SeedReport) -> None:
    trial = Experiment.objects.get(title=MULCH_TRIAL)
    first, second = trial.cycles.order_by("number")
    assert (first.decision, second.decision, trial.status) == ("iterate", "adopt", "concluded")
    assert "10 cm" in second.plan and "5 cm" in first.plan
    contexts = {(p.organisation, p.setting) for p in trial.participants.all()}
    assert len(contexts) == 3
    points = run_chart_points(trial)
    assert len(points) == 24  # 3 people, 2 check-ins each, 2 cycles, 2 measures
    water: dict[tuple[str, int], list[float]] = {}
    for p in points:
        if p.measure == "water per week":
            water.setdefault((p.participant, p.cycle), []).append(p.value)
    for person in {p.participant for p in points}:
        # Everyone used less water in the second cycle than in the first.
        assert max(water[person, 2]) < min(water[person, 1]), person
    assert first.decided_at is not None and second.decided_at is not None
    assert DEMO_START < first.decided_at <= second.started_at
    assert trial.concluded_at == second.decided_at <= DEMO_END


def test_one_experiment_is_proposed_and_one_has_check_ins_due(demo: SeedReport) -> None:
    proposed = Experiment.objects.get(title="A twice-a-week crop list for new allotment holders")
    assert proposed.status == "proposed" and not proposed.participants.exists()
    due = checkins_due(now=timezone.now())
    assert {d.cycle.experiment.title for d in due} == {"The same cheap soil kit in many gardens"}
    assert len(due) >= 3


def test_the_agenda_has_four_questions_one_answered_by_the_experiment(demo: SeedReport) -> None:
    agenda = AgendaItem.objects.filter(community__slug="urban-growers")
    assert agenda.count() == 4
    answered = agenda.get(question=MULCH_QUESTION)
    assert answered.status == "answered"
    assert [e.title for e in answered.experiments.all()] == [MULCH_TRIAL]
    assert agenda.exclude(threads=None).exists()
