"""The plain baselines the issue asks us to beat, run side by side with ours.

Plain BM25: bm25s with Lucene's defaults, English stop words, no stemming,
over a question's title and body. For who_knows, similar past questions vote
for the people who answered them with their BM25 scores. Popularity ranks
people by how many answers they gave before the test period.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from practica.weaving.engine.bm25 import TermIndex
from practica.weaving.engine.records import Corpus, ThreadDoc
from practica.weaving.engine.text import clean_text, words


def _text(thread: ThreadDoc) -> str:
    return clean_text(f"{thread.title} {thread.body}")


class PlainBM25Threads:
    def __init__(self, threads: list[ThreadDoc]) -> None:
        self.keys = np.array([t.key for t in threads])
        self.index = TermIndex([words(_text(t)) for t in threads])

    def scores(self, text: str) -> np.ndarray:
        return self.index.scores(words(text))

    def rank(self, text: str, *, exclude: int | None = None, k: int = 10) -> list[int]:
        scores = self.scores(text)
        order = np.argsort(-scores, kind="stable")
        ranked = [int(self.keys[i]) for i in order[: k + 1] if scores[i] > 0]
        return [key for key in ranked if key != exclude][:k]


class PlainBM25People:
    """Similar past questions vote for their answerers with their BM25 scores."""

    def __init__(self, train: Corpus) -> None:
        self.threads = PlainBM25Threads(train.threads)
        answerers: dict[int, set[int]] = defaultdict(set)
        for reply in train.replies:
            if reply.kind == "answer" and reply.author is not None:
                answerers[reply.thread].add(reply.author)
        self.answerers = [answerers.get(int(k), set()) for k in self.threads.keys]

    def rank(self, text: str, *, candidates: frozenset[int], exclude: int | None) -> list[int]:
        scores = self.threads.scores(text)
        votes: dict[int, float] = defaultdict(float)
        for i in np.flatnonzero(scores > 0):
            for person in self.answerers[i]:
                votes[person] += float(scores[i])
        ranked = sorted(votes, key=lambda p: (-votes[p], p))
        return [p for p in ranked if p in candidates and p != exclude]


class Popularity:
    def __init__(self, train: Corpus) -> None:
        counts = Counter(
            r.author for r in train.replies if r.kind == "answer" and r.author is not None
        )
        self.order = [p for p, _ in counts.most_common()]

    def rank(self, text: str, *, candidates: frozenset[int], exclude: int | None) -> list[int]:
        return [p for p in self.order if p in candidates and p != exclude]
