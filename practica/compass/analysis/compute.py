"""One compass run: every figure, the diagnosis, next steps, the network map and the series.

Pure: arrays in, a JSON-ready dict out. The service stores it; the adapter fed it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from practica.compass.analysis.activity import DAY, Activity, Window, from_seconds, month_index
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.graph import layout
from practica.compass.analysis.next_steps import next_steps
from practica.compass.analysis.registry import FigureContext, providers
from practica.compass.analysis.replygraph import node_roles
from practica.compass.analysis.rules import diagnose_archetypes, diagnose_stage, stage_of
from practica.compass.analysis.series import Row, first_changed_month, monthly_rows, months_of
from practica.compass.analysis.stats import distinct

#: The network map shows at most this many people (the most connected), so it stays readable
#: and light in a browser; the page says how many it leaves out.
MAP_NODES = 1000
MAP_EDGES = 6000
MAP_ISOLATES = 100
#: A person is marked a newcomer on the map for this long after their first contribution.
NEWCOMER_DAYS = 90


@dataclass(frozen=True)
class Options:
    seed: int = 0
    unanswered_days: int = 7
    map_nodes: int = MAP_NODES


@dataclass
class Outcome:
    result: dict[str, Any]
    #: Every month's row of the whole history (stored; the result holds the window's).
    months: list[Row]
    #: Months taken from the previous run rather than computed again.
    reused_months: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def run(
    activity: Activity,
    window: Window,
    *,
    options: Options | None = None,
    extra: Mapping[str, Any] | None = None,
    stored_months: Mapping[str, Row] | None = None,
    earliest_change: int | None = None,
) -> Outcome:
    """Compute the compass for ``window``.

    ``stored_months`` are rows from an earlier run; those for months that
    nothing since can have changed (everything new is dated ``earliest_change``
    or later) are kept as they are.
    """
    opts = options or Options()
    activity.check()
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    derived = Derived(activity)
    ctx = FigureContext(activity, derived, window, seed=opts.seed, extra=extra or {})
    for provider in providers():
        started = time.perf_counter()
        ctx.sections[provider.key] = provider.compute(ctx)
        timings[provider.key] = time.perf_counter() - started
    figures = {key: section.figures for key, section in ctx.sections.items()}

    started = time.perf_counter()
    steps = next_steps(ctx, unanswered_days=opts.unanswered_days)
    timings["next_steps"] = time.perf_counter() - started

    started = time.perf_counter()
    network_map, roster = _map(ctx, opts.map_nodes)
    timings["map"] = time.perf_counter() - started

    started = time.perf_counter()
    months, reused = _months(activity, derived, stored_months, earliest_change)
    timings["series"] = time.perf_counter() - started

    first, last = _window_bounds(activity, window)
    result: dict[str, Any] = {
        "window": {
            "since": _iso(window.since),
            "until": _iso(window.until),
            "first_activity": _iso(first),
            "last_activity": _iso(last),
        },
        "stage": diagnose_stage(figures),
        "archetypes": diagnose_archetypes(figures),
        **figures,
        "stage_history": [
            {"month": r["month"], "stage": r["stage"]} for r in _in_window(months, window)
        ],
        "series": _in_window(months, window),
        "next_steps": steps,
        "detail": {k: s.detail for k, s in ctx.sections.items() if s.detail},
        "map": network_map,
        "roster": roster,
        "seed": opts.seed,
    }
    timings["total"] = time.perf_counter() - clock
    return Outcome(result=result, months=months, reused_months=reused, timings=timings)


def _months(
    activity: Activity,
    derived: Derived,
    stored: Mapping[str, Row] | None,
    earliest_change: int | None,
) -> tuple[list[Row], int]:
    all_months = months_of(activity)
    if not all_months:
        return [], 0
    from practica.compass.analysis.activity import month_label

    keep_before = all_months[0] if earliest_change is None else first_changed_month(earliest_change)
    kept: dict[int, Row] = {}
    if stored:
        for m in all_months:
            label = month_label(m)
            if m < keep_before and label in stored:
                kept[m] = dict(stored[label])
    todo = [m for m in all_months if m not in kept]
    fresh = dict(
        zip(todo, monthly_rows(activity, derived, stage_of=stage_of, months=todo), strict=True)
    )
    return [kept.get(m) or fresh[m] for m in all_months], len(kept)


def _in_window(rows: list[Row], window: Window) -> list[Row]:
    if window.since is None and window.until is None:
        return rows
    lo = (
        month_index(np.array([window.since], dtype=np.int64))[0]
        if window.since is not None
        else None
    )
    hi = (
        month_index(np.array([window.until - 1], dtype=np.int64))[0]
        if window.until is not None
        else None
    )
    out = []
    for row in rows:
        m = int(np.datetime64(row["month"], "M").astype(np.int64))
        if (lo is None or m >= lo) and (hi is None or m <= hi):
            out.append(row)
    return out


def _window_bounds(activity: Activity, window: Window) -> tuple[int | None, int | None]:
    times = np.concatenate([activity.thread_time, activity.reply_time])
    times = times[window.mask(times)]
    if times.size == 0:
        return None, None
    return int(times.min()), int(times.max())


def _iso(seconds: int | None) -> str | None:
    moment = from_seconds(seconds)
    return moment.isoformat() if moment else None


def _map(ctx: FigureContext, limit: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The network map's nodes and edges (the most connected people) and the same people as
    a table, with each one's role: the keyboard-accessible alternative to the map."""
    g = ctx.graph
    a, d = ctx.activity, ctx.derived
    if g.n_nodes == 0:
        return {"nodes": [], "edges": [], "shown": 0, "total": 0}, []
    degree = np.asarray(g.undirected.degree(), dtype=np.int64)
    roles = np.asarray(node_roles(ctx))
    rank = np.lexsort((-degree, -ctx.coreness))
    brokers = np.flatnonzero(roles == "broker")
    chosen = distinct(np.concatenate([brokers, rank[: max(limit - brokers.size, 0)]]))
    positions = layout(g, chosen, seed=ctx.seed)
    index = {int(node): i for i, node in enumerate(chosen.tolist())}
    low, high, weight = g.undirected_pairs
    inside = np.isin(low, chosen) & np.isin(high, chosen)
    strongest = np.flatnonzero(inside)[np.argsort(-weight[inside], kind="stable")][:MAP_EDGES]
    persons = g.people[chosen]
    newcomer = d.first_contribution[persons] >= ctx.end - NEWCOMER_DAYS * DAY
    contributions = np.bincount(d.contribution_person[ctx.contribution_mask], minlength=a.n_people)
    membership = ctx.clusters.membership
    nodes = []
    roster: list[dict[str, Any]] = []
    for i, node in enumerate(chosen.tolist()):
        person = int(a.person_ids[g.people[node]])
        role = str(roles[node])
        nodes.append(
            [
                person,
                round(float(positions[i, 0]), 4),
                round(float(positions[i, 1]), 4),
                int(membership[node]),
                role,
                int(degree[node]),
                bool(newcomer[i]),
            ]
        )
        roster.append(
            {
                "person": person,
                "role": role,
                "cluster": int(membership[node]),
                "connections": int(degree[node]),
                "core": int(ctx.coreness[node]),
                "contributions": int(contributions[g.people[node]]),
                "newcomer": bool(newcomer[i]),
            }
        )
    isolates = np.setdiff1d(ctx.contributors, g.people, assume_unique=True)
    isolates = isolates[np.argsort(-d.first_contribution[isolates], kind="stable")][:MAP_ISOLATES]
    for person_index in isolates.tolist():
        roster.append(
            {
                "person": int(a.person_ids[person_index]),
                "role": "isolate",
                "cluster": None,
                "connections": 0,
                "core": 0,
                "contributions": int(contributions[person_index]),
                "newcomer": bool(
                    d.first_contribution[person_index] >= ctx.end - NEWCOMER_DAYS * DAY
                ),
            }
        )
    roster.sort(key=lambda r: (-r["connections"], -r["contributions"], r["person"]))
    network_map = {
        "nodes": nodes,
        "node_fields": ["person", "x", "y", "cluster", "role", "connections", "newcomer"],
        "edges": [[index[int(low[e])], index[int(high[e])], int(weight[e])] for e in strongest],
        "isolates": [int(a.person_ids[p]) for p in isolates.tolist()],
        "shown": len(nodes),
        "total": g.n_nodes,
    }
    return network_map, roster
