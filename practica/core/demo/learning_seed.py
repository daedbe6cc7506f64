"""Seed a demo community's collaborative learning through the learning services.

Same approach as ``seed.py``: every write goes through
``practica.learning.services`` (so feedback reaches the ledger as in real
use), then the rows it wrote are moved to the demo's calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from practica.accounts.models import User
from practica.communities.models import Community
from practica.core.demo.calendar import Action, on_calendar
from practica.core.demo.model import (
    DEMO_START,
    DemoAgendaItem,
    DemoCommunity,
    DemoCycle,
    DemoExperiment,
    DemoObservation,
    DemoPractice,
)
from practica.exchange.models import Thread
from practica.learning.models import (
    AgendaItem,
    Cycle,
    Experiment,
    Feedback,
    Observation,
    Participant,
    Practice,
    PracticeVersion,
)
from practica.learning.services import (
    MeasureSpec,
    agenda_item_create,
    decision_make,
    experiment_join,
    experiment_propose,
    feedback_add,
    observation_add,
    practice_create,
    practice_distil,
    reflection_add,
)

LEARNING_HOUR = 10
FEEDBACK_AFTER = timedelta(hours=5)
FEEDBACK_STEP = timedelta(hours=4)
VERSIONS = ((Practice, "created_at"), (PracticeVersion, "created_at"))


def _day(day: int, hours: float = 0) -> datetime:
    return DEMO_START + timedelta(days=day, hours=LEARNING_HOUR + hours)


def check(spec: DemoCommunity) -> None:
    """Catch mistakes in the written learning content before anything is stored."""
    members = {*spec.stewards, *spec.members}
    titles = {t.title for t in spec.threads}
    practices = {p.name for p in spec.practices}
    for practice in spec.practices:
        if practice.author not in members or not set(practice.evidence) <= titles:
            raise ValueError(f"practice {practice.name!r}: unknown author or evidence")
    for exp in spec.experiments:
        joined = {p[0]: p[1] for p in exp.participants}
        if exp.practice and exp.practice not in practices:
            raise ValueError(f"{exp.title!r}: no practice {exp.practice!r}")
        if not set(exp.inspired_by) <= titles or not set(joined) <= members:
            raise ValueError(f"{exp.title!r}: unknown thread or person")
        for cycle in exp.cycles:
            for obs in cycle.observations:
                if obs.person not in joined or obs.day < joined[obs.person]:
                    raise ValueError(f"{exp.title!r}: {obs.person} checks in before joining")
                if cycle.reflect_day is not None and obs.day >= cycle.reflect_day:
                    raise ValueError(f"{exp.title!r}: a check-in after the reflection")
    for *_, title in spec.distilled:
        if title not in titles:
            raise ValueError(f"distilled thread {title!r} is not in the community")


class LearningSeeder:
    """Timed actions for one community's practices, experiments and learning agenda."""

    def __init__(
        self, community: Community, people: dict[str, User], threads: dict[str, Thread]
    ) -> None:
        self.community = community
        self.people = people
        #: Threads by title, filled by the community's seeder before these actions run.
        self.threads = threads
        self.practices: dict[str, Practice] = {}
        self.experiments: dict[str, Experiment] = {}

    def actions(self, spec: DemoCommunity) -> list[Action]:
        out: list[Action] = []
        for practice in spec.practices:
            out.append((_day(practice.day), partial(self.practice, practice)))
        for exp in spec.experiments:
            out.extend(self._experiment_actions(exp))
        for item in spec.agenda:
            out.append((_day(item.day), partial(self.agenda_item, item)))
        for person, day, title in spec.distilled:
            out.append((_day(day), partial(self.distil, person, title, _day(day))))
        return out

    def _experiment_actions(self, exp: DemoExperiment) -> list[Action]:
        out: list[Action] = [(_day(exp.day), partial(self.propose, exp))]
        for person, day, organisation, setting, scale in exp.participants:
            when = _day(day, 1)
            out.append((when, partial(self.join, exp, person, organisation, setting, scale, when)))
        for number, cycle in enumerate(exp.cycles, start=1):
            for obs in cycle.observations:
                out.extend(self._observation_actions(exp, obs))
            out.extend(self._cycle_end_actions(exp, number, cycle))
        return out

    def _observation_actions(self, exp: DemoExperiment, obs: DemoObservation) -> list[Action]:
        when = _day(obs.day, 2)
        out: list[Action] = [(when, partial(self.observe, exp, obs, when))]
        for i, (author, body) in enumerate(obs.feedback):
            at = when + FEEDBACK_AFTER + i * FEEDBACK_STEP
            out.append((at, partial(self.give_feedback, exp, obs, author, body, at)))
        return out

    def _cycle_end_actions(
        self, exp: DemoExperiment, number: int, cycle: DemoCycle
    ) -> list[Action]:
        out: list[Action] = []
        if cycle.reflect_day is not None:
            when = _day(cycle.reflect_day, 3)
            out.append((when, partial(self.reflect, exp, number, cycle, when)))
        if cycle.decide_day is not None:
            when = _day(cycle.decide_day, 4)
            out.append((when, partial(self.decide, exp, number, cycle, when)))
        return out

    # The actions. Each calls one service, then dates what it wrote.

    def practice(self, spec: DemoPractice) -> None:
        with on_calendar(_day(spec.day), *VERSIONS):
            practice = practice_create(
                community=self.community,
                author=self.people[spec.author],
                name=spec.name,
                summary=spec.summary,
                when_to_use=spec.when_to_use,
                how=spec.how,
                watch_for=spec.watch_for,
                evidence_threads=[self.threads[t] for t in spec.evidence],
            )
        self.practices[spec.name] = practice

    def propose(self, spec: DemoExperiment) -> None:
        with on_calendar(_day(spec.day), (Experiment, "created_at"), (Cycle, "started_at")):
            experiment = experiment_propose(
                community=self.community,
                proposer=self.people[spec.proposer],
                title=spec.title,
                question=spec.question,
                hypothesis=spec.hypothesis,
                plan=spec.plan,
                measures=[MeasureSpec(n, unit=u, better=b) for n, u, b in spec.measures],
                practice=self.practices[spec.practice] if spec.practice else None,
                inspired_by=[self.threads[t] for t in spec.inspired_by],
            )
        self.experiments[spec.title] = experiment

    def join(
        self,
        spec: DemoExperiment,
        person: str,
        organisation: str,
        setting: str,
        scale: str,
        when: datetime,
    ) -> None:
        with on_calendar(when, (Participant, "joined_at")):
            experiment_join(
                experiment=self.experiments[spec.title],
                person=self.people[person],
                organisation=organisation,
                setting=setting,
                scale=scale,
            )

    def observe(self, spec: DemoExperiment, obs: DemoObservation, when: datetime) -> None:
        with on_calendar(when, (Observation, "created_at")):
            observation_add(
                experiment=self.experiments[spec.title],
                person=self.people[obs.person],
                what_we_did=obs.what_we_did,
                what_happened=obs.what_happened,
                measures=dict(obs.measures),
                surprises=obs.surprises,
            )

    def give_feedback(
        self, spec: DemoExperiment, obs: DemoObservation, author: str, body: str, when: datetime
    ) -> None:
        observation = Observation.objects.get(
            cycle__experiment=self.experiments[spec.title],
            participant__person=self.people[obs.person],
            what_we_did=obs.what_we_did,
        )
        with on_calendar(when, (Feedback, "created_at")):
            feedback_add(observation=observation, author=self.people[author], body=body)

    def reflect(self, spec: DemoExperiment, number: int, cycle: DemoCycle, when: datetime) -> None:
        experiment = self.experiments[spec.title]
        reflection_add(
            experiment=experiment,
            actor=self.people[cycle.reflected_by],
            learned=cycle.learned,
            differences=cycle.differences,
        )
        Cycle.objects.filter(experiment=experiment, number=number).update(reflected_at=when)

    def decide(self, spec: DemoExperiment, number: int, cycle: DemoCycle, when: datetime) -> None:
        experiment = self.experiments[spec.title]
        with on_calendar(when, (Cycle, "started_at"), *VERSIONS):
            decision_make(
                experiment=experiment,
                actor=self.people[spec.proposer],
                decision=cycle.decision,
                note=cycle.decision_note,
            )
        Cycle.objects.filter(experiment=experiment, number=number).update(decided_at=when)
        Experiment.objects.filter(pk=experiment.pk, concluded_at__isnull=False).update(
            concluded_at=when
        )

    def agenda_item(self, spec: DemoAgendaItem) -> None:
        with on_calendar(_day(spec.day), (AgendaItem, "created_at")):
            agenda_item_create(
                community=self.community, author=self.people[spec.author], question=spec.question
            )

    def distil(self, person: str, title: str, when: datetime) -> None:
        with on_calendar(when, *VERSIONS):
            practice_distil(thread=self.threads[title], author=self.people[person])
