"""Reads behind the learning pages: the selectors, composed for one viewer.

Experiments, practices and agenda items are read through ``learning.selectors``
(the community funnel). Threads they cite are filtered again through
``Thread.objects.visible_to``: a practice may cite a story in a private circle,
and a reader outside that circle must not learn even its title.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, QuerySet, Subquery

from practica.communities.models import Community
from practica.communities.pages import Viewer
from practica.communities.selectors import AnyUser, membership_of
from practica.core.errors import NotFound
from practica.exchange.models import Thread
from practica.learning import selectors
from practica.learning.models import (
    AgendaItem,
    Cycle,
    Evidence,
    Experiment,
    ExperimentStatus,
    Measure,
    Observation,
    Participant,
    Practice,
    PracticeVersion,
)


def viewer_for(community: Community, user: AnyUser) -> Viewer:
    """The viewer of a community already read through the funnel."""
    return Viewer(
        community=community,
        membership=membership_of(community=community, user=user),
        can_read=True,
        is_superuser=bool(user is not None and user.is_authenticated and user.is_superuser),
    )


def _user_id(user: AnyUser) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def visible_thread_ids(ids: Iterable[int | None], user: AnyUser) -> set[int]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    return set(Thread.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def visible_threads(ids: Iterable[int], user: AnyUser) -> list[Thread]:
    """The threads among ``ids`` the person may read, in the order asked; unknown ids are left
    for the caller to report (see ``missing_threads``)."""
    found = {t.pk: t for t in Thread.objects.visible_to(user).filter(pk__in=list(ids))}
    return [found[i] for i in ids if i in found]


def missing_threads(ids: list[int], found: list[Thread]) -> list[int]:
    return [i for i in ids if i not in {t.pk for t in found}]


@dataclass
class ParticipantRow:
    participant: Participant
    checkins: int
    last_checkin: Observation | None


@dataclass
class RunRow:
    observation: Observation
    cycle: int
    values: list[float | None]


@dataclass
class RunTable:
    """The run chart as a table: one row per check-in, a column per measure."""

    measures: list[Measure]
    rows: list[RunRow]
    medians: list[float | None]

    @property
    def has_values(self) -> bool:
        return any(v is not None for row in self.rows for v in row.values)


@dataclass
class ExperimentPage:
    experiment: Experiment
    viewer: Viewer
    cycles: list[Cycle]
    current: Cycle
    participants: list[ParticipantRow]
    me: Participant | None
    table: RunTable
    inspired_by: list[Thread]
    cited_in: list[PracticeVersion]
    agenda_items: list[AgendaItem]
    can_join: bool
    can_check_in: bool
    can_reflect: bool
    can_decide: bool
    can_give_feedback: bool
    can_propose_version: bool
    practices: list[Practice] = field(default_factory=list)

    @property
    def measures(self) -> list[Measure]:
        return self.table.measures


def _run_table(experiment: Experiment, cycles: list[Cycle]) -> RunTable:
    measures = list(experiment.measures.all())
    rows: list[RunRow] = []
    by_measure: dict[int, list[float]] = {m.pk: [] for m in measures}
    for cycle in cycles:
        for observation in cycle.observations.all():
            values = {v.measure_id: v.value for v in observation.values.all()}
            rows.append(RunRow(observation, cycle.number, [values.get(m.pk) for m in measures]))
            for measure_id, value in values.items():
                by_measure.setdefault(measure_id, []).append(value)
    medians = [statistics.median(by_measure[m.pk]) if by_measure[m.pk] else None for m in measures]
    return RunTable(measures=measures, rows=rows, medians=medians)


def experiment_page(*, experiment_id: int, user: AnyUser) -> ExperimentPage:
    """Everything the experiment page shows, and which forms this person may use now."""
    experiment = selectors.experiment_get(experiment_id=experiment_id, user=user)
    viewer = viewer_for(experiment.community, user)
    user_id = _user_id(user)
    cycles = list(experiment.cycles.all())
    current = cycles[-1]
    participants = list(experiment.participants.all())
    me = next((p for p in participants if p.person_id == user_id), None)
    counts: dict[int, list[Observation]] = {p.pk: [] for p in participants}
    for cycle in cycles:
        for observation in cycle.observations.all():
            counts.setdefault(observation.participant_id, []).append(observation)
    rows = [
        ParticipantRow(p, len(counts[p.pk]), counts[p.pk][-1] if counts[p.pk] else None)
        for p in participants
    ]
    status = experiment.status
    may_steer = user_id is not None and (experiment.proposed_by_id == user_id or viewer.is_steward)
    open_cycle = current.reflected_at is None and not current.is_closed
    thread_ids = visible_thread_ids((t.pk for t in experiment.inspired_by.all()), user)
    cited_in = list(
        PracticeVersion.objects.filter(evidence__experiment=experiment)
        .select_related("practice")
        .distinct()
        .order_by("practice__name", "number")
    )
    return ExperimentPage(
        experiment=experiment,
        viewer=viewer,
        cycles=cycles,
        current=current,
        participants=rows,
        me=me,
        table=_run_table(experiment, cycles),
        inspired_by=[t for t in experiment.inspired_by.all() if t.pk in thread_ids],
        cited_in=cited_in,
        agenda_items=list(experiment.agenda_items.all()),
        can_join=viewer.is_member and me is None and status != ExperimentStatus.CONCLUDED,
        can_check_in=(
            viewer.is_member
            and me is not None
            and status in {ExperimentStatus.PROPOSED, ExperimentStatus.RUNNING}
            and open_cycle
        ),
        can_reflect=status == ExperimentStatus.RUNNING and (me is not None or may_steer),
        can_decide=status == ExperimentStatus.REFLECTING and may_steer,
        can_give_feedback=viewer.is_member,
        can_propose_version=status == ExperimentStatus.CONCLUDED and viewer.is_member,
    )


def board_practices(*, community: Community, user: AnyUser) -> list[Practice]:
    """Practices an experiment may try (drafts too: trying an idea is how it matures)."""
    return list(selectors.practice_list(community=community, user=user))


def practice_cards(*, community: Community, user: AnyUser) -> QuerySet[Practice]:
    """The library: each practice with its current version's summary and number."""
    latest = PracticeVersion.objects.filter(practice=OuterRef("pk")).order_by("-number")
    return selectors.practice_list(community=community, user=user).annotate(
        summary=Subquery(latest.values("summary")[:1]),
        current_number=Subquery(latest.values("number")[:1]),
        experiment_count=Count("experiments", distinct=True),
    )


@dataclass
class EvidenceRow:
    evidence: Evidence
    version: int


@dataclass
class PracticePage:
    practice: Practice
    viewer: Viewer
    versions: list[PracticeVersion]  # newest first
    current: PracticeVersion | None
    evidence: list[EvidenceRow]
    experiments: list[Experiment]
    hidden_evidence: int

    @property
    def supporting(self) -> list[EvidenceRow]:
        return [row for row in self.evidence if row.evidence.stance == "supports"]

    @property
    def challenging(self) -> list[EvidenceRow]:
        return [row for row in self.evidence if row.evidence.stance == "challenges"]


def practice_page(*, practice_id: int, user: AnyUser) -> PracticePage:
    practice = selectors.practice_get(practice_id=practice_id, user=user)
    versions = list(practice.versions.all())
    all_evidence = [(e, v.number) for v in versions for e in v.evidence.all()]
    readable = visible_thread_ids((e.thread_id for e, _ in all_evidence), user)
    shown = [
        EvidenceRow(e, n) for e, n in all_evidence if e.thread_id is None or e.thread_id in readable
    ]
    return PracticePage(
        practice=practice,
        viewer=viewer_for(practice.community, user),
        versions=versions[::-1],
        current=versions[-1] if versions else None,
        evidence=shown[::-1],
        experiments=list(
            practice.experiments.order_by("-created_at", "-id").annotate(
                participant_count=Count("participants")
            )
        ),
        hidden_evidence=len(all_evidence) - len(shown),
    )


def version_of(practice: Practice, number: int) -> PracticeVersion:
    """A version of a practice already read through the funnel (prefetched)."""
    for version in practice.versions.all():
        if version.number == number:
            return version
    raise NotFound(f"{practice.name} has no version {number}", field="number")


def previous_of(practice: Practice, version: PracticeVersion) -> PracticeVersion | None:
    earlier = [v for v in practice.versions.all() if v.number < version.number]
    return earlier[-1] if earlier else None


@dataclass
class AgendaRow:
    item: AgendaItem
    threads: list[Thread]


def agenda_rows(*, community: Community, user: AnyUser, status: str = "") -> list[AgendaRow]:
    items = selectors.agenda_list(community=community, user=user)
    if status:
        items = items.filter(status=status)
    items_list = list(items)
    readable = visible_thread_ids((t.pk for i in items_list for t in i.threads.all()), user)
    return [
        AgendaRow(item=i, threads=[t for t in i.threads.all() if t.pk in readable])
        for i in items_list
    ]


def community_experiments(*, community: Community, user: AnyUser) -> list[Experiment]:
    return list(
        selectors.experiment_list(community=community, user=user).order_by("-created_at", "-id")
    )
