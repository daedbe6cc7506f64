"""Compass benchmark: the whole compass on SQLite and PostgreSQL, beside raw igraph.

``python -m bench.compass_bench [--quick] [--fresh] [--only sqlite|postgres]`` (or
``python -m bench.run --only compass``, which is what ``make bench`` runs).

A synthetic community (``practica generate``: 100,000 people and 1,000,000
replies; 10,000 and 100,000 with ``--quick``) is written into a SQLite database
and a PostgreSQL one. Each database is measured in a child process of its own:

- ``compass_seconds``: one full ``compass_refresh(force=True)``: the watermark,
  reading threads, replies and the ledger through the adapter, every figure, the
  diagnosis, next steps, the map's layout, every month of the series, the names,
  and the transaction that stores the snapshot. ``phases`` splits it up;
- ``igraph_seconds``: the baseline, in the same child, on the same edges (the
  reply pairs of the activity the adapter read from that database): igraph
  alone building the graph from the distinct pairs, then reciprocity, weak
  components, weighted Leiden (modularity, the compass's iterations and seed),
  k-cores and betweenness from the compass's number of pivots. Preparing the
  pairs (numpy) is not counted. It runs just before and just after the compass,
  and the two are averaged (both are in ``igraph_runs``);
- ``page_seconds``: the compass page for a steward, rendered from that snapshot
  (median of three requests through Django's test client, after one to warm up);
- ``generate_seconds``: how long ``practica generate`` took to write it all.

The target: ``compass_seconds`` within 3 times ``igraph_seconds``, the page under 1 s.

Generating a million replies takes many minutes (the search index's triggers run
for every row), so the databases are kept and reused: SQLite under
``var/bench/`` and PostgreSQL as ``bench_compass`` (``bench_compass_quick``), on
the server at ``PRACTICA_BENCH_POSTGRES_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``; without one that half is
skipped, with the reason). A database already holding the community of these
sizes and seed is used as it is (``generate_seconds`` is then null); ``--fresh``
writes it again. The machine's load average is recorded before and after each
measurement: on a shared machine every figure moves with it, which is why the
baseline is measured in the same child, minutes apart at most.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
KEPT = REPO / "var" / "bench"
PG_ADMIN_URL = os.environ.get(
    "PRACTICA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
TARGET_RATIO = 3.0
TARGET_PAGE_SECONDS = 1.0
SEED = 1


def sizes(quick: bool) -> tuple[int, int]:
    return (10_000, 100_000) if quick else (100_000, 1_000_000)


def slug_for(people: int, interactions: int) -> str:
    """One community per database, and one database per size: the slug need not say more."""
    return "bench"


CHILD = r"""
import json, os, random, statistics, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
import django
django.setup()
import igraph  # imported before any clock starts, for the compass and the baseline alike
import numpy as np
from django.core.management import call_command
from django.test import Client
from practica.communities.models import Community, Membership
from practica.compass.adapter import load_activity
from practica.compass.analysis.graph import BETWEENNESS_PIVOTS
from practica.compass.services import compass_refresh
from practica.exchange.models import Reply

people, interactions, seed = (int(a) for a in sys.argv[1:4])
slug, fresh = sys.argv[4], sys.argv[5] == "fresh"


def load():
    return [round(x, 2) for x in os.getloadavg()]


call_command("migrate", verbosity=0)
generate_seconds = None
existing = Community.objects.filter(slug=slug).first()
if existing is None or fresh:
    if existing is not None:
        raise SystemExit(f"{slug} exists: drop the database to write it again")
    started = time.perf_counter()
    call_command("generate", slug, people=people, interactions=interactions, seed=seed,
                 verbosity=0)
    generate_seconds = round(time.perf_counter() - started, 1)
community = Community.objects.get(slug=slug)
replies = Reply.objects.filter(thread__community=community).count()
if f"({people} people)" not in community.purpose or replies != interactions:
    raise SystemExit(f"{slug} holds another community ({replies} replies): use --fresh")

# The baseline: igraph alone on the same reply edges, read from this database. Measured
# just before and just after the compass, and averaged: the load of a shared machine
# moves while a run lasts.
a = load_activity(community.pk)
keep = (a.reply_author >= 0) & (a.reply_target >= 0) & (a.reply_author != a.reply_target)
src, dst = a.reply_author[keep].astype(np.int64), a.reply_target[keep].astype(np.int64)
degree = np.bincount(src, minlength=a.n_people) + np.bincount(dst, minlength=a.n_people)
used = np.flatnonzero(degree)
renumber = np.zeros(a.n_people, dtype=np.int64)
renumber[used] = np.arange(used.shape[0])
n = int(used.shape[0])
pairs = np.unique(renumber[src] * n + renumber[dst])
low = np.minimum(pairs // n, pairs % n)
high = np.maximum(pairs // n, pairs % n)
undirected_codes, weight = np.unique(low * n + high, return_counts=True)
del a


def baseline():
    phases = {}
    clock = time.perf_counter()
    directed = igraph.Graph(n=n, edges=list(zip((pairs // n).tolist(), (pairs % n).tolist())),
                            directed=True)
    undirected = igraph.Graph(n=n, edges=list(zip((undirected_codes // n).tolist(),
                                                  (undirected_codes % n).tolist())))
    undirected.es["weight"] = weight.tolist()
    phases["build"] = time.perf_counter() - clock
    step = time.perf_counter()
    directed.reciprocity()
    directed.density()
    max(directed.connected_components(mode="weak").sizes())
    phases["shape"] = time.perf_counter() - step
    step = time.perf_counter()
    igraph.set_random_number_generator(random.Random(seed))
    found = undirected.community_leiden(objective_function="modularity", weights="weight",
                                        n_iterations=2)
    undirected.modularity(found.membership, weights="weight")
    phases["leiden"] = time.perf_counter() - step
    step = time.perf_counter()
    undirected.coreness()
    phases["coreness"] = time.perf_counter() - step
    step = time.perf_counter()
    sources = np.random.default_rng(seed).choice(n, size=min(n, BETWEENNESS_PIVOTS),
                                                 replace=False)
    undirected.betweenness(directed=False, sources=sorted(sources.tolist()))
    phases["betweenness"] = time.perf_counter() - step
    phases["total"] = time.perf_counter() - clock
    return {k: round(v, 3) for k, v in phases.items()}


load_before = load()
before = baseline()
load_baseline = load()

# The compass, all of it.
started = time.perf_counter()
refresh = compass_refresh(community=community, force=True, seed=seed)
compass_seconds = time.perf_counter() - started
load_after = load()
after = baseline()
igraph_seconds = (before["total"] + after["total"]) / 2

# The page, from the snapshot just stored.
steward = Membership.objects.filter(community=community, role="steward").first().user
client = Client(SERVER_NAME="localhost")
client.force_login(steward)
assert client.get(f"/c/{slug}/compass/").status_code == 200
times = []
for _ in range(3):
    t = time.perf_counter()
    response = client.get(f"/c/{slug}/compass/")
    times.append(time.perf_counter() - t)
    assert response.status_code == 200, response.status_code
result = refresh.snapshot.result
print(json.dumps({
    "generate_seconds": generate_seconds,
    "compass_seconds": round(compass_seconds, 2),
    "igraph_seconds": round(igraph_seconds, 2),
    "ratio_to_igraph": round(compass_seconds / igraph_seconds, 2),
    "page_seconds": round(statistics.median(times), 3),
    "page_times": [round(t, 3) for t in times],
    "page_bytes": len(response.content),
    "phases": result["timings"],
    "igraph_runs": [before, after],
    "load_average": {"before": load_before, "after_baseline": load_baseline,
                     "after_compass": load_after, "after_page": load()},
    "stage": result["stage"]["name"],
    "nodes": result["reply_graph"]["nodes"],
    "edges": result["reply_graph"]["edges"],
    "interactions": result["reply_graph"]["interactions"],
    "months": len(result["series"]),
}))
"""


def in_child(env: dict[str, str], people: int, interactions: int, fresh: bool) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(people),
            str(interactions),
            str(SEED),
            slug_for(people, interactions),
            "fresh" if fresh else "reuse",
        ],
        cwd=REPO,
        env={**os.environ, **env, "PRACTICA_ENV": "development"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"compass bench child failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def on_sqlite(people: int, interactions: int, fresh: bool) -> dict[str, Any]:
    KEPT.mkdir(parents=True, exist_ok=True)
    path = KEPT / f"compass-{people}-{interactions}-s{SEED}.sqlite3"
    if fresh:
        for leftover in KEPT.glob(path.name + "*"):
            leftover.unlink()
    return in_child(
        {"PRACTICA_HOME": str(KEPT), "DATABASE_URL": f"sqlite:///{path}"},
        people,
        interactions,
        fresh,
    )


def on_postgres(people: int, interactions: int, fresh: bool, quick: bool) -> dict[str, Any]:
    try:
        import psycopg
    except ImportError:
        return {"skipped": "psycopg is not installed"}
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        return {"skipped": f"no PostgreSQL at {PG_ADMIN_URL}: {str(exc).strip()[:200]}"}
    name = "bench_compass_quick" if quick else "bench_compass"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if fresh and exists:
            admin.execute(f"DROP DATABASE {name}")
        if fresh or not exists:
            admin.execute(f"CREATE DATABASE {name}")
    finally:
        admin.close()
    KEPT.mkdir(parents=True, exist_ok=True)
    return in_child(
        {"PRACTICA_HOME": str(KEPT), "DATABASE_URL": f"{base}/{name}"},
        people,
        interactions,
        fresh,
    )


def run(quick: bool = False, fresh: bool = False, only: str | None = None) -> dict[str, Any]:
    people, interactions = sizes(quick)
    results: dict[str, Any] = {
        "people": people,
        "interactions": interactions,
        "seed": SEED,
        "target_ratio": TARGET_RATIO,
        "target_page_seconds": TARGET_PAGE_SECONDS,
    }
    summary: dict[str, Any] = {"people": people, "interactions": interactions}
    measures = {
        "sqlite": lambda: on_sqlite(people, interactions, fresh),
        "postgres": lambda: on_postgres(people, interactions, fresh, quick),
    }
    for name, measure in measures.items():
        if only and name != only:
            continue
        measured = measure()
        results[name] = measured
        if "compass_seconds" in measured:
            measured["meets_target"] = (
                measured["ratio_to_igraph"] <= TARGET_RATIO
                and measured["page_seconds"] <= TARGET_PAGE_SECONDS
            )
            summary[f"{name} compass s"] = measured["compass_seconds"]
            summary[f"{name} igraph s"] = measured["igraph_seconds"]
            summary[f"{name} × igraph"] = measured["ratio_to_igraph"]
            summary[f"{name} page s"] = measured["page_seconds"]
            summary[f"{name} load"] = measured["load_average"]["before"][0]
        else:
            summary[name] = measured.get("skipped", "skipped")
    results["summary"] = summary
    return results


def table(results: dict[str, Any]) -> str:
    """The headline figures, one column per database."""
    names = [n for n in ("sqlite", "postgres") if "compass_seconds" in results.get(n, {})]
    rows = [
        ("whole compass (s)", "compass_seconds"),
        ("raw igraph, same edges and metrics (s)", "igraph_seconds"),
        ("ratio (target ≤ 3)", "ratio_to_igraph"),
        ("page from the snapshot, median of 3 (s; target < 1)", "page_seconds"),
        ("page size (bytes)", "page_bytes"),
        ("practica generate (s)", "generate_seconds"),
    ]
    lines = [
        f"{results['people']:,} people, {results['interactions']:,} replies",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, key in rows:
        values = [results[n].get(key) for n in names]
        shown = " | ".join("—" if v is None else str(v) for v in values)
        lines.append(f"| {label} | {shown} |")
    lines.append(
        "| load average (1 min) before | "
        + " | ".join(str(results[n]["load_average"]["before"][0]) for n in names)
        + " |"
    )
    for n in names:
        phases = ", ".join(f"{k} {v:.2f}" for k, v in results[n]["phases"].items())
        lines.append(f"\n{n} phases (s): {phases}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 people, 100,000 replies")
    parser.add_argument("--fresh", action="store_true", help="generate the databases again")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="one database only")
    args = parser.parse_args()
    results = run(quick=args.quick, fresh=args.fresh, only=args.only)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "compass-quick" if args.quick else "compass-full"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten to bench/results/{name}.json")


if __name__ == "__main__":
    main()
