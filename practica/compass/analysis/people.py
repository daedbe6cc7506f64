"""People: who contributes, who is new, who returns, and how evenly the work is shared."""

from __future__ import annotations

import numpy as np

from practica.compass.analysis.activity import ASKING_KINDS, NOBODY, Activity, Window
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.registry import FigureContext, Section
from practica.compass.analysis.stats import gini, rounded, share, top_share

LABELS = {
    "contributors": "Contributors",
    "newcomers": "Newcomers",
    "returning": "Returning contributors",
    "contributions": "Contributions",
    "gini": "Participation inequality (Gini)",
    "top1_share": "Share of contributions by the top 1%",
    "top10_share": "Share of contributions by the top 10%",
    "askers": "People who asked",
    "helpers": "People who replied to someone else",
    "ask_and_answer_share": "Share who both ask and answer",
}


def ask_and_answer_share(activity: Activity, derived: Derived, window: Window) -> float | None:
    """Of the contributors in the window, the share who both asked (started a question or an
    ask) and replied to someone else: peers, rather than an audience and a few broadcasters."""
    askers, helpers, contributors = _askers_helpers(activity, derived, window)
    both = np.intersect1d(askers, helpers, assume_unique=True).shape[0]
    return share(both, contributors)


def _askers_helpers(
    activity: Activity, derived: Derived, window: Window
) -> tuple[np.ndarray, np.ndarray, int]:
    """Who asked, who replied to someone else (ascending indices), and how many contributed."""
    n = activity.n_people
    asking = np.isin(activity.thread_kind, ASKING_KINDS) & window.mask(activity.thread_time)
    authors = activity.thread_author[asking]
    askers = _marked(authors[authors != NOBODY], n)
    helpers = _marked(derived.edge_source[window.mask(derived.edge_time)], n)
    contributors = _marked(derived.contribution_person[window.mask(derived.contribution_time)], n)
    return askers, helpers, int(contributors.shape[0])


def _marked(people: np.ndarray, n: int) -> np.ndarray:
    """The distinct values of ``people`` (indices below ``n``), ascending, without a sort."""
    seen = np.zeros(n, dtype=bool)
    seen[people] = True
    return np.flatnonzero(seen)


def people_section(ctx: FigureContext) -> Section:
    d = ctx.derived
    per_person = ctx.contributions_per_person
    contributors = ctx.contributors
    counts = per_person[contributors]
    first = d.first_contribution[contributors]
    newcomers = int(np.count_nonzero(ctx.window.mask(first)))
    askers, helpers, _ = _askers_helpers(ctx.activity, d, ctx.window)
    both = np.intersect1d(askers, helpers, assume_unique=True).shape[0]
    n = int(contributors.shape[0])
    return Section(
        figures={
            "contributors": n,
            "newcomers": newcomers,
            "returning": n - newcomers,
            "contributions": int(per_person.sum()),
            "gini": rounded(gini(counts)),
            "top1_share": rounded(top_share(counts, 0.01)),
            "top10_share": rounded(top_share(counts, 0.10)),
            "askers": int(askers.shape[0]),
            "helpers": int(helpers.shape[0]),
            "ask_and_answer_share": rounded(share(both, n)),
        }
    )
