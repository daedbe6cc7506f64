"""Confidential circles in the compass: counts at the community level, and only from circles
where at least five people wrote (``circles.confidential_counts``).

The adapter leaves confidential content out of every other figure; this
provider puts back only what cannot point at anyone. All time, whatever the
compass's window: counts over a short window could single out a recent voice.
"""

from __future__ import annotations

from typing import Any

from practica.compass.analysis.registry import FigureContext, Section

LABELS = {
    "circles": "Confidential circles with 5 or more voices (all time)",
    "threads": "Threads in them",
    "replies": "Replies in them",
    "people": "People who wrote in them",
}


def load_confidential(community_id: int) -> Any:
    from practica.communities.circles import confidential_counts

    return confidential_counts(community_id)


def confidential_section(ctx: FigureContext) -> Section:
    counts = ctx.extra.get("confidential")
    if counts is None:
        return Section(figures=dict.fromkeys(LABELS, 0))
    return Section(figures={key: getattr(counts, key) for key in LABELS})
