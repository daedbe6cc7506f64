"""Blind who-knows study: candidate changes scored on the training-period windows only.

``python -m bench.weaving_windows_study [DUMP_DIR] [--out bench/results]``

Every variant is scored on the rolling windows of ``practica eval --windows``
(questions from 20-40% ... 60-80% of each dump, evidence from before each window,
labels written before the test period): no test-period question is read. For
each variant: pooled MRR, its gain over the deployed model with a paired bootstrap
95% interval (10,000 resamples of the window questions, seed 0), the same clustered
by question (a question sits in up to two overlapping windows), a simultaneous
(max-t) lower bound over all variants, and a split-half check of the selection
itself: pick the best variant on a random half of the questions, measure its gain
on the other half (1,000 splits).

Variants (see docs/weaving.md): personalised PageRank over the person-thread graph
seeded by the nearest threads; a per-person language model over their answered
threads (Balog's candidate model, Dirichlet smoothing), alone, fused by reciprocal
rank, or added; BM25F field weights of the similarity the votes are weighted by;
the values of each kind of contribution (accepted bonus, comments); votes faded by
age; neighbours weighted by rank; the title stressed or the body cut in the query;
a negative weight of the answer count (a prior dividing by volume); votes shared
among a thread's answerers; recent activity in the tags of the nearest threads.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from practica.weaving.engine.experts import (
    ANSWER,
    COMMENT,
    DEFAULT_WEIGHTS,
    SECONDS_PER_DAY,
    STORY,
    ExpertIndex,
    ExpertWeights,
    log_linear,
)
from practica.weaving.engine.records import Corpus
from practica.weaving.engine.related import Query, RelatedIndex
from practica.weaving.engine.text import clean_text, terms
from practica.weaving.evaluation import metrics
from practica.weaving.evaluation.sedump import read_acceptance_days, read_corpus
from practica.weaving.evaluation.windows import WINDOWS, window

DEPLOYED = "deployed"
FIELDS = ("title", "body", "answers", "tags")
FIELD_SETS: dict[str, dict[str, float]] = {
    "fields answers 1": {"title": 1, "body": 1, "answers": 1, "tags": 0.5},
    "fields answers 0.35": {"title": 1, "body": 1, "answers": 0.35, "tags": 0.5},
    "fields answers 0.25": {"title": 1, "body": 1, "answers": 0.25, "tags": 0.5},
    "fields answers 0": {"title": 1, "body": 1, "answers": 0, "tags": 0.5},
    "fields tags 1": {"title": 1, "body": 1, "answers": 0.5, "tags": 1},
    "fields tags 0": {"title": 1, "body": 1, "answers": 0.5, "tags": 0},
    "fields title 2": {"title": 2, "body": 1, "answers": 0.5, "tags": 0.5},
    "fields body 0.5": {"title": 1, "body": 0.5, "answers": 0.5, "tags": 0.5},
    "fields answers 1 tags 1": {"title": 1, "body": 1, "answers": 1, "tags": 1},
    "fields answers 0.25 tags 0.25": {"title": 1, "body": 1, "answers": 0.25, "tags": 0.25},
    "fields answers 0.25 tags 0": {"title": 1, "body": 1, "answers": 0.25, "tags": 0},
}
DEPLOYED_FIELDS = {"title": 1.0, "body": 1.0, "answers": 0.5, "tags": 0.5}


def vote(
    ix: ExpertIndex, scores: np.ndarray, value: np.ndarray, *, by_rank: float | None = None
) -> np.ndarray:
    """The deployed vote of the 100 nearest threads, with other contribution values, or
    with neighbour weights (1 + c) / (rank + c) instead of score / best score."""
    n = min(ix.weights.neighbours, len(scores))
    near = np.zeros(len(scores))
    if not n:
        return np.zeros(len(ix.people))
    best = np.argpartition(-scores, n - 1)[:n]
    if float(scores[best].max()) <= 0:
        return np.zeros(len(ix.people))
    if by_rank is None:
        near[best] = np.clip(scores[best], 0, None) / float(scores[best].max())
    else:
        order = best[np.argsort(-scores[best], kind="stable")]
        weight = (1 + by_rank) / (np.arange(len(order)) + 1 + by_rank)
        near[order] = np.where(scores[order] > 0, weight, 0.0)
    mine = ix._of_threads(best)
    return np.bincount(
        ix.c_person[mine], weights=near[ix.c_thread[mine]] * value[mine], minlength=len(ix.people)
    )


def ppr_vote(ix: ExpertIndex, near: np.ndarray, carry: float, steps: int = 8) -> np.ndarray:
    """Personalised PageRank on the thread-person graph (edges weighted by contribution
    value), restarting at the nearest threads; then the vote of the walked threads."""
    value = ix.c_value.astype(np.float64)
    t_out = np.bincount(ix.c_thread, weights=value, minlength=len(near))
    p_out = np.bincount(ix.c_person, weights=value, minlength=len(ix.people))
    to_person = value / np.maximum(t_out[ix.c_thread], 1e-12)
    to_thread = value / np.maximum(p_out[ix.c_person], 1e-12)
    walked = near.copy()
    for _ in range(steps):
        person = np.bincount(
            ix.c_person, weights=walked[ix.c_thread] * to_person, minlength=len(ix.people)
        )
        back = np.bincount(
            ix.c_thread, weights=person[ix.c_person] * to_thread, minlength=len(near)
        )
        walked = near + carry * back
    return np.bincount(ix.c_person, weights=walked[ix.c_thread] * value, minlength=len(ix.people))


class ProfileModel:
    """Balog's candidate model: a person's answered questions and their answers as one
    document; the query's mean log-likelihood ratio against the collection, Dirichlet
    smoothed."""

    def __init__(self, ix: ExpertIndex, train: Corpus) -> None:
        at = {int(p): i for i, p in enumerate(ix.people)}
        asked = {t.key: terms(clean_text(f"{t.title} {t.body}")) for t in train.threads}
        profiles: dict[int, Counter[str]] = defaultdict(Counter)
        for reply in train.replies:
            if reply.kind != "answer" or reply.author not in at or reply.thread not in asked:
                continue
            profile = profiles[at[reply.author]]
            profile.update(asked[reply.thread])
            profile.update(terms(clean_text(reply.body)))
        self.collection: Counter[str] = Counter()
        for profile in profiles.values():
            self.collection.update(profile)
        self.total = sum(self.collection.values()) or 1
        self.length = np.zeros(len(ix.people))
        postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, profile in profiles.items():
            self.length[i] = sum(profile.values())
            for term, count in profile.items():
                postings[term][0].append(i)
                postings[term][1].append(count)
        self.postings = {
            t: (np.array(a), np.array(b, dtype=np.float64)) for t, (a, b) in postings.items()
        }
        self.has = self.length > 0

    def score(self, query_terms: tuple[str, ...], mu: float) -> np.ndarray:
        found = np.zeros(len(self.length))
        counts = Counter(t for t in query_terms if t in self.collection)
        for term, times in counts.items():
            background = self.collection[term] / self.total
            tf = np.zeros(len(self.length))
            people, count = self.postings[term]
            tf[people] = count
            found += times * np.log((tf + mu * background) / ((self.length + mu) * background))
        return found / max(sum(counts.values()), 1)


def fuse_ranks(*scores: np.ndarray, k: float = 60.0) -> np.ndarray:
    total = np.zeros(len(scores[0]))
    for s in scores:
        rank = np.empty(len(s))
        rank[np.argsort(-s, kind="stable")] = np.arange(1, len(s) + 1)
        total += 1 / (k + rank)
    return total


def weights(**changed: float) -> ExpertWeights:
    base = {
        "vote": DEFAULT_WEIGHTS.vote,
        "activity": DEFAULT_WEIGHTS.activity,
        "answers": DEFAULT_WEIGHTS.answers,
        "accepted": DEFAULT_WEIGHTS.accepted,
        "momentum": DEFAULT_WEIGHTS.momentum,
    }
    return ExpertWeights(**(base | changed))  # type: ignore[arg-type]


Record = Callable[[str, np.ndarray], None]


def score_window(corpus: Corpus, lo: float, hi: float, accepted_on: Any, record: Any) -> None:
    part = window(corpus, lo, hi, accepted_on)
    if not part.queries:
        return
    ix = ExpertIndex(part.train, now=part.cutoff)
    by_field = {
        f: RelatedIndex(part.train, weights={g: float(g == f) for g in FIELDS}) for f in FIELDS
    }
    profile = ProfileModel(ix, part.train)
    allowed = np.isin(ix.people, np.fromiter(part.candidates, dtype=np.int64))
    kind, accepted = ix.c_kind, ix.c_accepted.astype(np.float64)
    ages = np.clip((part.cutoff.timestamp() - ix.c_last) / SECONDS_PER_DAY, 0, None)

    def values(bonus: float = 1.0, comment: float = 0.2) -> np.ndarray:
        v = np.zeros(len(kind))
        v[kind == ANSWER], v[kind == COMMENT], v[kind == STORY] = 1.0, comment, 1.0
        return v + bonus * accepted + DEFAULT_WEIGHTS.acknowledgement_value * ix.c_acks

    base_value = values()
    assert np.allclose(base_value, ix.c_value)
    other_values = {
        "accepted bonus 0.5": values(bonus=0.5),
        "accepted bonus 2": values(bonus=2.0),
        "comment 0": values(comment=0.0),
        "comment 0.5": values(comment=0.5),
        **{f"votes fade {d} days": base_value * np.exp(-ages / d) for d in (180, 365, 730)},
    }
    answerers = np.bincount(ix.c_thread[kind == ANSWER], minlength=len(ix.related))
    shared = base_value / np.sqrt(np.maximum(answerers[ix.c_thread], 1))
    tagged: dict[str, list[int]] = defaultdict(list)
    for i, tags in enumerate(ix.tags):
        for tag in tags:
            tagged[tag].append(i)

    for question, expert in part.queries:
        keep = allowed & (ix.people != (question.author or -1))

        def rec(
            name: str,
            scores: np.ndarray,
            keep: np.ndarray = keep,
            key: int = question.key,
            expert: int = expert,
        ) -> None:
            order = np.argsort(-np.where(keep, scores, -np.inf), kind="stable")
            ranked = [int(p) for p in ix.people[order][: int(keep.sum())]]
            record(name, lo, key, metrics.reciprocal_rank(ranked, {expert}))

        query = Query.of(f"{question.title}\n{question.body}")
        features, _ = ix.features(query)
        priors = features[:, 1:]
        deployed = log_linear(features, DEFAULT_WEIGHTS)
        rec(DEPLOYED, deployed)

        def combined(
            v: np.ndarray, w: ExpertWeights = DEFAULT_WEIGHTS, priors: np.ndarray = priors
        ) -> np.ndarray:
            return log_linear(np.column_stack([v, priors]), w)

        def similarity(q: Query, fields: dict[str, float]) -> np.ndarray:
            return sum(  # type: ignore[return-value]
                fields[f] * by_field[f].scores(q).astype(np.float64) for f in FIELDS
            )

        sim = similarity(query, DEPLOYED_FIELDS)
        for name, fields in FIELD_SETS.items():
            rec(name, combined(vote(ix, similarity(query, fields), base_value)))
        light = similarity(query, FIELD_SETS["fields answers 0.25 tags 0.25"])
        rec("fields 0.25/0.25 + accepted bonus 2", combined(vote(ix, light, values(bonus=2.0))))
        rec(
            "fields 0.25/0.25 + rank weights c50", combined(vote(ix, light, base_value, by_rank=50))
        )
        rec(
            "fields 0.25/0.25 + both",
            combined(vote(ix, light, values(bonus=2.0), by_rank=50)),
        )
        for name, value in other_values.items():
            rec(name, combined(vote(ix, sim, value)))
        for c in (5, 20, 50):
            rec(f"neighbours by rank c{c}", combined(vote(ix, sim, base_value, by_rank=c)))
        rec("votes / sqrt(answerers)", combined(vote(ix, sim, shared)))
        asked = {
            "query title twice": Query.of(f"{question.title}\n{question.title}\n{question.body}"),
            "query title only": Query.of(question.title),
            "query first 50 terms": Query(text="", terms=query.terms[:50], surface={}),
            "query first 100 terms": Query(text="", terms=query.terms[:100], surface={}),
        }
        for name, q in asked.items():
            rec(name, combined(vote(ix, similarity(q, DEPLOYED_FIELDS), base_value)))
        top = np.argpartition(-sim, min(100, len(sim)) - 1)[:100]
        near = np.zeros(len(sim))
        if float(sim[top].max()) > 0:
            near[top] = np.clip(sim[top], 0, None) / float(sim[top].max())
        for carry in (0.1, 0.25, 0.5):
            rec(f"pagerank carry {carry}", combined(ppr_vote(ix, near, carry)))
        for mu in (250, 1000, 4000):
            lm = profile.score(query.terms, mu)
            alone = np.where(profile.has, lm, -1e9)
            rec(f"profile model mu {mu}", alone)
            rec(
                f"profile model mu {mu} fused by rank",
                fuse_ranks(np.where(keep, deployed, -1e9), np.where(keep, alone, -1e9)),
            )
            for w in (0.25, 0.5, 1.0):
                rec(
                    f"profile model mu {mu} added x{w}", deployed + w * np.where(profile.has, lm, 0)
                )
        for a, acc in ((-0.25, 0.5), (-0.25, 0.75), (-0.5, 0.75), (-0.5, 1.0)):
            rec(
                f"answers {a} accepted {acc}",
                combined(features[:, 0], weights(answers=a, accepted=acc)),
            )
        best10 = np.argsort(-sim, kind="stable")[:10]
        near_tags = {t for i in best10 if sim[i] > 0 for t in ix.tags[i]}
        in_tags = np.zeros(len(sim), dtype=bool)
        for tag in near_tags:
            in_tags[tagged[tag]] = True
        topical = np.bincount(
            ix.c_person, weights=ix.c_recency * in_tags[ix.c_thread], minlength=len(ix.people)
        )
        for w in (0.5, 1.0, 2.0):
            rec(f"recent activity in the nearest tags x{w}", deployed + w * np.log1p(topical))


def analyse(rows: dict[str, list[tuple[str, float, int, float]]]) -> dict[str, Any]:
    keys = [(d, lo, q) for d, lo, q, _ in rows[DEPLOYED]]
    for name, found in rows.items():
        if [(d, lo, q) for d, lo, q, _ in found] != keys:
            raise RuntimeError(f"{name}: not the same questions as the deployed model")
    base = np.array([r for *_, r in rows[DEPLOYED]])
    names = [n for n in rows if n != DEPLOYED]
    gains = np.array([[r for *_, r in rows[n]] for n in names]) - base
    n = len(base)
    clusters: dict[tuple[str, int], int] = {}
    cluster = np.array([clusters.setdefault((d, q), len(clusters)) for d, _, q in keys])
    draws = np.random.default_rng(0).integers(0, n, size=(10_000, n))
    cdraws = np.random.default_rng(0).integers(0, len(clusters), size=(10_000, len(clusters)))
    size = np.bincount(cluster, minlength=len(clusters))[cdraws].sum(axis=1)
    mean = gains.mean(axis=1)
    se = gains.std(axis=1, ddof=1) / np.sqrt(n) + 1e-12
    rng = np.random.default_rng(0)
    worst = []
    for _ in range(2000):
        d = rng.integers(0, n, n)
        worst.append(float(np.max((gains[:, d].mean(axis=1) - mean) / se)))
    c = float(np.percentile(worst, 95))
    windows = sorted({lo for _, lo, _ in keys})
    lows = np.array([lo for _, lo, _ in keys])
    table: dict[str, Any] = {}
    for i, name in enumerate([DEPLOYED, *names]):
        values = base if i == 0 else base + gains[i - 1]
        entry: dict[str, Any] = {
            "mrr": round(float(values.mean()), 4),
            "windows": [round(float(values[lows == lo].mean()), 3) for lo in windows],
        }
        if i:
            g = gains[i - 1]
            per_cluster = np.bincount(cluster, weights=g, minlength=len(clusters))
            entry |= {
                "gain": round(float(g.mean()), 4),
                "ci95": [round(float(x), 4) for x in np.percentile(g[draws].mean(1), [2.5, 97.5])],
                "ci95_by_question": [
                    round(float(x), 4)
                    for x in np.percentile(per_cluster[cdraws].sum(1) / size, [2.5, 97.5])
                ],
                "simultaneous_lower": round(float(g.mean() - c * se[i - 1]), 4),
            }
        table[name] = entry
    out, rng = [], np.random.default_rng(0)
    for _ in range(1000):
        half = (rng.random(len(clusters)) < 0.5)[cluster]
        best = int(np.argmax(gains[:, half].mean(axis=1)))
        out.append(float(gains[best, ~half].mean()))
    return {
        "queries": n,
        "variants": len(names),
        "bm25_note": "BM25 on these windows: 0.2667 (practica eval --windows)",
        "split_half_gain_of_the_pick": {
            "mean": round(float(np.mean(out)), 4),
            "share_above_zero": round(float(np.mean(np.array(out) > 0)), 3),
        },
        "table": table,
    }


def markdown(report: dict[str, Any]) -> str:
    table = report["table"]
    lines = [
        f"# Who knows: blind study on the training-period windows ({report['date']})",
        "",
        f"{report['queries']} window questions, {report['variants']} variants; no test-period "
        "question read. Gain over the deployed model with paired bootstrap 95% intervals "
        "(by window question, and clustered by question); simultaneous = max-t lower bound "
        "over all variants. Split-half check: the best variant picked on a random half gains "
        f"{report['split_half_gain_of_the_pick']['mean']:+.4f} on the other half on average "
        f"(above zero in {report['split_half_gain_of_the_pick']['share_above_zero']:.0%} of "
        "1,000 splits).",
        "",
        "| variant | 20-40 | 30-50 | 40-60 | 50-70 | 60-80 | MRR | gain | 95% | 95% by question "
        "| simultaneous lower |",
        "|" + "---|" * 11,
    ]
    for name in sorted(table, key=lambda n: -table[n]["mrr"]):
        e = table[name]
        cells = " | ".join(f"{x:.3f}" for x in e["windows"])
        if name == DEPLOYED:
            lines.append(f"| **deployed** | {cells} | {e['mrr']:.4f} | | | | |")
            continue
        lo, hi = e["ci95"]
        clo, chi = e["ci95_by_question"]
        lines.append(
            f"| {name} | {cells} | {e['mrr']:.4f} | {e['gain']:+.4f} | {lo:+.4f} to {hi:+.4f} "
            f"| {clo:+.4f} to {chi:+.4f} | {e['simultaneous_lower']:+.4f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "dump_dir", type=Path, nargs="?", default=Path("../shared/data/stackexchange")
    )
    parser.add_argument("--out", type=Path, help="write weaving_windows_study.json and .md here")
    args = parser.parse_args()
    rows: dict[str, list[tuple[str, float, int, float]]] = defaultdict(list)
    dumps = sorted(p for p in args.dump_dir.iterdir() if (p / "Posts.xml").exists())
    for dump in dumps:
        corpus = read_corpus(dump)
        accepted_on = read_acceptance_days(dump, corpus)
        for lo, hi in WINDOWS:

            def record(name: str, lo: float, key: int, rr: float, site: str = dump.name) -> None:
                rows[name].append((site, lo, key, rr))

            score_window(corpus, lo, hi, accepted_on, record)
        print(f"{dump.name}: done", flush=True)
    report = {"date": datetime.now(UTC).date().isoformat(), "sites": [d.name for d in dumps]}
    report |= analyse(dict(rows))
    text = markdown(report)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "weaving_windows_study.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / "weaving_windows_study.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
