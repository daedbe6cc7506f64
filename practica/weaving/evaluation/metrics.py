"""Ranking metrics with binary relevance, as in BEIR and TUEF."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def ndcg_at(ranked: Sequence[object], relevant: Collection[object], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` results."""
    if not relevant:
        return 0.0
    gain = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return gain / ideal


def recall_at(ranked: Sequence[object], relevant: Collection[object], k: int = 10) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranked: Sequence[object], relevant: Collection[object]) -> float:
    """1/rank of the first relevant result; 0 when none is ranked."""
    for i, item in enumerate(ranked):
        if item in relevant:
            return 1.0 / (i + 1)
    return 0.0


def precision_at_1(ranked: Sequence[object], relevant: Collection[object]) -> float:
    return 1.0 if ranked and ranked[0] in relevant else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
