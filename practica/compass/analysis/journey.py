"""The newcomer journey (legitimate peripheral participation, Lave & Wenger 1991): do
newcomers come back, start helping others, and move from the periphery into the core?"""

from __future__ import annotations

import numpy as np

from practica.compass.analysis.activity import DAY, Activity, Window, month_index, month_label
from practica.compass.analysis.derived import NEVER, Derived
from practica.compass.analysis.graph import core_threshold
from practica.compass.analysis.registry import FigureContext, Section
from practica.compass.analysis.stats import distinct, median, rounded, share

RETURN_DAYS = 90
#: The core is "renewed" by people who arrived within this many days of the window's end.
RENEWAL_DAYS = 365

LABELS = {
    "newcomers": "Newcomers",
    "retention_eligible": "Newcomers who arrived 90 days or more before the end",
    "retention_90d": "Share who contribute again within 90 days",
    "gave_reply_share": "Share who went on to reply to someone else",
    "median_days_to_first_help": "Median days from first contribution to first reply to someone",
    "reached_core_share": "Share of newcomers now in the core",
    "core_renewal_share": "Share of the core who arrived in the last year",
}


def newcomers_in(derived: Derived, window: Window) -> np.ndarray:
    first = derived.first_contribution
    return np.flatnonzero(window.mask(first) & (first != NEVER))


def retention(activity: Activity, derived: Derived, window: Window) -> tuple[float | None, int]:
    """Share of the window's newcomers, among those who had 90 days to do so before its end,
    who contributed again (more than a day after their first) within 90 days."""
    end = window.end(activity)
    people = newcomers_in(derived, window)
    first = derived.first_contribution[people]
    eligible = first <= end - RETURN_DAYS * DAY
    back = derived.return_time[people][eligible] <= first[eligible] + RETURN_DAYS * DAY
    n = int(eligible.sum())
    return share(int(np.count_nonzero(back)), n), n


def journey_section(ctx: FigureContext) -> Section:
    a, d = ctx.activity, ctx.derived
    end = ctx.end
    people = newcomers_in(d, ctx.window)
    first = d.first_contribution[people]
    kept, eligible = retention(a, d, ctx.window)
    helped_at = d.first_reply_given[people]
    helped = helped_at < end
    in_core = _core_people(ctx)
    reached = np.isin(people, in_core)
    core_first = d.first_contribution[in_core]
    renewed = np.count_nonzero(core_first >= end - RENEWAL_DAYS * DAY)
    figures = {
        "newcomers": int(people.shape[0]),
        "retention_eligible": eligible,
        "retention_90d": rounded(kept),
        "gave_reply_share": rounded(share(int(helped.sum()), people.shape[0])),
        "median_days_to_first_help": rounded(median((helped_at[helped] - first[helped]) / DAY), 1),
        "reached_core_share": rounded(share(int(reached.sum()), people.shape[0])),
        "core_renewal_share": rounded(share(int(renewed), in_core.shape[0])),
        "cohorts": _cohorts(d, people, first, reached, end),
    }
    return Section(figures=figures)


def _core_people(ctx: FigureContext) -> np.ndarray:
    cores = ctx.coreness
    return np.sort(ctx.graph.people[cores >= core_threshold(cores)])


def _cohorts(
    d: Derived, people: np.ndarray, first: np.ndarray, reached: np.ndarray, end: int
) -> list[dict[str, object]]:
    """Per month of arrival: how many came, how many came back, how many are now in the core."""
    if people.size == 0:
        return []
    months = month_index(first)
    back = d.return_time[people] <= first + RETURN_DAYS * DAY
    eligible = first <= end - RETURN_DAYS * DAY
    out = []
    for m in distinct(months).tolist():
        cohort = months == m
        n_eligible = int(np.count_nonzero(cohort & eligible))
        out.append(
            {
                "month": month_label(m),
                "newcomers": int(cohort.sum()),
                "retention_90d": rounded(
                    share(int(np.count_nonzero(cohort & eligible & back)), n_eligible)
                ),
                "reached_core_share": rounded(
                    share(int(np.count_nonzero(cohort & reached)), int(cohort.sum()))
                ),
            }
        )
    return out
