"""What a steward could do next: asks waiting for an answer, people who should meet,
newcomers who have not come back, and brokers the community depends on.

Each step has a public part (kind, title, why, count) and ``items`` that name
threads or people, which only stewards (or members the steward allows) see.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from practica.compass.analysis.activity import ASKING_KINDS, DAY, from_seconds
from practica.compass.analysis.registry import FigureContext
from practica.compass.analysis.stats import distinct

ITEMS_SHOWN = 10
#: People compared for "should meet": the most active ones (their tags say most).
MEET_CANDIDATES = 300
MEET_SHOWN = 5
MEET_MIN_SHARED_TAGS = 2
#: The most similar pairs in different clusters checked for being far apart (two hops each).
MEET_CHECKED = 2000
#: A newcomer who has been silent this long after their first contribution "has not come back".
QUIET_DAYS = 14
NEWCOMER_DAYS = 90
#: A broker the community depends on: their leaving cuts off this share, or they join clusters.
DEPENDS_SPLIT = 0.01
DEPENDS_CLUSTERS = 3

Step = dict[str, Any]


def next_steps(ctx: FigureContext, *, unanswered_days: int) -> list[Step]:
    steps = [
        _unanswered(ctx, unanswered_days),
        _should_meet(ctx),
        _newcomers_not_back(ctx),
        _brokers(ctx),
    ]
    return [s for s in steps if s["count"]]


def _unanswered(ctx: FigureContext, days: int) -> Step:
    a, d = ctx.activity, ctx.derived
    end = ctx.end
    waiting = np.isin(a.thread_kind, ASKING_KINDS) & ctx.window.mask(a.thread_time)
    waiting &= d.thread_first_other_reply >= end
    waiting &= a.thread_time < end - days * DAY
    found = np.flatnonzero(waiting)
    newest = found[np.argsort(-a.thread_time[found], kind="stable")][:ITEMS_SHOWN]
    return {
        "kind": "unanswered",
        "title": f"Questions and asks with no reply from anyone else after {days} days",
        "why": "An unanswered ask tells its author, and every reader, that nobody is listening; "
        "a first question answered makes a newcomer likelier to return.",
        "count": int(found.shape[0]),
        "items": [
            {
                "thread": int(a.thread_ids[t]),
                "asked": _date(int(a.thread_time[t])),
                "days_waiting": int((end - a.thread_time[t]) // DAY),
            }
            for t in newest
        ],
    }


def _person_tags(ctx: FigureContext, people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(person, tag) pairs: the tags of the threads each person started or replied in."""
    a = ctx.activity
    thread, person = ctx.participants
    wanted = np.zeros(a.n_people, dtype=bool)
    wanted[people] = True
    keep = wanted[person]
    thread, person = thread[keep], person[keep]
    order = np.argsort(a.tag_thread, kind="stable")
    tag_thread, tag_code = a.tag_thread[order], a.tag_code[order]
    lo = np.searchsorted(tag_thread, thread, side="left")
    hi = np.searchsorted(tag_thread, thread, side="right")
    counts = hi - lo
    rows = np.repeat(person, counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    tags = tag_code[starts + np.arange(rows.shape[0])] if rows.size else rows
    n_tags = max(len(a.tag_names), 1)
    pairs = distinct(rows.astype(np.int64) * n_tags + tags)
    return pairs // n_tags, pairs % n_tags


def _should_meet(ctx: FigureContext) -> Step:
    a, g = ctx.activity, ctx.graph
    step: Step = {
        "kind": "should_meet",
        "title": "People who share interests but sit far apart in the reply graph",
        "why": "Weaving ties across distant parts of a network joins knowledge that would "
        "otherwise stay apart; an introduction is the steward's simplest tool.",
        "count": 0,
        "items": [],
    }
    if g.n_nodes < 4 or not a.tag_names:
        return step
    degree = np.asarray(g.undirected.degree(), dtype=np.int64)
    top = np.argsort(-degree, kind="stable")[:MEET_CANDIDATES]
    people = np.sort(g.people[top].astype(np.int64))
    person, tag = _person_tags(ctx, people)
    if person.size == 0:
        return step
    row = np.searchsorted(people, person)
    matrix = np.zeros((people.shape[0], len(a.tag_names)), dtype=np.float32)
    matrix[row, tag] = 1.0
    shared = matrix @ matrix.T
    sizes = matrix.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.where(union > 0, shared / np.maximum(union, 1), 0.0)
    np.fill_diagonal(jaccard, 0.0)
    jaccard[shared < MEET_MIN_SHARED_TAGS] = 0.0
    i_idx, j_idx = np.nonzero(np.triu(jaccard))
    order = np.argsort(-jaccard[i_idx, j_idx], kind="stable")
    # g.people is sorted (built by a lookup over person indices): search, don't map.
    node_u = np.searchsorted(g.people, people[i_idx])
    node_v = np.searchsorted(g.people, people[j_idx])
    membership = ctx.clusters.membership
    neighbours: dict[int, set[int]] = {}
    found = []
    apart = membership[node_u] != membership[node_v]
    order = order[apart[order]][:MEET_CHECKED]
    for k in order.tolist():
        u, v = int(node_u[k]), int(node_v[k])
        if _within_two(g, u, v, neighbours):
            continue
        found.append((u, v, float(jaccard[i_idx[k], j_idx[k]]), i_idx[k], j_idx[k]))
        if len(found) == MEET_SHOWN:
            break
    step["count"] = len(found)
    step["items"] = [
        {
            "people": [int(a.person_ids[g.people[u]]), int(a.person_ids[g.people[v]])],
            "shared_tags": [a.tag_names[t] for t in np.flatnonzero(matrix[i] * matrix[j])][:5],
            "similarity": round(sim, 3),
            "clusters": [int(membership[u]), int(membership[v])],
        }
        for u, v, sim, i, j in found
    ]
    return step


def _within_two(g: object, u: int, v: int, cache: dict[int, set[int]]) -> bool:
    """True when ``u`` and ``v`` are neighbours or share a neighbour."""
    graph = g.undirected  # type: ignore[attr-defined]
    for node in (u, v):
        if node not in cache:
            cache[node] = set(graph.neighbors(node))
    return v in cache[u] or bool(cache[u] & cache[v])


def _newcomers_not_back(ctx: FigureContext) -> Step:
    a, d = ctx.activity, ctx.derived
    end = ctx.end
    first = d.first_contribution
    recent = (first >= end - NEWCOMER_DAYS * DAY) & (first <= end - QUIET_DAYS * DAY)
    recent &= ctx.window.mask(first)
    quiet = recent & (d.return_time >= end)
    people = np.flatnonzero(quiet)
    newest = people[np.argsort(-first[people], kind="stable")][:ITEMS_SHOWN]
    answered = _got_reply(ctx, newest)
    return {
        "kind": "newcomers_not_back",
        "title": f"Newcomers silent since their first contribution ({QUIET_DAYS}–{NEWCOMER_DAYS} "
        "days ago)",
        "why": "Newcomers who hear back are likelier to return; a personal welcome or a "
        "pointer to someone with the same interest can bring them in from the periphery.",
        "count": int(people.shape[0]),
        "items": [
            {
                "person": int(a.person_ids[p]),
                "first_contribution": _date(int(first[p])),
                "got_a_reply": bool(answered[k]),
            }
            for k, p in enumerate(newest.tolist())
        ],
    }


def _got_reply(ctx: FigureContext, people: np.ndarray) -> np.ndarray:
    """Whether someone else replied to anything each person wrote."""
    d = ctx.derived
    targets = d.edge_target[d.edge_time < ctx.end]
    return np.isin(people, targets)


def _brokers(ctx: FigureContext) -> Step:
    section = ctx.sections.get("reply_graph")
    brokers = section.detail.get("brokers", []) if section else []
    depends = [
        b
        for b in brokers
        if (b.get("split_if_gone") or 0) >= DEPENDS_SPLIT
        or b.get("clusters_bridged", 0) >= DEPENDS_CLUSTERS
    ][:MEET_SHOWN]
    return {
        "kind": "brokers",
        "title": "Brokers the community depends on",
        "why": "People who join otherwise separate groups carry knowledge between them; if "
        "they leave, the groups drift apart. Thank them, and grow a second bridge.",
        "count": len(depends),
        "items": depends,
    }


def _date(seconds: int) -> str:
    moment = from_seconds(seconds)
    return moment.date().isoformat() if moment else ""


__all__ = ["next_steps"]
