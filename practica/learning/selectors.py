"""Reads of collaborative learning, through the community funnel."""

from __future__ import annotations

import csv
import difflib
import io
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from practica.communities.models import Community
from practica.communities.selectors import AnyUser
from practica.core.errors import NotFound
from practica.learning.models import (
    AgendaItem,
    Cycle,
    Evidence,
    Experiment,
    ExperimentStatus,
    MeasureValue,
    Observation,
    Practice,
    PracticeVersion,
)


def _readable(user: AnyUser) -> QuerySet[Community]:
    return Community.objects.readable_by(user)


def experiment_list(*, community: Community, user: AnyUser) -> QuerySet[Experiment]:
    return (
        Experiment.objects.filter(community=community, community__in=_readable(user))
        .select_related("proposed_by", "practice")
        .annotate(
            participant_count=Count("participants", distinct=True),
            cycle_count=Count("cycles", distinct=True),
        )
    )


def experiment_board(*, community: Community, user: AnyUser) -> dict[str, list[Experiment]]:
    """The community's experiments by status, in the order of their journey."""
    board: dict[str, list[Experiment]] = {s: [] for s in ExperimentStatus.values}
    for experiment in experiment_list(community=community, user=user):
        board[experiment.status].append(experiment)
    return board


def experiment_get(*, experiment_id: int, user: AnyUser) -> Experiment:
    observations = Observation.objects.select_related("participant__person").prefetch_related(
        Prefetch("values", queryset=MeasureValue.objects.select_related("measure")),
        "feedback__author",
    )
    experiment = (
        Experiment.objects.filter(pk=experiment_id, community__in=_readable(user))
        .select_related("community", "proposed_by", "practice")
        .prefetch_related(
            "measures",
            "participants__person",
            "inspired_by",
            Prefetch(
                "cycles",
                queryset=Cycle.objects.select_related("decided_by").prefetch_related(
                    Prefetch("observations", queryset=observations)
                ),
            ),
        )
        .first()
    )
    if experiment is None:
        raise NotFound(f"no experiment {experiment_id}", field="id")
    return experiment


def observation_get(*, observation_id: int, user: AnyUser) -> Observation:
    observation = (
        Observation.objects.filter(
            pk=observation_id, cycle__experiment__community__in=_readable(user)
        )
        .select_related("cycle__experiment__community", "participant__person")
        .first()
    )
    if observation is None:
        raise NotFound(f"no observation {observation_id}", field="id")
    return observation


@dataclass(frozen=True)
class RunPoint:
    measure: str
    unit: str
    better: str
    participant: str
    cycle: int
    observed_at: str
    value: float


def run_chart_points(experiment: Experiment) -> list[RunPoint]:
    """Every measured value across check-ins and cycles, in time order."""
    values = (
        MeasureValue.objects.filter(observation__cycle__experiment=experiment)
        .select_related("measure", "observation__participant__person", "observation__cycle")
        .order_by("observation__created_at", "observation_id", "measure_id")
    )
    return [
        RunPoint(
            measure=v.measure.name,
            unit=v.measure.unit,
            better=v.measure.better,
            participant=v.observation.participant.person.name,
            cycle=v.observation.cycle.number,
            observed_at=v.observation.created_at.isoformat(),
            value=v.value,
        )
        for v in values
    ]


def run_chart_medians(points: list[RunPoint]) -> dict[str, float]:
    """The centre line of each measure's run chart."""
    by_measure: dict[str, list[float]] = {}
    for point in points:
        by_measure.setdefault(point.measure, []).append(point.value)
    return {name: statistics.median(values) for name, values in by_measure.items()}


def _panel_title(point: RunPoint) -> str:
    unit = f" ({point.unit})" if point.unit else ""
    return f"{point.measure}{unit}, {point.better} is better"


def run_chart_spec(experiment: Experiment) -> dict[str, Any]:
    """A Vega-Lite spec: one run chart per measure, a line per participant, points shaped by
    cycle, and the median of all values dashed."""
    points = run_chart_points(experiment)
    medians = run_chart_medians(points)
    rows = [
        point.__dict__ | {"median": medians[point.measure], "panel": _panel_title(point)}
        for point in points
    ]
    x = {"field": "observed_at", "type": "temporal", "title": "Check-in"}
    y = {"field": "value", "type": "quantitative", "title": None}
    participant = {"field": "participant", "type": "nominal", "title": "Participant"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"Run charts for the experiment {experiment.title}",
        "data": {"values": rows},
        "facet": {"row": {"field": "panel", "type": "nominal", "title": None}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {
            "width": "container",
            "height": 180,
            "layer": [
                {"mark": {"type": "line"}, "encoding": {"x": x, "y": y, "color": participant}},
                {
                    "mark": {"type": "point", "filled": True, "size": 60},
                    "encoding": {
                        "x": x,
                        "y": y,
                        "color": participant,
                        "shape": {"field": "cycle", "type": "ordinal", "title": "Cycle"},
                        "tooltip": [
                            {"field": "participant", "title": "Participant"},
                            {"field": "cycle", "title": "Cycle"},
                            {"field": "observed_at", "type": "temporal", "title": "Check-in"},
                            {"field": "value", "title": "Value"},
                            {"field": "unit", "title": "Unit"},
                        ],
                    },
                },
                {
                    "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#555"},
                    "encoding": {"y": {"field": "median", "aggregate": "min"}},
                },
            ],
        },
    }


def run_chart_csv(experiment: Experiment) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "unit", "better", "participant", "cycle", "observed_at", "value"])
    for p in run_chart_points(experiment):
        writer.writerow(
            [p.measure, p.unit, p.better, p.participant, p.cycle, p.observed_at, p.value]
        )
    return out.getvalue()


def practice_list(*, community: Community, user: AnyUser) -> QuerySet[Practice]:
    return (
        Practice.objects.filter(community=community, community__in=_readable(user))
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("is_draft", "name")
    )


def practice_get(*, practice_id: int, user: AnyUser) -> Practice:
    evidence = Evidence.objects.select_related("experiment", "thread")
    practice = (
        Practice.objects.filter(pk=practice_id, community__in=_readable(user))
        .select_related("community", "created_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PracticeVersion.objects.select_related("author").prefetch_related(
                    Prefetch("evidence", queryset=evidence)
                ),
            )
        )
        .first()
    )
    if practice is None:
        raise NotFound(f"no practice {practice_id}", field="id")
    return practice


@dataclass(frozen=True)
class FieldDiff:
    field: str
    lines: list[tuple[str, str]]  # (kind: "same" | "added" | "removed", text)


def version_diff(older: PracticeVersion | None, newer: PracticeVersion) -> list[FieldDiff]:
    """A readable, line-based diff of each field that changed between two versions."""
    diffs: list[FieldDiff] = []
    for name in ("summary", "when_to_use", "how", "watch_for"):
        before = (getattr(older, name) if older else "").splitlines()
        after = getattr(newer, name).splitlines()
        if before == after:
            continue
        lines: list[tuple[str, str]] = []
        for line in difflib.ndiff(before, after):
            tag, text = line[:2], line[2:]
            if tag == "  ":
                lines.append(("same", text))
            elif tag == "+ ":
                lines.append(("added", text))
            elif tag == "- ":
                lines.append(("removed", text))
        diffs.append(FieldDiff(field=name, lines=lines))
    return diffs


def agenda_list(*, community: Community, user: AnyUser) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(community=community, community__in=_readable(user))
        .select_related("raised_by")
        .prefetch_related("experiments", "threads")
    )
