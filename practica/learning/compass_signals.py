"""Collaborative-learner signals for the compass: experiments, cycles, practices revised.

``learning_figures`` is pure (arrays in, figures out, no Django); ``load_learning``
is the one adapter that reads the learning tables into arrays. ``register``
adds both to the compass as the ``learning`` section, with the rules that let
the archetype profile measure collaborative learning directly instead of by
proxies alone. Times are whole seconds since 1970 UTC, like the compass's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from practica.compass.analysis.registry import FigureContext, Section

DAY = 86_400
NONE = -1

#: Final decisions, by code in ``LearningData.experiment_decision``.
DECISIONS: tuple[str, ...] = ("adopt", "adapt", "abandon")

LABELS = {
    "experiments": "Experiments proposed",
    "experiments_active": "Experiments under way or ended in the window",
    "experiments_running": "Experiments running at the window's end",
    "experiments_per_active_member": "Experiments per active member",
    "concluded_with_decision_share": "Share of experiments concluded with a decision",
    "decisions_adopt": "Experiments adopted",
    "decisions_adapt": "Experiments adapted",
    "decisions_abandon": "Experiments abandoned",
    "cycles_decided": "Cycles decided",
    "median_cycle_days": "Median cycle time (days)",
    "check_ins": "Check-ins",
    "practices_revised_from_evidence": "Practices revised from evidence",
    "contexts_per_experiment": "Distinct contexts per experiment (mean)",
    "cross_context_share": "Share of experiments tried in two or more contexts",
}


def _empty(dtype: type) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


@dataclass(frozen=True)
class LearningData:
    """One community's learning record as arrays. Arrays of one group share their length."""

    # Experiments.
    experiment_created: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    #: When it concluded, or -1.
    experiment_concluded: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    #: The final decision's code in ``DECISIONS``, or -1 while not concluded.
    experiment_decision: np.ndarray = field(default_factory=lambda: _empty(np.int8))

    # Cycles: the experiment (index), when each started and was decided (-1: not yet).
    cycle_experiment: np.ndarray = field(default_factory=lambda: _empty(np.int32))
    cycle_started: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    cycle_decided: np.ndarray = field(default_factory=lambda: _empty(np.int64))

    # Participants: the experiment (index) and their context's code (-1: none stated).
    participant_experiment: np.ndarray = field(default_factory=lambda: _empty(np.int32))
    participant_context: np.ndarray = field(default_factory=lambda: _empty(np.int32))

    # Check-ins: when, and by whom (database id of the person).
    observation_time: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    observation_person: np.ndarray = field(default_factory=lambda: _empty(np.int64))

    # Practice versions: the practice (any code), its number, when, and how much evidence.
    version_practice: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    version_number: np.ndarray = field(default_factory=lambda: _empty(np.int32))
    version_time: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    version_evidence: np.ndarray = field(default_factory=lambda: _empty(np.int32))


def _in(times: np.ndarray, since: int | None, until: int | None) -> np.ndarray:
    keep = times >= 0
    if since is not None:
        keep &= times >= since
    if until is not None:
        keep &= times < until
    return keep


def _ratio(part: Any, whole: Any) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def learning_figures(
    data: LearningData,
    *,
    since: int | None = None,
    until: int | None = None,
    active_people: np.ndarray | None = None,
) -> dict[str, Any]:
    """The learning figures for the window ``[since, until)`` (``None``: unbounded).

    ``active_people`` are the database ids of the people who contributed to the
    community in the window (threads, replies); people who checked in on an
    experiment count as active too. An experiment is *active* in the window when
    it was proposed before the window's end and had not concluded before its start.
    """
    created, concluded = data.experiment_created, data.experiment_concluded
    before_end = created < until if until is not None else np.ones(created.shape[0], dtype=bool)
    not_over = (concluded == NONE) | (concluded >= since if since is not None else True)
    active = before_end & not_over
    ended_in_window = _in(concluded, since, until)
    still_running = before_end & (
        (concluded == NONE) | (concluded >= until if until is not None else False)
    )

    checked_in = _in(data.observation_time, since, until)
    people = set(data.observation_person[checked_in].tolist())
    if active_people is not None:
        people |= set(np.asarray(active_people).tolist())

    decided = _in(data.cycle_decided, since, until)
    cycle_days = (data.cycle_decided[decided] - data.cycle_started[decided]) / DAY

    revised = (
        _in(data.version_time, since, until)
        & (data.version_number >= 2)
        & (data.version_evidence > 0)
    )

    contexts, cross = _contexts(data, np.flatnonzero(active))
    decisions = data.experiment_decision[ended_in_window]
    return {
        "experiments": int(np.count_nonzero(_in(created, since, until))),
        "experiments_active": int(np.count_nonzero(active)),
        "experiments_running": int(np.count_nonzero(still_running)),
        "experiments_per_active_member": _ratio(np.count_nonzero(active), len(people)),
        "concluded_with_decision_share": _ratio(
            np.count_nonzero(active & ended_in_window & (data.experiment_decision >= 0)),
            np.count_nonzero(active),
        ),
        **{
            f"decisions_{name}": int(np.count_nonzero(decisions == code))
            for code, name in enumerate(DECISIONS)
        },
        "cycles_decided": int(np.count_nonzero(decided)),
        "median_cycle_days": round(float(np.median(cycle_days)), 1) if cycle_days.size else None,
        "check_ins": int(np.count_nonzero(checked_in)),
        "practices_revised_from_evidence": int(np.unique(data.version_practice[revised]).size),
        "contexts_per_experiment": contexts,
        "cross_context_share": cross,
    }


def _contexts(data: LearningData, experiments: np.ndarray) -> tuple[float | None, float | None]:
    """Mean distinct stated contexts per active experiment with participants, and the share
    of those experiments tried in two or more contexts."""
    taking_part = np.isin(data.participant_experiment, experiments)
    if not taking_part.any():
        return None, None
    which = data.participant_experiment[taking_part]
    context = data.participant_context[taking_part]
    stated = context >= 0
    pairs = np.unique(np.stack([which[stated], context[stated]]), axis=1)
    with_people = np.unique(which)
    distinct = np.zeros(with_people.size, dtype=np.int64)
    if pairs.size:
        counted, per = np.unique(pairs[0], return_counts=True)
        distinct[np.searchsorted(with_people, counted)] = per
    return (
        round(float(distinct.mean()), 2),
        round(float(np.count_nonzero(distinct >= 2)) / with_people.size, 4),
    )


def learning_section(ctx: FigureContext) -> Section:
    """The compass's ``learning`` section (the adapter between the registry and the pure
    function); without loaded data every figure is unmeasured."""
    data = ctx.extra.get("learning")
    if not isinstance(data, LearningData):
        return Section(figures=dict.fromkeys(LABELS))
    active = ctx.activity.person_ids[ctx.contributors]
    return Section(
        figures=learning_figures(
            data, since=ctx.window.since, until=ctx.window.until, active_people=active
        )
    )


def _seconds(moment: Any) -> int:
    return int(moment.timestamp()) if moment is not None else NONE


def load_learning(community_id: int) -> LearningData:
    """Read one community's experiments, cycles, participants, check-ins and versions."""
    from django.db.models import Count

    from practica.learning.models import (
        Cycle,
        Experiment,
        Observation,
        Participant,
        PracticeVersion,
    )

    experiments = list(
        Experiment.objects.filter(community_id=community_id)
        .order_by("pk")
        .values_list("pk", "created_at", "concluded_at")
    )
    index = {pk: i for i, (pk, _, _) in enumerate(experiments)}
    cycles = list(
        Cycle.objects.filter(experiment__community_id=community_id)
        .order_by("experiment_id", "number")
        .values_list("experiment_id", "started_at", "decided_at", "decision")
    )
    final: dict[int, str] = {}
    for experiment_id, _, _, decision in cycles:
        final[experiment_id] = decision  # the last cycle's decision ends the experiment
    concluded = [_seconds(at) for _, _, at in experiments]
    participants = list(
        Participant.objects.filter(experiment__community_id=community_id)
        .order_by("pk")
        .values_list("experiment_id", "organisation", "setting")
    )
    codes: dict[tuple[str, str], int] = {}
    context = []
    for _, organisation, setting in participants:
        key = (organisation.strip().lower(), setting.strip().lower())
        context.append(codes.setdefault(key, len(codes)) if any(key) else NONE)
    observations = list(
        Observation.objects.filter(cycle__experiment__community_id=community_id)
        .order_by("pk")
        .values_list("created_at", "participant__person_id")
    )
    versions = list(
        PracticeVersion.objects.filter(practice__community_id=community_id)
        .annotate(evidence_count=Count("evidence"))
        .order_by("pk")
        .values_list("practice_id", "number", "created_at", "evidence_count")
    )
    return LearningData(
        experiment_created=np.array([_seconds(c) for _, c, _ in experiments], dtype=np.int64),
        experiment_concluded=np.array(concluded, dtype=np.int64),
        experiment_decision=np.array(
            [
                DECISIONS.index(final.get(pk, ""))
                if at != NONE and final.get(pk, "") in DECISIONS
                else NONE
                for (pk, _, _), at in zip(experiments, concluded, strict=True)
            ],
            dtype=np.int8,
        ),
        cycle_experiment=np.array([index[c[0]] for c in cycles], dtype=np.int32),
        cycle_started=np.array([_seconds(c[1]) for c in cycles], dtype=np.int64),
        cycle_decided=np.array([_seconds(c[2]) for c in cycles], dtype=np.int64),
        participant_experiment=np.array([index[p[0]] for p in participants], dtype=np.int32),
        participant_context=np.array(context, dtype=np.int32),
        observation_time=np.array([_seconds(o[0]) for o in observations], dtype=np.int64),
        observation_person=np.array([o[1] for o in observations], dtype=np.int64),
        version_practice=np.array([v[0] for v in versions], dtype=np.int64),
        version_number=np.array([v[1] for v in versions], dtype=np.int32),
        version_time=np.array([_seconds(v[2]) for v in versions], dtype=np.int64),
        version_evidence=np.array([v[3] for v in versions], dtype=np.int32),
    )


def register() -> None:
    """Add the ``learning`` section and the collaborative-learner rules to the compass."""
    from practica.compass.analysis.registry import FigureProvider, register_provider
    from practica.compass.analysis.rules import SOURCES, Rule, register_rule

    register_provider(
        FigureProvider(
            key="learning",
            title="Collaborative learning",
            compute=learning_section,
            order=70,
            load=load_learning,
            labels=LABELS,
        )
    )
    for rule in (
        Rule(
            "experimenting",
            "learning.experiments_per_active_member",
            ">=",
            0.05,
            "In complex work a community learns by running several small, safe-to-fail "
            "probes at once: about one experiment for every twenty active members.",
            SOURCES["snowden2007"],
        ),
        Rule(
            "loops_closed",
            "learning.concluded_with_decision_share",
            ">=",
            0.3,
            "Learning needs cycles that end: a decision to adopt, adapt or abandon turns "
            "trying into knowing, where open-ended probes drift.",
            SOURCES["wenger2002"],
        ),
        Rule(
            "practice_revised",
            "learning.practices_revised_from_evidence",
            ">=",
            1,
            "A shared repertoire that changes when evidence arrives is the mark of a "
            "community that learns, not one that only stores.",
            SOURCES["wenger2002"],
        ),
        Rule(
            "across_contexts",
            "learning.cross_context_share",
            ">=",
            0.5,
            "Trying one idea in different organisations and settings shows where it holds "
            "and where it does not; that is what a community adds to a lone practitioner.",
            SOURCES["wheatley2006"],
        ),
    ):
        register_rule("archetype:collaborative_learner", rule)
