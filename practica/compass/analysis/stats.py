"""Small statistics the figures share: inequality, diversity, medians, shares."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def gini(values: NDArray[np.integer] | NDArray[np.floating]) -> float | None:
    """Gini coefficient of non-negative amounts: 0 when all are equal, towards 1 when one
    person holds everything (at most ``1 - 1/n`` for ``n`` people). ``None`` for no people."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.shape[0]
    if n == 0:
        return None
    if x[0] < 0:
        raise ValueError("gini needs non-negative values")
    total = x.sum()
    if total == 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float((2.0 * np.dot(ranks, x)) / (n * total) - (n + 1.0) / n)


def top_share(values: NDArray[np.integer] | NDArray[np.floating], fraction: float) -> float | None:
    """Share of the total held by the top ``fraction`` of people (at least one person)."""
    x = np.asarray(values, dtype=np.float64)
    n = x.shape[0]
    total = x.sum()
    if n == 0 or total == 0:
        return None
    k = max(1, math.ceil(n * fraction))
    top = np.partition(x, n - k)[n - k :]
    return float(top.sum() / total)


def blau(codes: NDArray[np.integer]) -> float | None:
    """Blau's index of heterogeneity, ``1 - sum(p_k^2)`` over categories; ``None`` for
    fewer than two known values (a code below zero is unknown)."""
    known = codes[codes >= 0]
    if known.shape[0] < 2:
        return None
    _, counts = np.unique(known, return_counts=True)
    p = counts / counts.sum()
    return float(1.0 - np.dot(p, p))


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values: ``np.unique`` by sorting. numpy 2's hash-based unique
    took seconds on a million integers here, a sort a tenth of that."""
    x = np.sort(np.asarray(values).ravel())
    if x.size == 0:
        return x
    keep = np.empty(x.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def median(values: NDArray[np.integer] | NDArray[np.floating]) -> float | None:
    x = np.asarray(values, dtype=np.float64)
    return float(np.median(x)) if x.shape[0] else None


def share(part: int | float, whole: int | float) -> float | None:
    """``part / whole``, or ``None`` when there is nothing to share (never a fake 0)."""
    return float(part) / float(whole) if whole else None


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
