"""Aggregates of a survey's answers: means and distributions, never one person's answers.

Pure functions over plain values. Nothing is computed for fewer than
``MIN_RESPONDENTS`` people: below that, averages can give away who said what.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from practica.surveys.instruments import POINTS, SCALES, Item, Scale

MIN_RESPONDENTS = 5

Answers = Mapping[str, int]


@dataclass(frozen=True)
class ItemResult:
    item: Item
    #: Mean of the answers as given (1 = strongly disagree, 7 = strongly agree).
    mean: float
    #: How many people gave each answer, 1 to 7.
    distribution: tuple[int, ...]
    answered: int


@dataclass(frozen=True)
class ScaleResult:
    scale: Scale
    #: Mean of each person's mean over the scale's items, reverse-scored items turned round.
    score: float | None
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class Results:
    respondents: int
    scales: tuple[ScaleResult, ...]


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def item_result(item: Item, answers: Sequence[Answers]) -> ItemResult:
    given = [a[item.key] for a in answers if a.get(item.key) is not None]
    counts = [0] * POINTS
    for value in given:
        counts[value - 1] += 1
    return ItemResult(
        item=item, mean=_mean(given) or 0.0, distribution=tuple(counts), answered=len(given)
    )


def person_score(scale: Scale, answers: Answers) -> float | None:
    scored = [item.scored(answers[item.key]) for item in scale.items if item.key in answers]
    return sum(scored) / len(scored) if scored else None


def scale_result(scale: Scale, answers: Sequence[Answers]) -> ScaleResult:
    people = [s for s in (person_score(scale, a) for a in answers) if s is not None]
    return ScaleResult(
        scale=scale,
        score=_mean(people),
        items=tuple(item_result(item, answers) for item in scale.items),
    )


def aggregate(scale_keys: Sequence[str], answers: Sequence[Answers]) -> Results | None:
    """The results, or None when fewer than ``MIN_RESPONDENTS`` people answered."""
    if len(answers) < MIN_RESPONDENTS:
        return None
    return Results(
        respondents=len(answers),
        scales=tuple(scale_result(SCALES[key], answers) for key in scale_keys),
    )
