"""Responsiveness: do questions and asks get a reply from someone else, how fast, and are
they resolved?"""

from __future__ import annotations

import numpy as np

from practica.compass.analysis.activity import ASKING_KINDS, HOUR, Activity, Window
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.registry import FigureContext, Section
from practica.compass.analysis.stats import median, rounded, share

LABELS = {
    "asks": "Questions and asks",
    "answered": "Answered by someone else",
    "answered_share": "Share answered by someone else",
    "median_hours_to_reply": "Median hours to the first reply",
    "resolved": "Resolved (a reply accepted)",
    "resolved_share": "Share resolved",
}


def asking_threads(activity: Activity, window: Window) -> np.ndarray:
    """Questions and asks started in the window."""
    mask = np.isin(activity.thread_kind, ASKING_KINDS) & window.mask(activity.thread_time)
    return np.flatnonzero(mask)


def answered_share(activity: Activity, derived: Derived, window: Window) -> float | None:
    asks = asking_threads(activity, window)
    end = window.end(activity)
    answered = np.count_nonzero(derived.thread_first_other_reply[asks] < end)
    return share(int(answered), asks.shape[0])


def responsiveness_section(ctx: FigureContext) -> Section:
    a, d = ctx.activity, ctx.derived
    asks = asking_threads(a, ctx.window)
    first_reply = d.thread_first_other_reply[asks]
    answered = first_reply < ctx.end
    waits = (first_reply[answered] - a.thread_time[asks][answered]) / HOUR
    resolved_time = a.thread_resolved_time[asks]
    resolved = int(np.count_nonzero((resolved_time >= 0) & (resolved_time < ctx.end)))
    n = int(asks.shape[0])
    return Section(
        figures={
            "asks": n,
            "answered": int(np.count_nonzero(answered)),
            "answered_share": rounded(share(int(np.count_nonzero(answered)), n)),
            "median_hours_to_reply": rounded(median(np.maximum(waits, 0.0)), 2),
            "resolved": resolved,
            "resolved_share": rounded(share(resolved, n)),
        }
    )
