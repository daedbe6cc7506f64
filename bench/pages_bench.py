"""Pages at scale: the main pages of a large community beside the same pages of a small one.

``python -m bench.pages_bench [--quick]`` (or ``python -m bench.run --only pages``).

The large community is the compass bench's synthetic one (``practica generate``: 100,000
people and 1,000,000 replies, about 333,000 threads; 10,000 and 100,000 with ``--quick``),
kept at ``var/bench/compass-<people>-<replies>-s1.sqlite3``. That file is never changed:
the bench works on a copy (in a temporary directory under ``var/bench/``, removed after),
brings the copy's schema up to date (``migrate``, so the indexes of the code measured are
there) and adds the baseline to it: a small community generated the same way (``small``:
100 people, 1,000 replies), so both are measured in the same database, the same process
and the same minutes.

Each page is requested by a signed-in member of its community through Django's test
client: one request to warm up, then the median of ``REPEATS``. Pages: the thread list
(first page, page 50 or the last page of the small one, open questions), a thread page (the newest
thread, and an older one with links to other threads when there is one), the API's
thread list, the Atom feed, and, when the site has them, the people directory and a
profile. ``ratio`` is large ÷ small: how page time grows with the community's size.

Target: every page of the large community under ``TARGET_SECONDS`` on SQLite.

When the database is absent the bench says so and how to build it
(``python -m bench.compass_bench --only sqlite``, many minutes): nothing is measured.
The machine's load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
KEPT = REPO / "var" / "bench"
RESULTS = BENCH_DIR / "results"
TARGET_SECONDS = 0.3
REPEATS = 5
SMALL = ("small", 100, 1_000)
SEED = 1


def sizes(quick: bool) -> tuple[int, int]:
    return (10_000, 100_000) if quick else (100_000, 1_000_000)


def source_path(quick: bool) -> Path:
    people, replies = sizes(quick)
    return KEPT / f"compass-{people}-{replies}-s{SEED}.sqlite3"


CHILD = r"""
import json, os, statistics, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from practica.communities.models import Community, Membership
from practica.exchange.models import Thread, ThreadLink

settings.ALLOWED_HOSTS = ["*"]
repeats = int(sys.argv[1])


def pages(slug):
    community = Community.objects.get(slug=slug)
    member = Membership.objects.filter(community=community).order_by("pk").first().user
    threads = Thread.objects.filter(community=community)
    newest = threads.order_by("-pk").first()
    linked = (
        ThreadLink.objects.filter(from_thread__community=community).order_by("pk").first()
    )
    older = linked.from_thread if linked else threads.order_by("pk").first()
    last_page = max(1, min(50, -(-threads.count() // settings.PRACTICA_PAGE_SIZE)))
    urls = {
        "thread list": f"/c/{slug}/",
        "thread list, page 50 (or last)": f"/c/{slug}/?page={last_page}",
        "thread list, open questions": f"/c/{slug}/?unresolved=1",
        "thread page, newest": f"/c/{slug}/t/{newest.pk}/",
        "thread page, with links": f"/c/{slug}/t/{older.pk}/",
        "API thread list": f"/api/v1/communities/{slug}/threads",
        "Atom feed": f"/c/{slug}/feed.atom",
    }
    for label, name, args in (
        ("people directory", "weaving:directory", [slug]),
        ("profile in the community", "weaving:person", [slug, member.username]),
    ):
        try:
            urls[label] = reverse(name, args=args)
        except NoReverseMatch:
            pass
    client = Client()
    client.force_login(member)
    measured = {}
    for label, url in urls.items():
        client.get(url)  # warm up
        times, status = [], None
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            status = response.status_code
        measured[label] = {
            "url": url, "status": status, "median_seconds": statistics.median(times),
            "max_seconds": max(times),
        }
    return {"threads": threads.count(), "pages": measured}


load_before = os.getloadavg()
large = pages("bench")
small = pages(sys.argv[2])
print(json.dumps({
    "large": large, "small": small,
    "load_average": {"before": load_before, "after": os.getloadavg()},
}))
"""


def _child(args: list[str], env: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**os.environ, **env, "PRACTICA_ENV": "development"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"pages bench step {args[:3]} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


def measure(source: Path) -> dict[str, Any]:
    KEPT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pages-", dir=KEPT) as work:
        copy = Path(work) / "pages.sqlite3"
        # SQLite's online backup, read-only: a consistent copy even while another bench
        # writes to the source, which stays untouched.
        kept = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        with closing(kept), closing(sqlite3.connect(copy)) as target:
            kept.backup(target)
        env = {"PRACTICA_HOME": str(KEPT), "DATABASE_URL": f"sqlite:///{copy}"}
        manage = [str(REPO / "manage.py")]
        _child([*manage, "migrate", "--no-input", "-v", "0"], env)
        slug, people, replies = SMALL
        _child(
            [
                *manage,
                "generate",
                slug,
                "--people",
                str(people),
                "--interactions",
                str(replies),
                "--seed",
                str(SEED),
                "-v",
                "0",
            ],
            env,
        )
        out = _child(["-c", CHILD, str(REPEATS), slug], env)
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> dict[str, Any]:
    people, replies = sizes(quick)
    source = source_path(quick)
    results: dict[str, Any] = {
        "people": people,
        "replies": replies,
        "baseline": {"slug": SMALL[0], "people": SMALL[1], "replies": SMALL[2]},
        "target_seconds": TARGET_SECONDS,
        "repeats": REPEATS,
        "database": str(source.relative_to(REPO)),
    }
    if not source.exists():
        reason = (
            f"no database at {source.relative_to(REPO)}: build it with "
            f"`python -m bench.compass_bench{' --quick' if quick else ''} --only sqlite` "
            "(many minutes), then run this bench again"
        )
        return {**results, "skipped": reason, "summary": {"skipped": reason}}
    measured = measure(source)
    large, small = measured["large"], measured["small"]
    rows = {}
    for label, page in large["pages"].items():
        base = small["pages"].get(label, {})
        seconds = page["median_seconds"]
        rows[label] = {
            "large_seconds": round(seconds, 4),
            "small_seconds": round(base.get("median_seconds", float("nan")), 4),
            "ratio": round(seconds / base["median_seconds"], 2) if base else None,
            "status": page["status"],
            "url": page["url"],
        }
    slowest = max(r["large_seconds"] for r in rows.values())
    results |= {
        "threads": {"large": large["threads"], "small": small["threads"]},
        "pages": rows,
        "load_average": measured["load_average"],
        "slowest_large_seconds": slowest,
        "meets_target": slowest < TARGET_SECONDS and all(r["status"] == 200 for r in rows.values()),
    }
    summary: dict[str, Any] = {f"{k} s": v["large_seconds"] for k, v in rows.items()}
    summary["slowest × small"] = max((r["ratio"] or 0) for r in rows.values())
    summary["meets target"] = results["meets_target"]
    summary["load"] = measured["load_average"]["before"][0]
    results["summary"] = summary
    return results


def table(results: dict[str, Any]) -> str:
    if "skipped" in results:
        return f"skipped: {results['skipped']}"
    lines = [
        f"{results['threads']['large']:,} threads ({results['people']:,} people, "
        f"{results['replies']:,} replies) beside {results['threads']['small']:,} threads; "
        f"median of {results['repeats']}, load {results['load_average']['before'][0]:.2f}",
        "",
        "| page | large (s) | small (s) | × |",
        "|---|---|---|---|",
    ]
    for label, row in results["pages"].items():
        lines.append(
            f"| {label} | {row['large_seconds']:.3f} | {row['small_seconds']:.3f} "
            f"| {row['ratio']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results = run(quick=args.quick)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "pages-quick.json" if args.quick else "pages.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table(results))


if __name__ == "__main__":
    main()
