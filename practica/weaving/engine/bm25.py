"""A thin wrapper over bm25s: index token lists, score every document for a query."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Sequence

import numpy as np

os.environ.setdefault("DISABLE_TQDM", "1")
import bm25s  # reads DISABLE_TQDM when imported, hence after the line above

logging.getLogger("bm25s").setLevel(logging.WARNING)

# Lucene's defaults: the baseline everyone reports.
LUCENE_K1 = 1.2
LUCENE_B = 0.75


class TermIndex:
    """BM25 over one field of ``n`` documents; documents may be empty."""

    def __init__(
        self, docs: Sequence[Sequence[str]], *, k1: float = LUCENE_K1, b: float = LUCENE_B
    ) -> None:
        self.size = len(docs)
        self._model = bm25s.BM25(method="lucene", k1=k1, b=b)
        # bm25s needs at least one token overall; an empty corpus scores zero everywhere.
        self._empty = not any(docs)
        if not self._empty:
            self._model.index([list(d) for d in docs], show_progress=False)
            self._vocab: dict[str, int] = self._model.vocab_dict

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """A score per document (zeros when no query term is known)."""
        if self._empty:
            return np.zeros(self.size, dtype=np.float32)
        ids = [self._vocab[t] for t in query if t in self._vocab]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float32)


class FieldedIndex:
    """BM25 (Lucene variant) over several fields of the same documents, summed with weights.

    Every field is scored as ``TermIndex`` scores it (its own document frequencies
    and lengths); the weighted scores are then folded into one term-by-document
    matrix, so a query is one pass over its terms' postings (``np.bincount``)
    instead of one per field. Built with numpy over flat arrays, not per document.
    """

    def __init__(
        self,
        fields: dict[str, Sequence[Sequence[str]]],
        weights: dict[str, float],
        *,
        k1: float = LUCENE_K1,
        b: float = LUCENE_B,
    ) -> None:
        sizes = {len(docs) for docs in fields.values()}
        if len(sizes) > 1:
            raise ValueError("every field needs one entry per document")
        self.size = sizes.pop() if sizes else 0
        self.vocab: dict[str, int] = {}
        terms_: list[np.ndarray] = []
        docs_: list[np.ndarray] = []
        scores_: list[np.ndarray] = []
        for name, docs in fields.items():
            weight = weights.get(name, 0.0)
            if not weight or not self.size:
                continue
            term, doc, score = self._field(docs, k1=k1, b=b)
            terms_.append(term)
            docs_.append(doc)
            scores_.append(score * np.float32(weight))
        n_terms = len(self.vocab)
        if not terms_ or not n_terms:
            self._indptr = np.zeros(n_terms + 1, dtype=np.int64)
            self._docs = np.zeros(0, dtype=np.int32)
            self._scores = np.zeros(0, dtype=np.float32)
            return
        # One entry per (term, document): the fields' weighted scores added up.
        key = np.concatenate(terms_).astype(np.int64) * self.size + np.concatenate(docs_)
        unique, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate(scores_), minlength=len(unique))
        term = unique // self.size
        self._docs = (unique % self.size).astype(np.int32)
        self._scores = summed.astype(np.float32)
        self._indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(term, minlength=n_terms), out=self._indptr[1:])

    def _field(
        self, docs: Sequence[Sequence[str]], *, k1: float, b: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        vocab = self.vocab
        for term in sorted(set().union(*docs)):
            vocab.setdefault(term, len(vocab))
        flat = np.fromiter(
            map(vocab.__getitem__, itertools.chain.from_iterable(docs)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        n = len(docs)
        doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
        width = max(len(vocab), 1)
        pairs, tf = np.unique(doc * width + flat, return_counts=True)
        doc_of, term_of = pairs // width, pairs % width
        df = np.bincount(term_of, minlength=width)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        average = float(lengths.mean()) if n else 0.0
        norm = k1 * ((1 - b) + b * lengths[doc_of] / (average or 1.0))
        tf32 = tf.astype(np.float32)
        score = idf[term_of] * (tf32 / (norm.astype(np.float32) + tf32))
        return term_of, doc_of, score.astype(np.float32)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """A score per document; a term repeated in the query counts as often as it appears."""
        counts: dict[int, int] = {}
        for t in query:
            at = self.vocab.get(t)
            if at is not None:
                counts[at] = counts.get(at, 0) + 1
        if not counts:
            return np.zeros(self.size, dtype=np.float32)
        starts = self._indptr
        docs = [self._docs[starts[t] : starts[t + 1]] for t in counts]
        weights = [
            self._scores[starts[t] : starts[t + 1]] * np.float32(m) if m > 1 else
            self._scores[starts[t] : starts[t + 1]]
            for t, m in counts.items()
        ]  # fmt: skip
        total = np.bincount(
            np.concatenate(docs), weights=np.concatenate(weights), minlength=self.size
        )
        return total.astype(np.float32)
