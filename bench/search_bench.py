"""Search benchmark: query latency and indexing cost, on SQLite and on PostgreSQL.

``python -m bench.search_bench [--quick] [--n N]`` (or through ``bench.run``).

For each database, in a throw-away database of its own, it writes N synthetic
threads (and N replies) with ``bulk_create``, as an importer would, then
measures:

- ``search_threads`` latency (p50, p95, max) over a fixed mix of queries:
  common, mid and rare words, two words, a phrase, an OR and an exclusion;
  each answer is a ranked page of 20 with snippets, read through the
  visibility funnel, in a community that shares the index with another;
- the baseline, in the same run: the same first word looked up with a plain
  ``icontains`` scan over title and body (what the site would do without an
  index), newest first, with its count;
- the cost of indexing: bulk inserts with the triggers against the same
  inserts with the triggers dropped, and ``search_rebuild`` of a community.

Each database runs in a child process (Django binds its database at start-up).
PostgreSQL needs a server: ``PRACTICA_BENCH_POSTGRES_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``) is used to create and drop a
``practica_bench_search`` database; without a server that half is reported as
skipped, with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "search.json"
DEFAULT_N = 20_000
QUICK_N = 2_000
SEED = 20_240_601
ROUNDS = 3
PG_ADMIN_URL = os.environ.get(
    "PRACTICA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "practica_bench_search"

# A practice's own words, then invented ones, so that frequencies follow a
# Zipf curve as in real posts: a few words everywhere, most words rare.
THEME = [
    "starter", "sourdough", "flour", "water", "rye", "wheat", "spelt", "oven", "bake", "baking",
    "loaf", "crust", "crumb", "dough", "proof", "proofing", "knead", "kneading", "salt",
    "yeast", "levain", "hydration", "temperature", "fridge", "jar", "feed", "feeding",
    "bubbles", "acid", "smell", "rise", "rising", "shape", "shaping", "bench", "scoring",
    "steam", "dutch", "tin", "garden", "soil", "compost", "seed", "seeds", "tomato", "tomatoes",
    "bed", "beds", "water", "watering", "clay", "mulch", "worm", "worms", "harvest", "frost",
    "spring", "summer", "autumn", "winter", "neighbour", "neighbours", "market", "recipe",
]  # fmt: skip
SYLLABLES = [
    "ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "we", "xa", "yo", "za", "bre", "cla",
    "dri", "fro", "gli", "pra", "stu",
]  # fmt: skip


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words = list(THEME)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Corpus:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = _vocabulary(self.rng)
        weights = [1 / (rank + 1) ** 1.07 for rank in range(len(self.words))]
        total = 0.0
        self.cumulative = []
        for w in weights:
            total += w
            self.cumulative.append(total)

    def text(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))

    def queries(self) -> list[tuple[str, str]]:
        """(kind of query, query): words by how common they are, and the operators."""
        w = self.words
        rng = random.Random(SEED + 1)
        common = [w[i] for i in rng.sample(range(0, 20), 4)]
        mid = [w[i] for i in rng.sample(range(100, 600), 6)]
        rare = [w[i] for i in rng.sample(range(1500, 4000), 6)]
        return [
            *[("common word", q) for q in common],
            *[("mid word", q) for q in mid],
            *[("rare word", q) for q in rare],
            *[("two words", f"{a} {b}") for a, b in zip(mid, rare, strict=True)],
            ("phrase", f'"{w[3]} {w[5]}"'),
            ("or", f"{w[200]} OR {w[300]}"),
            ("exclusion", f"{w[2]} -{w[4]}"),
            ("common words", "how do I feed the sourdough starter"),
        ]


# --- the child process: one database ---------------------------------------------------------


def _worker(n: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from practica.accounts.services import user_create
    from practica.communities.services import community_create, community_join
    from practica.exchange.models import Reply, Thread
    from practica.search.backends import backend_for
    from practica.search.selectors import search_threads
    from practica.search.services import document_count, search_rebuild

    call_command("migrate", verbosity=0, interactive=False)
    steward = user_create(username="bench-steward")
    member = user_create(username="bench-member")
    main = community_create(creator=steward, name="Bench bakers", slug="bench-bakers")
    other = community_create(creator=steward, name="Bench growers", slug="bench-growers")
    community_join(community=main, user=member)

    corpus = Corpus(SEED)
    start = datetime(2022, 1, 1, tzinfo=UTC)

    def threads_for(community: Any, count: int) -> list[Thread]:
        return [
            Thread(
                community=community,
                author=member,
                title=corpus.text(4, 10),
                body=corpus.text(30, 140),
                created_at=start + timedelta(minutes=37 * i),
                last_activity_at=start + timedelta(minutes=37 * i),
            )
            for i in range(count)
        ]

    batch = 1000
    indexed_rows = threads_for(main, n)
    began = time.perf_counter()
    created = Thread.objects.bulk_create(indexed_rows, batch_size=batch)
    insert_indexed = time.perf_counter() - began
    ids = (
        [t.pk for t in created]
        if created[0].pk
        else list(Thread.objects.filter(community=main).values_list("pk", flat=True))
    )
    replies = [Reply(thread_id=ids[i % len(ids)], body=corpus.text(10, 80)) for i in range(n)]
    began = time.perf_counter()
    Reply.objects.bulk_create(replies, batch_size=batch)
    reply_insert = time.perf_counter() - began

    # The same amount of writing with the triggers dropped: the baseline cost.
    backend = backend_for(connection)
    _drop_triggers(connection)
    plain_rows = threads_for(other, n)
    began = time.perf_counter()
    Thread.objects.bulk_create(plain_rows, batch_size=batch)
    insert_plain = time.perf_counter() - began
    backend.install(connection)
    began = time.perf_counter()
    rebuild = search_rebuild(community=other)  # ends with backend.tidy(): statistics, merges
    rebuild_seconds = time.perf_counter() - began

    queries = corpus.queries()
    search_ms: list[float] = []
    by_kind: dict[str, list[float]] = {}
    baseline_ms: list[float] = []
    hits: list[int] = []
    for _ in range(ROUNDS):
        for kind, q in queries:
            began = time.perf_counter()
            page = search_threads(user=member, community=main, q=q, limit=20)
            elapsed = (time.perf_counter() - began) * 1000
            search_ms.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
            hits.append(page.total)
            word = q.strip('"').split()[0]
            began = time.perf_counter()
            scan = Thread.objects.visible_to(member).filter(community=main)
            scan = scan.filter(Q(title__icontains=word) | Q(body__icontains=word))
            list(scan.select_related("author").order_by("-created_at")[:20])
            scan.count()
            baseline_ms.append((time.perf_counter() - began) * 1000)

    return {
        "vendor": connection.vendor,
        # The machine is shared; timings mean little without its load.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "threads": 2 * n,
        "replies": n,
        "documents": document_count(connection=connection),
        "queries": len(queries),
        "rounds": ROUNDS,
        "search_ms": _spread(search_ms),
        "search_p50_ms_by_kind": {
            kind: round(statistics.median(values), 2) for kind, values in by_kind.items()
        },
        "median_matching_threads_by_kind": {
            kind: statistics.median(
                hits[i] for i, (k, _) in enumerate(queries * ROUNDS) if k == kind
            )
            for kind in by_kind
        },
        "baseline_icontains_ms": _spread(baseline_ms),
        "median_matching_threads": statistics.median(hits),
        "insert_threads_per_s_indexed": round(n / insert_indexed),
        "insert_threads_per_s_without_index": round(n / insert_plain),
        "insert_replies_per_s_indexed": round(n / reply_insert),
        "rebuild_threads_per_s": round(rebuild.threads / rebuild_seconds),
        "index_bytes": _index_bytes(connection),
    }


def _drop_triggers(connection: Any) -> None:
    from practica.search.backends import postgres, sqlite

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, table in postgres._TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            for name in sqlite._TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _index_bytes(connection: Any) -> int | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_document')")
            return int(cursor.fetchone()[0])
        try:
            cursor.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_document%' ESCAPE '\\'"
            )
        except Exception:  # dbstat is an optional SQLite module
            return None
        row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None


def _spread(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(cuts[18], 2),
        "max": round(max(values), 2),
    }


# --- the parent: one child per database -----------------------------------------------------


def _child(database_url: str, n: int, home: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PRACTICA_HOME": home,
        "PRACTICA_ENV": "development",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "practica.settings",
    }
    env.pop("PRACTICA_TEST_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench.search_bench", "--worker", "--n", str(n)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"search bench on {database_url.split(':')[0]} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _postgres(n: int, home: str) -> dict[str, Any]:
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except Exception as exc:
        return {"skipped": f"no PostgreSQL at {PG_ADMIN_URL.split('@')[-1]}: {exc}".strip()}
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
        try:
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            return _child(f"{base}/{PG_DB}", n, home)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def run(quick: bool = False, n: int | None = None) -> dict[str, Any]:
    size = n or (QUICK_N if quick else DEFAULT_N)
    with tempfile.TemporaryDirectory(prefix="practica-bench-search-") as home:
        sqlite = _child(f"sqlite:///{home}/bench.sqlite3", size, home)
        postgres = _postgres(size, home)
    summary: dict[str, Any] = {"threads per community": size}
    for name, result in (("sqlite", sqlite), ("postgres", postgres)):
        if "skipped" in result:
            summary[f"{name}"] = "skipped"
            continue
        summary[f"{name} p50 ms"] = result["search_ms"]["p50"]
        summary[f"{name} p95 ms"] = result["search_ms"]["p95"]
        summary[f"{name} icontains p50 ms"] = result["baseline_icontains_ms"]["p50"]
    return {"n": size, "quick": quick, "summary": summary, "sqlite": sqlite, "postgres": postgres}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, default=None, help=f"threads (default {DEFAULT_N})")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.n is not None and args.n < 10:
        parser.error("--n must be at least 10")
    if args.worker:
        print(json.dumps(_worker(args.n or DEFAULT_N)))
        return 0
    result = run(quick=args.quick, n=args.n)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
