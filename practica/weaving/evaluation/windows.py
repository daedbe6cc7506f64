"""Who knows on rolling windows inside the training period: where its weights are chosen.

The test period of the TUEF construction (the last 20% of questions) is never
touched here. Each window asks with the questions from ``lo`` to ``hi`` of a
dump (in date order), answered from what was written before ``lo``; a question
counts only when its accepted answer was written before the test period, by
someone who had answered before ``lo`` and who is not the asker. The rankers are
the same engine as the product's (``ExpertIndex``) and plain BM25; the features
are computed once per question and every weight setting scores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from practica.weaving.engine.experts import (
    DEFAULT_WEIGHTS,
    ExpertIndex,
    ExpertWeights,
    log_linear,
)
from practica.weaving.engine.records import Corpus, ThreadDoc
from practica.weaving.engine.related import Query
from practica.weaving.engine.text import clean_text
from practica.weaving.evaluation import metrics
from practica.weaving.evaluation.baselines import PlainBM25People
from practica.weaving.evaluation.tasks import TEST_SHARE, accepted_later, query_only

WINDOWS: tuple[tuple[float, float], ...] = (
    (0.2, 0.4), (0.3, 0.5), (0.4, 0.6), (0.5, 0.7), (0.6, 1 - TEST_SHARE),
)  # fmt: skip
BM25 = "bm25"


@dataclass(slots=True)
class Window:
    lo: float
    hi: float
    cutoff: datetime
    train: Corpus
    candidates: frozenset[int]
    queries: list[tuple[ThreadDoc, int]] = field(default_factory=list)


def window(
    corpus: Corpus, lo: float, hi: float, accepted_on: dict[int, datetime] | None = None
) -> Window:
    """Questions from ``lo`` to ``hi``, labels written before the test period only;
    acceptances made from the window's start on (``accepted_on``, per question) are not
    evidence."""
    ordered = sorted(corpus.threads, key=lambda t: (t.created_at, t.key))
    test_starts = ordered[int(len(ordered) * (1 - TEST_SHARE))].created_at
    if hi > 1 - TEST_SHARE:
        raise ValueError("a development window ends where the test period begins")
    first, last = int(len(ordered) * lo), int(len(ordered) * hi)
    cutoff = ordered[first].created_at
    train = corpus.before(cutoff).without_acceptances(accepted_later(accepted_on or {}, cutoff))
    candidates = frozenset(
        r.author for r in train.replies if r.kind == "answer" and r.author is not None
    )
    answers = {r.key: r for r in corpus.replies if r.created_at < test_starts}
    found = Window(lo=lo, hi=hi, cutoff=cutoff, train=train, candidates=candidates)
    for thread in ordered[first:last]:
        accepted = answers.get(thread.accepted_reply) if thread.accepted_reply else None
        if accepted is None or accepted.author is None:
            continue
        if accepted.author in candidates and accepted.author != thread.author:
            found.queries.append((query_only(thread), accepted.author))
    return found


def study(
    corpus: Corpus,
    settings: dict[str, ExpertWeights],
    windows: Iterable[tuple[float, float]],
    accepted_on: dict[int, datetime] | None = None,
) -> dict[tuple[float, float], dict[str, list[float]]]:
    """Per window, per setting (and plain BM25): the reciprocal rank of every question.

    Settings may differ only in the five coefficients (vote, activity, answers,
    accepted, momentum); what the features are made of is the first setting's.
    """
    first = next(iter(settings.values()), DEFAULT_WEIGHTS)
    results: dict[tuple[float, float], dict[str, list[float]]] = {}
    for lo, hi in windows:
        part = window(corpus, lo, hi, accepted_on)
        ranks: dict[str, list[float]] = {name: [] for name in [*settings, BM25]}
        results[(lo, hi)] = ranks
        if not part.queries:
            continue
        ours = ExpertIndex(part.train, now=part.cutoff, weights=first)
        plain = PlainBM25People(part.train)
        allowed = np.isin(ours.people, np.fromiter(part.candidates, dtype=np.int64))
        for question, expert in part.queries:
            text = f"{question.title}\n{question.body}"
            features, _ = ours.features(Query.of(text))
            keep = allowed & (ours.people != (question.author or -1))
            for name, weights in settings.items():
                scores = log_linear(features, weights)
                order = np.argsort(-np.where(keep, scores, -np.inf), kind="stable")
                ranked = [int(p) for p in ours.people[order][: int(keep.sum())]]
                ranks[name].append(metrics.reciprocal_rank(ranked, {expert}))
            found = plain.rank(
                clean_text(text), candidates=part.candidates, exclude=question.author
            )
            ranks[BM25].append(metrics.reciprocal_rank(found, {expert}))
    return results


def record_grid() -> dict[str, ExpertWeights]:
    """The grid the record term was chosen on: weights of answers and of accepted answers,
    everything else as deployed."""
    grid = {}
    for answers in (0.0, 0.25, 0.5, 0.75):
        for accepted in (0.0, 0.25, 0.5, 0.75, 1.0):
            grid[f"answers {answers} accepted {accepted}"] = ExpertWeights(
                vote=DEFAULT_WEIGHTS.vote,
                activity=DEFAULT_WEIGHTS.activity,
                answers=answers,
                accepted=accepted,
                momentum=DEFAULT_WEIGHTS.momentum,
            )
    return grid


def pooled(
    per_dump: list[dict[tuple[float, float], dict[str, list[float]]]],
) -> dict[str, dict[str, float]]:
    """Per setting: MRR of each window over every dump, and of all windows together."""
    merged: dict[str, dict[str, list[float]]] = {}
    for results in per_dump:
        for (lo, hi), ranks in results.items():
            for name, values in ranks.items():
                found = merged.setdefault(name, {})
                found.setdefault(f"{lo:.1f}-{hi:.1f}", []).extend(values)
                found.setdefault("all", []).extend(values)
    return {
        name: {key: round(metrics.mean(v), 4) for key, v in found.items()}
        | {"queries": float(len(found.get("all", [])))}
        for name, found in merged.items()
    }


def markdown(table: dict[str, dict[str, float]], deployed: str) -> str:
    keys = [k for k in next(iter(table.values()), {}) if k not in ("all", "queries")]
    lines = [
        "| setting | " + " | ".join(keys) + " | all windows |",
        "|" + "---|" * (len(keys) + 2),
    ]
    for name in sorted(table, key=lambda name: -table[name]["all"]):
        label = f"**{name}** (deployed)" if name == deployed else name
        cells = [f"{table[name][k]:.3f}" for k in keys]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {table[name]['all']:.4f} |")
    return "\n".join(lines) + "\n"
