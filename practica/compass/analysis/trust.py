"""Trust signals: help returned, help acknowledged, relationships that repeat, people who stay."""

from __future__ import annotations

import numpy as np

from practica.compass.analysis.activity import DAY, NOBODY, VERB_CODE, Activity, Window
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.graph import ReplyGraph, repeated_pairs
from practica.compass.analysis.registry import FigureContext, Section
from practica.compass.analysis.stats import distinct, median, rounded, share

#: Interactions that make a pair "repeated": more than a one-off exchange.
REPEATED_AT_LEAST = 3
#: How long counts as staying.
STAY_DAYS = 180
TOP_SHOWN = 10

LABELS = {
    "reciprocity": "Reciprocity",
    "repeated_pairs": "Pairs with 3 or more interactions",
    "repeated_pair_share": "Share of pairs that interact 3 or more times",
    "acknowledgements": "Acknowledgements (this helped me)",
    "acceptances": "Accepted replies",
    "helped_pairs": "Pairs where one helped the other",
    "acknowledged_share": "Share of contributors acknowledged or accepted",
    "mutual_help_share": "Share of helping pairs that helped both ways",
    "median_tenure_days": "Median days between first and last contribution",
    "stayed_share": "Share who stayed 6 months or more",
}


def repeated_pair_share(derived: Derived, window: Window) -> float | None:
    mask = window.mask(derived.edge_time)
    g = ReplyGraph.from_replies(derived.edge_source[mask], derived.edge_target[mask])
    return repeated_pairs(g.pair_weight, REPEATED_AT_LEAST)[1]


def _help_events(activity: Activity, window: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    helped = np.isin(activity.event_verb, (VERB_CODE["acknowledged"], VERB_CODE["accepted"]))
    helped &= window.mask(activity.event_time)
    helped &= (activity.event_actor != NOBODY) & (activity.event_target != NOBODY)
    helped &= activity.event_actor != activity.event_target
    return activity.event_target[helped], activity.event_actor[helped], activity.event_verb[helped]


def trust_section(ctx: FigureContext) -> Section:
    a = ctx.activity
    count, repeated_share = repeated_pairs(ctx.graph.pair_weight, REPEATED_AT_LEAST)
    helper, helped, verb = _help_events(a, ctx.window)
    n = max(a.n_people, 1)
    pair_codes, pair_counts = np.unique(
        helper.astype(np.int64) * n + helped.astype(np.int64), return_counts=True
    )
    reverse = (pair_codes % n) * n + pair_codes // n
    mutual = np.count_nonzero(np.isin(pair_codes, reverse))
    helpers = distinct(helper)
    acknowledged = np.intersect1d(helpers, ctx.contributors, assume_unique=True).shape[0]
    tenure_days, stayed = _tenure(ctx)
    reply_graph = ctx.sections.get("reply_graph")
    figures = {
        "reciprocity": reply_graph.figures["reciprocity"] if reply_graph else None,
        "repeated_pairs": count,
        "repeated_pair_share": rounded(repeated_share),
        "acknowledgements": int(np.count_nonzero(verb == VERB_CODE["acknowledged"])),
        "acceptances": int(np.count_nonzero(verb == VERB_CODE["accepted"])),
        "helped_pairs": int(pair_codes.shape[0]),
        "acknowledged_share": rounded(share(acknowledged, ctx.contributors.shape[0])),
        "mutual_help_share": rounded(share(int(mutual), pair_codes.shape[0])),
        "median_tenure_days": rounded(median(tenure_days), 1),
        "stayed_share": rounded(stayed),
    }
    top_pairs = np.argsort(-pair_counts, kind="stable")[:TOP_SHOWN]
    helper_ids, helper_counts = np.unique(helper, return_counts=True)
    top_helpers = np.argsort(-helper_counts, kind="stable")[:TOP_SHOWN]
    ids = a.person_ids
    detail = {
        "top_helpers": [
            {"person": int(ids[helper_ids[i]]), "times": int(helper_counts[i])} for i in top_helpers
        ],
        "help_flow": [
            {
                "helper": int(ids[pair_codes[i] // n]),
                "helped": int(ids[pair_codes[i] % n]),
                "times": int(pair_counts[i]),
            }
            for i in top_pairs
        ],
    }
    return Section(figures=figures, detail=detail)


def _tenure(ctx: FigureContext) -> tuple[np.ndarray, float | None]:
    """Days from first to last contribution (before the window's end) of its contributors,
    and the share, among those who started at least 6 months before the end, who stayed."""
    d = ctx.derived
    end = ctx.end
    before = d.contribution_time < end
    last = np.full(ctx.activity.n_people, -1, dtype=np.int64)
    np.maximum.at(last, d.contribution_person[before], d.contribution_time[before])
    people = ctx.contributors
    first = d.first_contribution[people]
    days = (last[people] - first) / DAY
    eligible = first <= end - STAY_DAYS * DAY
    stayed = share(int(np.count_nonzero(days[eligible] >= STAY_DAYS)), int(eligible.sum()))
    return days, stayed
