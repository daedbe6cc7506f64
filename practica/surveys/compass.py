"""Pulse surveys in the compass: the latest scores and how they moved since the survey before.

``load_surveys`` reads the database (only closed surveys with enough
respondents, as aggregates); ``pulse_section`` is pure. Only community-level
figures: a survey never says anything about one person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from practica.compass.analysis.registry import FigureContext, Section
from practica.surveys.instruments import SCALES

LABELS = {
    "surveys": "Pulse surveys closed with 5 or more answers",
    "respondents": "People who answered the latest survey",
}
for _key, _scale in SCALES.items():
    LABELS[_key] = f"{_scale.title} (latest, 1 to 7)"
    LABELS[f"{_key}_change"] = f"{_scale.title}: change since the survey before"


@dataclass(frozen=True)
class Point:
    closed_at: int  # epoch seconds
    respondents: int
    scores: dict[str, float]


def load_surveys(community_id: int) -> list[Point]:
    from practica.surveys.selectors import survey_trend

    return [
        Point(int(p.closed_at.timestamp()), p.respondents, p.scores)
        for p in survey_trend(community=community_id)
    ]


def pulse_section(ctx: FigureContext) -> Section:
    points: list[Point] = [
        p
        for p in ctx.extra.get("pulse", [])
        if (ctx.window.since is None or p.closed_at >= ctx.window.since)
        and (ctx.window.until is None or p.closed_at < ctx.window.until)
    ]
    figures: dict[str, Any] = {"surveys": len(points)}
    figures["respondents"] = points[-1].respondents if points else None
    for key in SCALES:
        with_scale = [p.scores[key] for p in points if key in p.scores]
        figures[key] = with_scale[-1] if with_scale else None
        figures[f"{key}_change"] = (
            round(with_scale[-1] - with_scale[-2], 2) if len(with_scale) >= 2 else None
        )
    return Section(figures=figures)
