"""The evaluation harness: import a dump, ask the system, compare with the labels.

The dump is imported through the project's own importer into whatever
database Django is using (``practica eval`` points it at a scratch SQLite
file). Queries are answered from the database: lived_before through the same
selector the web and API use (``related_for``, permission funnel included),
who_knows through the same engine on the community's records cut at the test
period. The labels (PostLinks, accepted answers) come from the harness's own
reader of the dump and are used for scoring only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from practica.weaving.engine.experts import ExpertIndex
from practica.weaving.engine.records import Corpus
from practica.weaving.engine.related import Query
from practica.weaving.engine.text import clean_text
from practica.weaving.evaluation import metrics
from practica.weaving.evaluation.baselines import PlainBM25People, PlainBM25Threads, Popularity
from practica.weaving.evaluation.sedump import read_acceptance_days, read_corpus, read_links
from practica.weaving.evaluation.tasks import (
    accepted_later,
    lived_before_queries,
    who_knows_task,
)

K = 10
OURS, BM25, POPULARITY = "practica", "bm25", "popularity"
LEXICAL = "practica_lexical"  # reported beside OURS when the sentence encoder is on


@dataclass(slots=True)
class SiteResult:
    site: str
    lived_before_queries: int = 0
    who_knows_queries: int = 0
    who_knows_unreachable: int = 0
    who_knows_candidates: int = 0
    # system -> metric -> per-query values (kept for pooling; not written out)
    per_query: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, system: str, metric: str, value: float) -> None:
        self.per_query.setdefault(system, {}).setdefault(metric, []).append(value)

    def summary(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "lived_before_queries": self.lived_before_queries,
            "who_knows_queries": self.who_knows_queries,
            "who_knows_unreachable": self.who_knows_unreachable,
            "who_knows_candidates": self.who_knows_candidates,
            "metrics": means(self.per_query),
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
        }


def means(per_query: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    return {
        system: {m: round(metrics.mean(v), 4) for m, v in found.items()}
        for system, found in per_query.items()
    }


# A function answering "lived before" for one query: (text, thread to leave out) -> source ids.
RelatedFinder = Callable[[str, str], list[str]]


def evaluate_lived_before(
    result: SiteResult,
    dump: Path,
    corpus: Corpus,
    ours: RelatedFinder,
    others: dict[str, RelatedFinder] | None = None,
) -> None:
    """CQADupStack: the newer question of each linked pair asks; the older one is relevant."""
    labels = read_corpus(dump)
    queries = lived_before_queries(labels, read_links(dump))
    result.lived_before_queries = len(queries)
    baseline = PlainBM25Threads(corpus.threads)
    by_source = {t.source_id: t.key for t in corpus.threads}
    source_of = {t.key: t.source_id for t in corpus.threads}
    started = time.perf_counter()
    for query in queries:
        text = f"{query.thread.title}\n{query.thread.body}"
        relevant = {str(k) for k in query.relevant}
        found = ours(text, query.thread.source_id)
        _score_lived_before(result, OURS, found, relevant)
        for name, finder in (others or {}).items():
            _score_lived_before(result, name, finder(text, query.thread.source_id), relevant)
        exclude = by_source.get(query.thread.source_id)
        plain = baseline.rank(clean_text(text), exclude=exclude, k=K)
        _score_lived_before(result, BM25, [source_of[k] for k in plain], relevant)
    result.seconds["lived_before"] = time.perf_counter() - started


def _score_lived_before(
    result: SiteResult, system: str, found: list[str], relevant: set[str]
) -> None:
    result.add(system, "ndcg@10", metrics.ndcg_at(found, relevant, K))
    result.add(system, "recall@10", metrics.recall_at(found, relevant, K))


def evaluate_who_knows(result: SiteResult, dump: Path, corpus: Corpus) -> None:
    """TUEF: the last 20% of questions ask; the accepted answerer is relevant.

    ``corpus`` is the community as imported (person keys are our ids); the
    split and the labels come from the dump, matched by source ids.
    """
    dumped = read_corpus(dump)
    labels = who_knows_task(dumped)
    person_of = {p.source_id: p.key for p in corpus.people if p.source_id}
    thread_of = {t.source_id: t for t in corpus.threads}
    # An answer written before the test period but accepted during it: the acceptance is
    # test-period data, so it is forgotten.
    later = accepted_later(read_acceptance_days(dump, dumped), labels.cutoff)
    train = corpus.before(labels.cutoff).without_acceptances(
        {t.key for t in corpus.threads if t.source_id.isdigit() and int(t.source_id) in later}
    )
    candidates = frozenset(
        r.author for r in train.replies if r.kind == "answer" and r.author is not None
    )
    result.who_knows_candidates = len(candidates)
    result.who_knows_unreachable = labels.unreachable
    ours = ExpertIndex(train, now=labels.cutoff)
    bm25 = PlainBM25People(train)
    popular = Popularity(train)
    started = time.perf_counter()
    for question, expert_source in labels.queries:
        thread = thread_of.get(question.source_id)
        expert = person_of.get(str(expert_source))
        if thread is None or expert is None or expert not in candidates:
            result.who_knows_unreachable += 1
            continue
        result.who_knows_queries += 1
        text = f"{thread.title}\n{thread.body}"
        asker = thread.author
        people, scores = ours.rank_all(Query.of(text))
        keep = np.isin(people, np.fromiter(candidates, dtype=np.int64)) & (people != (asker or -1))
        order = np.argsort(-np.where(keep, scores, -np.inf), kind="stable")
        ranked = [int(p) for p in people[order][: int(keep.sum())]]
        _score_who_knows(result, OURS, ranked, expert)
        plain = bm25.rank(clean_text(text), candidates=candidates, exclude=asker)
        _score_who_knows(result, BM25, plain, expert)
        _score_who_knows(
            result, POPULARITY, popular.rank("", candidates=candidates, exclude=asker), expert
        )
    result.seconds["who_knows"] = time.perf_counter() - started


def _score_who_knows(result: SiteResult, system: str, ranked: list[int], expert: int) -> None:
    result.add(system, "mrr", metrics.reciprocal_rank(ranked, {expert}))
    result.add(system, "p@1", metrics.precision_at_1(ranked, {expert}))


def pooled(results: list[SiteResult]) -> dict[str, Any]:
    """Every query of every dump counted once (micro-average), and the mean of the sites."""
    merged: dict[str, dict[str, list[float]]] = {}
    for result in results:
        for system, found in result.per_query.items():
            for metric, values in found.items():
                merged.setdefault(system, {}).setdefault(metric, []).extend(values)
    micro = means(merged)
    macro: dict[str, dict[str, float]] = {}
    for result in results:
        for system, site_means in means(result.per_query).items():
            for metric, value in site_means.items():
                macro.setdefault(system, {}).setdefault(metric, 0.0)
                macro[system][metric] += value / len(results)
    ratios, intervals = {}, {}
    if OURS in micro and BM25 in micro:
        for metric in ("ndcg@10", "mrr"):
            ours, base = merged[OURS].get(metric, []), merged[BM25].get(metric, [])
            if not base or sum(base) == 0:
                continue
            name = f"{metric} ours/bm25"
            ratios[name] = round(sum(ours) / sum(base), 4)
            intervals[name] = ratio_interval(ours, base)
    return {
        "pooled": micro,
        "mean_of_sites": {s: {m: round(v, 4) for m, v in d.items()} for s, d in macro.items()},
        "ratios": ratios,
        "ratio_ci95": intervals,
        "queries": {
            "lived_before": sum(r.lived_before_queries for r in results),
            "who_knows": sum(r.who_knows_queries for r in results),
        },
    }


def ratio_interval(
    ours: list[float], base: list[float], *, resamples: int = 10_000, seed: int = 0
) -> list[float]:
    """A paired bootstrap 95% interval of mean(ours) / mean(base): the same queries are
    drawn for both systems in each resample."""
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(base, dtype=np.float64)
    draws = np.random.default_rng(seed).integers(0, len(a), size=(resamples, len(a)))
    sums = b[draws].sum(axis=1)
    found = a[draws].sum(axis=1)[sums > 0] / sums[sums > 0]
    low, high = np.percentile(found, [2.5, 97.5])
    return [round(float(low), 3), round(float(high), 3)]


def as_dict(result: SiteResult) -> dict[str, Any]:
    return asdict(result)
