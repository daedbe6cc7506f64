"""Stage inputs over a trailing window that slides month by month.

Recomputing reciprocity and repeated pairs from scratch for every month's
trailing year costs a sort of a year of replies per month. Instead the window
keeps counts per pair and per person and, when it moves, adds the replies that
enter and removes those that leave, updating each figure from the pairs and
people touched: the whole history costs about one pass over it.

``series.stage_inputs`` computes the same figures directly for one window;
the tests hold the two to the same answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from practica.compass.analysis.activity import ASKING_KINDS, DAY, NOBODY, Activity
from practica.compass.analysis.derived import NEVER, Derived
from practica.compass.analysis.journey import RETURN_DAYS
from practica.compass.analysis.stats import distinct, rounded, share
from practica.compass.analysis.trust import REPEATED_AT_LEAST


class TrailingWindow:
    def __init__(
        self, activity: Activity, derived: Derived, *, earliest: int | None = None
    ) -> None:
        """``earliest``: no window will start before this time (the replies before it are
        left out of the pair counts; a few months to compute then cost a few months)."""
        a, d = activity, derived
        self.a, self.d = a, d
        n = max(a.n_people, 1)
        self.earliest = earliest
        #: Replies before this position in ``d.edge_time`` are left out.
        self.first_edge = int(np.searchsorted(d.edge_time, earliest)) if earliest is not None else 0
        source = d.edge_source[self.first_edge :].astype(np.int64)
        target = d.edge_target[self.first_edge :].astype(np.int64)
        # Directed pairs, and each pair's reverse (or -1 when nobody ever replied back).
        pairs, self.pair_of_edge = np.unique(source * n + target, return_inverse=True)
        reverse_code = (pairs % n) * n + pairs // n
        self.reverse = np.full(pairs.shape[0], -1, dtype=np.int64)
        if pairs.size:
            found = np.minimum(np.searchsorted(pairs, reverse_code), pairs.shape[0] - 1)
            self.reverse = np.where(pairs[found] == reverse_code, found, -1)
        low, high = np.minimum(source, target), np.maximum(source, target)
        _, self.upair_of_edge = np.unique(low * n + high, return_inverse=True)
        self.pair_count = np.zeros(pairs.shape[0], dtype=np.int64)
        self.upair_count = np.zeros(
            int(self.upair_of_edge.max()) + 1 if source.size else 0, np.int64
        )
        self.contributions = np.zeros(n, dtype=np.int64)
        self.asked = np.zeros(n, dtype=np.int64)
        self.helped = np.zeros(n, dtype=np.int64)
        asking = np.flatnonzero(np.isin(a.thread_kind, ASKING_KINDS))
        order = asking[np.argsort(a.thread_time[asking], kind="stable")]
        self.ask_time = a.thread_time[order]
        self.ask_author = a.thread_author[order]
        self.ask_first_reply = d.thread_first_other_reply[order]
        first = d.first_contribution
        has = np.flatnonzero(first != NEVER)
        by_first = has[np.argsort(first[has], kind="stable")]
        self.first_sorted = first[by_first]
        came_back = d.return_time[by_first] <= first[by_first] + RETURN_DAYS * DAY
        self.back_before = np.concatenate([[0], np.cumsum(came_back)])
        # Running totals.
        self.present_pairs = 0
        self.reciprocated = 0
        self.present_upairs = 0
        self.repeated_upairs = 0
        self.contributors = 0
        self.both = 0
        self.since: int | None = None
        self.until: int | None = None

    # Moving the window -------------------------------------------------------
    def move(self, since: int, until: int) -> None:
        """Make the window ``[since, until)``; cheap when it only moves forward."""
        if self.earliest is not None and since < self.earliest:
            raise ValueError("this window starts before the earliest it was built for")
        if self.since is None or self.until is None or since < self.since or until < self.until:
            self._reset()
            self._apply(since, until, +1)
        else:
            self._apply(self.until, until, +1)
            self._apply(self.since, min(since, until), -1)
        self.since, self.until = since, until

    def _reset(self) -> None:
        for array in (
            self.pair_count,
            self.upair_count,
            self.contributions,
            self.asked,
            self.helped,
        ):
            array[:] = 0
        self.present_pairs = self.reciprocated = self.present_upairs = 0
        self.repeated_upairs = self.contributors = self.both = 0

    def _apply(self, start: int, end: int, sign: int) -> None:
        if end <= start:
            return
        d = self.d
        lo, hi = np.searchsorted(d.edge_time, [start, end])
        # Positions among the replies kept (``start`` is never before the first of them).
        e_lo, e_hi = lo - self.first_edge, hi - self.first_edge
        c_lo, c_hi = np.searchsorted(d.contribution_time, [start, end])
        a_lo, a_hi = np.searchsorted(self.ask_time, [start, end])
        self._pairs(self.pair_of_edge[e_lo:e_hi], sign)
        self._upairs(self.upair_of_edge[e_lo:e_hi], sign)
        askers = self.ask_author[a_lo:a_hi]
        askers = askers[askers != NOBODY]
        self._people(d.contribution_person[c_lo:c_hi], askers, d.edge_source[lo:hi], sign)

    def _pairs(self, ids: np.ndarray, sign: int) -> None:
        if ids.size == 0:
            return
        touched, times = np.unique(ids, return_counts=True)
        rev = self.reverse[touched]
        affected = distinct(np.concatenate([touched, rev[rev >= 0]]))
        before_present = self.pair_count[touched] > 0
        before_recip = self._reciprocated_among(affected)
        self.pair_count[touched] += sign * times
        self.present_pairs += int(np.count_nonzero(self.pair_count[touched] > 0)) - int(
            np.count_nonzero(before_present)
        )
        self.reciprocated += self._reciprocated_among(affected) - before_recip

    def _reciprocated_among(self, pairs: np.ndarray) -> int:
        rev = self.reverse[pairs]
        ok = rev >= 0
        return int(
            np.count_nonzero((self.pair_count[pairs[ok]] > 0) & (self.pair_count[rev[ok]] > 0))
        )

    def _upairs(self, ids: np.ndarray, sign: int) -> None:
        if ids.size == 0:
            return
        touched, times = np.unique(ids, return_counts=True)
        before = self.upair_count[touched]
        after = before + sign * times
        self.upair_count[touched] = after
        self.present_upairs += int(np.count_nonzero(after > 0)) - int(np.count_nonzero(before > 0))
        self.repeated_upairs += int(np.count_nonzero(after >= REPEATED_AT_LEAST)) - int(
            np.count_nonzero(before >= REPEATED_AT_LEAST)
        )

    def _people(
        self, contributors: np.ndarray, askers: np.ndarray, helpers: np.ndarray, sign: int
    ) -> None:
        touched = distinct(np.concatenate([contributors, askers, helpers]).astype(np.int64))
        if touched.size == 0:
            return
        before_present = np.count_nonzero(self.contributions[touched] > 0)
        before_both = np.count_nonzero((self.asked[touched] > 0) & (self.helped[touched] > 0))
        np.add.at(self.contributions, contributors, sign)
        np.add.at(self.asked, askers, sign)
        np.add.at(self.helped, helpers, sign)
        self.contributors += int(np.count_nonzero(self.contributions[touched] > 0)) - int(
            before_present
        )
        self.both += int(
            np.count_nonzero((self.asked[touched] > 0) & (self.helped[touched] > 0))
        ) - int(before_both)

    # Reading the figures ------------------------------------------------------
    def inputs(self) -> dict[str, dict[str, Any]]:
        """The stage inputs for the current window (same shape as ``series.stage_inputs``)."""
        assert self.since is not None and self.until is not None
        return {
            "people": {
                "contributors": self.contributors,
                "ask_and_answer_share": rounded(share(self.both, self.contributors)),
            },
            "trust": {
                "reciprocity": rounded(share(self.reciprocated, self.present_pairs)),
                "repeated_pair_share": rounded(share(self.repeated_upairs, self.present_upairs)),
            },
            "newcomers": {"retention_90d": rounded(self._retention())},
            "responsiveness": {"answered_share": rounded(self._answered())},
        }

    def _retention(self) -> float | None:
        assert self.since is not None and self.until is not None
        last_first = self.until - RETURN_DAYS * DAY
        if last_first < self.since:
            return None
        lo = int(np.searchsorted(self.first_sorted, self.since, side="left"))
        hi = int(np.searchsorted(self.first_sorted, last_first, side="right"))
        return share(int(self.back_before[hi] - self.back_before[lo]), hi - lo)

    def _answered(self) -> float | None:
        assert self.since is not None and self.until is not None
        lo, hi = np.searchsorted(self.ask_time, [self.since, self.until])
        answered = np.count_nonzero(self.ask_first_reply[lo:hi] < self.until)
        return share(int(answered), int(hi - lo))
