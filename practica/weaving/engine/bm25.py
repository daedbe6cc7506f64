"""A thin wrapper over bm25s: index token lists, score every document for a query."""

from __future__ import annotations

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
