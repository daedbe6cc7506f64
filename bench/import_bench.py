"""Stack Exchange import benchmark: rows per second on SQLite and PostgreSQL, against parsing.

``python -m bench.import_bench [--quick]`` (or through ``bench.run``).

On beer.stackexchange.com (``../shared/data/stackexchange``) it measures, in one run:

- the baseline: ``lxml.etree.iterparse`` over the files the importer reads
  (Users, Posts, Comments, Votes, PostLinks, Tags), each row's Id read and
  the element cleared, nothing else (best of three; one with ``--quick``);
- our parser alone (``practica.importers.stackexchange.parse``, records dropped);
- the whole import (``practica import stackexchange --json``) into a fresh SQLite
  database and a fresh PostgreSQL one, each in a child process, timed by the
  command itself (from reading the first file to the last commit; Django's
  start-up is left out), plus a second run over the same data (all unchanged);
- the write floor (``bench/write_floor.py``): exactly the rows the first import
  stored, written bare (``executemany`` / ``COPY``) into a copy of the freshly
  migrated database, with the search index and without it.

Rows are the rows of those XML files. Throughput is rows per wall-clock
second; the importing process's CPU seconds are given beside it, because on
a shared machine the wall clock also counts time spent waiting for a core.
The target: import throughput at least a third of the parse-only throughput.

PostgreSQL needs a server: ``PRACTICA_BENCH_POSTGRES_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``) is used to create and drop a
``practica_bench_import`` database; without one that half is skipped, with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lxml import etree

from bench import write_floor

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DUMP = REPO.parent / "shared" / "data" / "stackexchange" / "beer.stackexchange.com"
FILES = ("Users.xml", "Posts.xml", "Comments.xml", "Votes.xml", "PostLinks.xml", "Tags.xml")
PG_ADMIN_URL = os.environ.get(
    "PRACTICA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "practica_bench_import"
RESULTS = BENCH_DIR / "results" / "import.json"
TARGET_RATIO = 1 / 3


def parse_only(dump: Path) -> tuple[int, float, float]:
    """Rows, seconds and CPU seconds to read every row of the files with iterparse, and
    nothing else."""
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    for name in FILES:
        path = dump / name
        if not path.exists():
            continue
        for _, el in etree.iterparse(
            str(path), tag="row", resolve_entities=False, no_network=True, load_dtd=False
        ):
            el.get("Id")
            count += 1
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    return count, time.perf_counter() - started, time.process_time() - cpu


def parser_only(dump: Path) -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
    import django

    django.setup()
    from practica.importers.stackexchange import parse

    started = time.perf_counter()
    for _ in parse(dump):
        pass
    return time.perf_counter() - started


def _child(args: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """Run a management command; its JSON output and the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    return (json.loads(lines[-1]) if lines else {}), cpu


def import_run(url: str, copy_url: str, home: Path, dump: Path, rows: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "PRACTICA_HOME": str(home)}
    env["PRACTICA_ENV"] = "development"
    _child(["migrate", "-v0"], env)
    write_floor.clone(url, copy_url)
    command = ["import", "stackexchange", str(dump), "--community", "beer", "--json"]
    first, cpu = _child(command, env)
    floor = write_floor.floors(url, copy_url, str(REPO), env)
    floor["rows_per_second"] = round(rows / floor["seconds"])
    bare = floor["without_search_index"]
    bare["rows_per_second"] = round(rows / bare["seconds"])
    again, cpu_again = _child(command, env)
    return {
        "seconds": first["seconds"],
        "rows_per_second": round(rows / first["seconds"]),
        # The command's own CPU, from reading the first file to the last commit.
        "cpu_seconds": first["cpu_seconds"],
        "process_cpu_seconds": round(cpu, 2),
        "created": first["created"],
        "rerun_seconds": again["seconds"],
        "rerun_rows_per_second": round(rows / again["seconds"]),
        "rerun_created_updated": [again["created"], again["updated"]],
        "rerun_process_cpu_seconds": round(cpu_again, 2),
        "write_floor": floor,
    }


def postgres(dump: Path, rows: int, home: Path) -> dict[str, Any]:
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except Exception as exc:
        return {"skipped": f"no PostgreSQL server at {PG_ADMIN_URL}: {exc}"}
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_DB}")
        try:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
            return import_run(url, f"{url}_floor", home, dump, rows)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def run(quick: bool = False) -> dict[str, Any]:
    if not DUMP.is_dir():
        return {"skipped": f"the Stack Exchange dump is not here ({DUMP} is absent)"}
    repeats = 1 if quick else 3
    load_before = os.getloadavg()[0]
    rows, parse_seconds, parse_cpu = min(
        (parse_only(DUMP) for _ in range(repeats)), key=lambda r: r[1]
    )
    parse_rate = rows / parse_seconds
    result: dict[str, Any] = {
        "dump": DUMP.name,
        "rows": rows,
        "parse_only": {
            "seconds": round(parse_seconds, 3),
            "cpu_seconds": round(parse_cpu, 3),
            "rows_per_second": round(parse_rate),
        },
        "parser": {"seconds": round(parser_only(DUMP), 3)},
        "target_ratio": round(TARGET_RATIO, 3),
        # Wall-clock rates on a shared machine depend on its load: read them with this.
        "load_average_at_start": round(load_before, 2),
    }
    result["parser"]["rows_per_second"] = round(rows / result["parser"]["seconds"])
    result["parser"]["ratio_to_parse_only"] = round(
        result["parser"]["rows_per_second"] / parse_rate, 3
    )
    with tempfile.TemporaryDirectory(prefix="practica-bench-import-") as tmp:
        home = Path(tmp)
        result["sqlite"] = import_run(
            f"sqlite:///{home / 'bench.sqlite3'}",
            f"sqlite:///{home / 'floor.sqlite3'}",
            home,
            DUMP,
            rows,
        )
        result["postgresql"] = postgres(DUMP, rows, home)
    summary: dict[str, Any] = {
        "parse-only rows/s": result["parse_only"]["rows_per_second"],
        "parser ratio": result["parser"]["ratio_to_parse_only"],
    }
    for backend in ("sqlite", "postgresql"):
        measured = result[backend]
        if "rows_per_second" in measured:
            ratio = measured["rows_per_second"] / parse_rate
            measured["ratio_to_parse_only"] = round(ratio, 3)
            # In CPU seconds of the import (a busy machine disturbs them less; the
            # PostgreSQL server's own CPU is not counted).
            measured["cpu_ratio_to_parse_only"] = round(parse_cpu / measured["cpu_seconds"], 3)
            measured["meets_target"] = ratio >= TARGET_RATIO
            floor = measured["write_floor"]
            # The bare write alone, against parsing alone: no import that also
            # parses can beat it. Below a third, the target is out of reach here.
            floor["ratio_to_parse_only"] = round(floor["rows_per_second"] / parse_rate, 3)
            floor["cpu_ratio_to_parse_only"] = round(parse_cpu / floor["cpu_seconds"], 3)
            summary[f"{backend} rows/s"] = measured["rows_per_second"]
            summary[f"{backend} ratio"] = round(ratio, 3)
            bare = floor["without_search_index"]
            bare["ratio_to_parse_only"] = round(bare["rows_per_second"] / parse_rate, 3)
            summary[f"{backend} write floor ratio"] = floor["ratio_to_parse_only"]
            summary[f"{backend} write floor ratio, no search index"] = bare["ratio_to_parse_only"]
    result["load_average_at_end"] = round(os.getloadavg()[0], 2)
    result["summary"] = summary
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    result = run(quick=parser.parse_args().quick)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
