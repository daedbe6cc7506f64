"""Monthly series: what happened each calendar month, and where the community stood then.

A month's row reads only what happened before its end plus ``LOOKAHEAD_DAYS``
(a question asked on the 31st still has 30 days to be answered), so once that
time has passed the row never changes: stored rows are kept and only later
months are computed again (see ``first_changed_month``).

Stage inputs for a month are the stage figures over the 12 months up to its end
(a trailing year), so the history shows the community's journey rather than the
noise of single months.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from practica.compass.analysis.activity import (
    ASKING_KINDS,
    DAY,
    HOUR,
    Activity,
    Window,
    month_index,
    month_label,
    month_start,
)
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.graph import reciprocity, repeated_pairs
from practica.compass.analysis.journey import retention
from practica.compass.analysis.stats import distinct, gini, median, rounded, share
from practica.compass.analysis.trailing import TrailingWindow
from practica.compass.analysis.trust import REPEATED_AT_LEAST

LOOKAHEAD_DAYS = 30
TRAILING_MONTHS = 12

#: The columns of a month's row, in order, with what they mean (for CSV headers and docs).
COLUMNS: dict[str, str] = {
    "month": "calendar month (UTC), YYYY-MM",
    "contributors": "people who wrote a thread or reply that month",
    "newcomers": "people whose first contribution was that month",
    "returning": "contributors that month who had contributed before",
    "threads": "threads started",
    "replies": "replies written",
    "asks": "questions and asks started",
    "answered_30d_share": "share of those asks answered by someone else within 30 days",
    "median_hours_to_reply": "median hours to that first reply (replies within 30 days)",
    "resolved_30d_share": "share of those asks resolved (reply accepted) within 30 days",
    "gini": "participation inequality that month (Gini over contributions per person)",
    "contributors_12m": "contributors over the 12 months up to the month's end",
    "ask_and_answer_share_12m": "share of those who both asked and replied to someone else",
    "reciprocity_12m": "reply-graph reciprocity over the 12 months",
    "repeated_pair_share_12m": "share of pairs with 3 or more interactions over the 12 months",
    "retention_90d_12m": "share of the 12 months' newcomers who came back within 90 days",
    "answered_share_12m": "share of the 12 months' asks answered by someone else",
    "stage": "the stage the rules give for the 12 months up to the month's end",
}

Row = dict[str, Any]
StageOf = Callable[[Mapping[str, Mapping[str, Any]]], str]


@dataclass(frozen=True)
class _Sorted:
    """Time-sorted views of what the monthly loop slices, built once."""

    contribution_time: np.ndarray
    contribution_person: np.ndarray
    edge_time: np.ndarray
    thread_order: np.ndarray
    thread_time: np.ndarray
    reply_time: np.ndarray


def months_of(activity: Activity) -> list[int]:
    """Every month from the first to the last contribution (empty without activity)."""
    times = np.concatenate([activity.thread_time, activity.reply_time])
    if times.size == 0:
        return []
    months = month_index(np.array([times.min(), times.max()], dtype=np.int64))
    return list(range(int(months[0]), int(months[1]) + 1))


def first_changed_month(earliest_new_time: int) -> int:
    """The first month whose row can change when something dated ``earliest_new_time`` arrives."""
    horizon = np.array([earliest_new_time - LOOKAHEAD_DAYS * DAY], dtype=np.int64)
    return int(month_index(horizon)[0])


def stage_inputs(activity: Activity, derived: Derived, window: Window) -> dict[str, dict[str, Any]]:
    """The figures the stage rules read, for any window, computed cheaply (no clustering)."""
    from practica.compass.analysis.people import ask_and_answer_share
    from practica.compass.analysis.responsiveness import answered_share

    edges = window.mask(derived.edge_time)
    source, target = derived.edge_source[edges], derived.edge_target[edges]
    contributors = distinct(derived.contribution_person[window.mask(derived.contribution_time)])
    kept, _ = retention(activity, derived, window)
    return {
        "people": {
            "contributors": int(contributors.shape[0]),
            "ask_and_answer_share": rounded(ask_and_answer_share(activity, derived, window)),
        },
        "trust": {
            "reciprocity": rounded(reciprocity(source, target)),
            "repeated_pair_share": rounded(_repeated_share(source, target)),
        },
        "newcomers": {"retention_90d": rounded(kept)},
        "responsiveness": {"answered_share": rounded(answered_share(activity, derived, window))},
    }


def _repeated_share(source: np.ndarray, target: np.ndarray) -> float | None:
    if source.size == 0:
        return None
    low = np.minimum(source, target).astype(np.int64)
    high = np.maximum(source, target).astype(np.int64)
    n = int(high.max()) + 1
    _, weight = np.unique(low * n + high, return_counts=True)
    return repeated_pairs(weight, REPEATED_AT_LEAST)[1]


def monthly_rows(
    activity: Activity,
    derived: Derived,
    *,
    stage_of: StageOf,
    months: list[int] | None = None,
) -> list[Row]:
    """One row per month (all months of the activity unless ``months`` names some)."""
    wanted = months_of(activity) if months is None else months
    if not wanted:
        return []
    s = _sorted(activity, derived)
    # The earliest window any of these months reads: replies before it are not counted.
    earliest = month_start(min(wanted) - TRAILING_MONTHS + 1)
    trailing = TrailingWindow(activity, derived, earliest=earliest)
    return [_row(activity, derived, s, trailing, m, stage_of) for m in sorted(wanted)]


def _sorted(activity: Activity, derived: Derived) -> _Sorted:
    order = np.argsort(activity.thread_time, kind="stable")
    return _Sorted(
        contribution_time=derived.contribution_time,
        contribution_person=derived.contribution_person,
        edge_time=derived.edge_time,
        thread_order=order,
        thread_time=activity.thread_time[order],
        reply_time=np.sort(activity.reply_time),
    )


def _row(
    a: Activity, d: Derived, s: _Sorted, trailing: TrailingWindow, month: int, stage_of: StageOf
) -> Row:
    start, end = month_start(month), month_start(month + 1)
    lo, hi = np.searchsorted(s.contribution_time, [start, end])
    persons = s.contribution_person[lo:hi]
    per_person = np.bincount(persons, minlength=a.n_people)
    active = np.flatnonzero(per_person)
    first = d.first_contribution[active]
    newcomers = int(np.count_nonzero(first >= start))
    t_lo, t_hi = np.searchsorted(s.thread_time, [start, end])
    threads = s.thread_order[t_lo:t_hi]
    asks = threads[np.isin(a.thread_kind[threads], ASKING_KINDS)]
    waits = d.thread_first_other_reply[asks] - a.thread_time[asks]
    answered = waits <= LOOKAHEAD_DAYS * DAY
    resolved_after = a.thread_resolved_time[asks] - a.thread_time[asks]
    resolved = (a.thread_resolved_time[asks] >= 0) & (resolved_after <= LOOKAHEAD_DAYS * DAY)
    trailing.move(month_start(month - TRAILING_MONTHS + 1), end)
    inputs = trailing.inputs()
    n_asks = int(asks.shape[0])
    return {
        "month": month_label(month),
        "contributors": int(active.shape[0]),
        "newcomers": newcomers,
        "returning": int(active.shape[0]) - newcomers,
        "threads": int(threads.shape[0]),
        "replies": int(np.diff(np.searchsorted(s.reply_time, [start, end]))[0]),
        "asks": n_asks,
        "answered_30d_share": rounded(share(int(answered.sum()), n_asks)),
        "median_hours_to_reply": rounded(median(np.maximum(waits[answered], 0) / HOUR), 2),
        "resolved_30d_share": rounded(share(int(resolved.sum()), n_asks)),
        "gini": rounded(gini(per_person[active])),
        "contributors_12m": inputs["people"]["contributors"],
        "ask_and_answer_share_12m": inputs["people"]["ask_and_answer_share"],
        "reciprocity_12m": inputs["trust"]["reciprocity"],
        "repeated_pair_share_12m": inputs["trust"]["repeated_pair_share"],
        "retention_90d_12m": inputs["newcomers"]["retention_90d"],
        "answered_share_12m": inputs["responsiveness"]["answered_share"],
        "stage": stage_of(inputs),
    }
