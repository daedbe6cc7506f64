"""Compass benchmark: the whole compass on SQLite and PostgreSQL, against raw igraph.

``python -m bench.compass_bench [--quick]`` (or through ``bench.run``).

A synthetic community (``practica generate``: 100,000 people and 1,000,000
replies; 10,000 and 100,000 with ``--quick``) is written into a fresh SQLite
database and a fresh PostgreSQL one, each in a child process. Then, in that
child, it measures:

- ``compass_seconds``: one full ``compass_refresh(force=True)``: reading the
  ledger, threads and replies through the adapter, every figure, the diagnosis,
  next steps, the map's layout, the monthly series and the names, and the
  transaction that stores the snapshot;
- ``page_seconds``: the compass page for the steward, rendered from that
  snapshot (median of three requests through Django's test client);
- ``generate_seconds``: how long ``practica generate`` took to write it all.

The baseline, in this process: raw igraph on the same edges (regenerated from
the same seed, no database): building the graph from the distinct pairs,
reciprocity, weak components, Leiden (modularity, the same iterations and
seed), k-cores and betweenness from the same number of pivots. The target:
``compass_seconds`` within 3 times the igraph time, and the page under 1 s.

PostgreSQL needs a server: ``PRACTICA_BENCH_POSTGRES_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``) is used to create and drop a
``practica_bench_compass`` database; without one that half is skipped, with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PG_ADMIN_URL = os.environ.get(
    "PRACTICA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "practica_bench_compass"
TARGET_RATIO = 3.0
TARGET_PAGE_SECONDS = 1.0
SEED = 1
SLUG = "bench"


def sizes(quick: bool) -> tuple[int, int]:
    return (10_000, 100_000) if quick else (100_000, 1_000_000)


def raw_igraph(people: int, interactions: int) -> dict[str, float]:
    """igraph alone, on the reply graph of the same synthetic community."""
    sys.path.insert(0, str(REPO))
    import igraph
    import numpy as np

    from practica.compass.analysis.graph import BETWEENNESS_PIVOTS
    from practica.compass.analysis.synthetic import generate, to_activity

    a = to_activity(generate(people=people, interactions=interactions, seed=SEED))
    keep = (a.reply_author >= 0) & (a.reply_target >= 0) & (a.reply_author != a.reply_target)
    pairs = {
        (int(u), int(v)) for u, v in zip(a.reply_author[keep], a.reply_target[keep], strict=True)
    }
    timings: dict[str, float] = {}
    started = time.perf_counter()
    directed = igraph.Graph(n=a.n_people, edges=sorted(pairs), directed=True)
    directed.delete_vertices([v for v, d in enumerate(directed.degree()) if d == 0])
    timings["build"] = time.perf_counter() - started
    step = time.perf_counter()
    directed.reciprocity()
    directed.density()
    max(directed.connected_components(mode="weak").sizes())
    timings["shape"] = time.perf_counter() - step
    step = time.perf_counter()
    undirected = directed.as_undirected(mode="collapse")
    random.seed(SEED)
    igraph.set_random_number_generator(random)
    undirected.community_leiden(objective_function="modularity", n_iterations=2)
    timings["leiden"] = time.perf_counter() - step
    step = time.perf_counter()
    undirected.coreness()
    timings["coreness"] = time.perf_counter() - step
    step = time.perf_counter()
    n = undirected.vcount()
    sources = np.random.default_rng(SEED).choice(n, size=min(n, BETWEENNESS_PIVOTS), replace=False)
    undirected.betweenness(directed=False, sources=sorted(sources.tolist()))
    timings["betweenness"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return {k: round(v, 3) for k, v in timings.items()}


CHILD = r"""
import json, os, statistics, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from practica.communities.models import Community, Membership
from practica.compass.services import compass_refresh

people, interactions, seed = (int(a) for a in sys.argv[1:4])
slug = sys.argv[4]
call_command("migrate", verbosity=0)
started = time.perf_counter()
call_command("generate", slug, people=people, interactions=interactions, seed=seed, verbosity=0)
generate_seconds = time.perf_counter() - started
community = Community.objects.get(slug=slug)
started = time.perf_counter()
refresh = compass_refresh(community=community, force=True, seed=seed)
compass_seconds = time.perf_counter() - started
steward = Membership.objects.filter(community=community, role="steward").first().user
client = Client(SERVER_NAME="localhost")
client.force_login(steward)
client.get(f"/c/{slug}/compass/")
times = []
for _ in range(3):
    t = time.perf_counter()
    response = client.get(f"/c/{slug}/compass/")
    times.append(time.perf_counter() - t)
    assert response.status_code == 200, response.status_code
result = refresh.snapshot.result
print(json.dumps({
    "generate_seconds": round(generate_seconds, 2),
    "compass_seconds": round(compass_seconds, 3),
    "page_seconds": round(statistics.median(times), 3),
    "page_bytes": len(response.content),
    "phases": result["timings"],
    "stage": result["stage"]["name"],
    "nodes": result["reply_graph"]["nodes"],
    "edges": result["reply_graph"]["edges"],
    "interactions": result["reply_graph"]["interactions"],
}))
"""


def in_child(env: dict[str, str], people: int, interactions: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(people), str(interactions), str(SEED), SLUG],
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


def on_sqlite(people: int, interactions: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="practica-bench-compass-") as home:
        return in_child(
            {"PRACTICA_HOME": home, "DATABASE_URL": f"sqlite:///{home}/bench.sqlite3"},
            people,
            interactions,
        )


def on_postgres(people: int, interactions: int) -> dict[str, Any]:
    try:
        import psycopg
    except ImportError:
        return {"skipped": "psycopg is not installed"}
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        return {"skipped": f"no PostgreSQL at {PG_ADMIN_URL}: {str(exc).strip()[:200]}"}
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
        with tempfile.TemporaryDirectory(prefix="practica-bench-compass-") as home:
            return in_child(
                {"PRACTICA_HOME": home, "DATABASE_URL": f"{base}/{PG_DB}"}, people, interactions
            )
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.close()


def run(quick: bool = False) -> dict[str, Any]:
    people, interactions = sizes(quick)
    baseline = raw_igraph(people, interactions)
    results: dict[str, Any] = {
        "people": people,
        "interactions": interactions,
        "igraph_seconds": baseline["total"],
        "igraph_phases": baseline,
        "target_ratio": TARGET_RATIO,
        "target_page_seconds": TARGET_PAGE_SECONDS,
    }
    summary: dict[str, Any] = {
        "people": people,
        "interactions": interactions,
        "raw igraph s": baseline["total"],
    }
    for name, measure in (("sqlite", on_sqlite), ("postgres", on_postgres)):
        measured = measure(people, interactions)
        results[name] = measured
        if "compass_seconds" in measured:
            ratio = measured["compass_seconds"] / max(baseline["total"], 1e-9)
            measured["ratio_to_igraph"] = round(ratio, 2)
            measured["meets_target"] = (
                ratio <= TARGET_RATIO and measured["page_seconds"] <= TARGET_PAGE_SECONDS
            )
            summary[f"{name} compass s"] = measured["compass_seconds"]
            summary[f"{name} × igraph"] = measured["ratio_to_igraph"]
            summary[f"{name} page s"] = measured["page_seconds"]
        else:
            summary[f"{name}"] = measured.get("skipped", "skipped")
    results["summary"] = summary
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 people, 100,000 replies")
    args = parser.parse_args()
    print(json.dumps(run(quick=args.quick), indent=2))


if __name__ == "__main__":
    main()
