"""Lived before: which earlier threads and stories are closest to a text.

A weighted sum of BM25 scores over separate fields (a simple BM25F): the
title and the body say what a thread is about, the answers and tags add the
words the community used when it resolved it. Weights were chosen on the
evaluation dumps and are explained in docs/weaving.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from practica.weaving.engine.bm25 import FieldedIndex
from practica.weaving.engine.records import Corpus, ThreadDoc
from practica.weaving.engine.text import clean_text, terms, terms_of_many, words

FIELD_WEIGHTS: dict[str, float] = {"title": 1.0, "body": 1.0, "answers": 0.5, "tags": 0.5}
# With sentence vectors (optional): the share of the cosine in the fused score, and the
# cosine a thread needs to be suggested when it shares no word with the query.
DENSE_SHARE = 0.5
DENSE_ALONE = 0.45


@dataclass(frozen=True, slots=True)
class Query:
    """A text once analysed: its terms, and a readable word for each stem."""

    text: str
    terms: tuple[str, ...]
    surface: dict[str, str]

    @classmethod
    def of(cls, text: str) -> Query:
        cleaned = clean_text(text)
        plain = words(cleaned)
        stems = terms(cleaned)
        surface: dict[str, str] = {}
        for word, stem in zip(plain, stems, strict=True):
            surface.setdefault(stem, word)
        return cls(text=cleaned, terms=tuple(stems), surface=surface)


@dataclass(frozen=True, slots=True)
class RelatedHit:
    key: int
    score: float
    why: str


def thread_text(thread: ThreadDoc) -> str:
    return clean_text(thread.body)


def _tag_text(tags: Sequence[str]) -> str:
    return " ".join(t.replace("-", " ") for t in tags)


def tag_terms(tags: Sequence[str]) -> list[str]:
    return terms(_tag_text(tags))


class RelatedIndex:
    """Every thread of a corpus, scored against a query in one pass per field."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        weights: dict[str, float] | None = None,
        vectors: np.ndarray | None = None,
        encode: Callable[[list[str]], np.ndarray] | None = None,
    ) -> None:
        """``vectors`` (one unit vector per thread, in corpus order) and ``encode`` (texts to
        unit vectors) add a sentence-embedding similarity to the lexical one."""
        self.weights = dict(FIELD_WEIGHTS if weights is None else weights)
        self.vectors = vectors if encode is not None else None
        self.encode = encode
        self.threads = list(corpus.threads)
        self.keys = np.array([t.key for t in self.threads], dtype=np.int64)
        self.position = {t.key: i for i, t in enumerate(self.threads)}
        answers: dict[int, list[str]] = defaultdict(list)
        for reply in corpus.replies:
            if reply.kind == "answer":
                answers[reply.thread].append(reply.body)
        self._title = terms_of_many(clean_text(t.title) for t in self.threads)
        self._tags = terms_of_many(_tag_text(t.tags) for t in self.threads)
        self._answers = terms_of_many(
            clean_text(" ".join(answers.get(t.key, ()))) for t in self.threads
        )
        self.index = FieldedIndex(
            {
                "title": self._title,
                "body": terms_of_many(thread_text(t) for t in self.threads),
                "answers": self._answers,
                "tags": self._tags,
            },
            self.weights,
        )

    def __len__(self) -> int:
        return len(self.threads)

    def scores(self, query: Query) -> np.ndarray:
        total = self.index.scores(query.terms)
        if self.vectors is None or self.encode is None or not len(self.threads):
            return total
        # Both scales brought to [0, 1]: BM25 relative to the best thread, the cosine as is.
        cosine = np.clip(self.vectors @ self.encode([query.text])[0], 0.0, None)
        lexical = total / (float(total.max()) or 1.0)
        fused = (1 - DENSE_SHARE) * lexical + DENSE_SHARE * cosine
        # A thread sharing no word must be close in meaning to be suggested at all.
        return np.where((total > 0) | (cosine >= DENSE_ALONE), fused, 0.0).astype(np.float32)

    def rank(
        self,
        query: Query,
        *,
        k: int = 10,
        allowed: np.ndarray | None = None,
        exclude: frozenset[int] = frozenset(),
    ) -> list[RelatedHit]:
        """The ``k`` best threads among ``allowed`` (a boolean mask), best first."""
        scores = self.scores(query)
        return self.top(scores, query, k=k, allowed=allowed, exclude=exclude)

    def top(
        self,
        scores: np.ndarray,
        query: Query,
        *,
        k: int,
        allowed: np.ndarray | None = None,
        exclude: frozenset[int] = frozenset(),
        explain: bool = True,
    ) -> list[RelatedHit]:
        """The best ``k`` by ``scores``; ``explain=False`` leaves ``why`` empty (callers that
        filter the hits further explain only those they keep, with ``why``)."""
        candidates = scores > 0
        if allowed is not None:
            candidates &= allowed
        for key in exclude:
            if key in self.position:
                candidates[self.position[key]] = False
        found = np.flatnonzero(candidates)
        if len(found) > k:
            found = found[np.argpartition(-scores[found], k - 1)[:k]]
        # Ties break on the newer thread first, then on the id, so results are stable.
        order = sorted(found, key=lambda i: (-float(scores[i]), -int(self.keys[i])))
        return [
            RelatedHit(
                key=int(self.keys[i]),
                score=float(scores[i]),
                why=self.why(int(i), query) if explain else "",
            )
            for i in order
        ]

    def why(self, position: int, query: Query) -> str:
        """A short, readable reason: the words shared with the title, tags and answers."""
        wanted = set(query.terms)
        parts = []
        in_title = [query.surface[t] for t in dict.fromkeys(self._title[position]) if t in wanted]
        if in_title:
            parts.append("title mentions " + ", ".join(in_title[:4]))
        thread = self.threads[position]
        tags = [tag for tag in thread.tags if wanted & set(tag_terms([tag]))]
        if tags:
            parts.append("tagged " + ", ".join(tags[:3]))
        in_answers = [
            query.surface[t]
            for t in dict.fromkeys(self._answers[position])
            if t in wanted and query.surface[t] not in in_title
        ]
        if in_answers:
            parts.append("answers discuss " + ", ".join(in_answers[:4]))
        return "; ".join(parts) or "similar wording in the body"
