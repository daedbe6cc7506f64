"""Run the benchmarks: ``python -m bench.run [--quick] [--only NAME] [--list]``.

Every module ``bench/<name>_bench.py`` exposes ``run(quick: bool = False) -> dict``.
The dict is the module's own business (it measures against a baseline taken in
the same run, so results compare like with like on a busy machine); the runner
only times the call, stores the dict as ``bench/results/<name>.json`` and puts
the headline figures in a table, ``bench/results/summary.md``.

A module may give the table its headline by returning a ``"summary"`` dict of
short label → value pairs; otherwise the scalar top-level values are shown.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SUFFIX = "_bench"


@dataclass
class Outcome:
    name: str
    seconds: float
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def discover(bench_dir: Path = BENCH_DIR) -> list[str]:
    """Names of the benchmark modules, ``bench/foo_bench.py`` giving ``foo``."""
    return sorted(p.stem[: -len(SUFFIX)] for p in bench_dir.glob(f"*{SUFFIX}.py"))


def load(name: str, package: str = "bench") -> Callable[..., dict[str, Any]]:
    module = importlib.import_module(f"{package}.{name}{SUFFIX}")
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"bench/{name}{SUFFIX}.py has no run(quick: bool = False) function")
    return run


def run_one(name: str, *, quick: bool, package: str = "bench") -> Outcome:
    started = time.perf_counter()
    try:
        result = load(name, package)(quick=quick)
        if not isinstance(result, dict):
            raise TypeError(f"run() returned {type(result).__name__}, not a dict")
        json.dumps(result, default=str)  # fail here, not half-way through writing a file
    except Exception:
        return Outcome(name, time.perf_counter() - started, error=traceback.format_exc())
    return Outcome(name, time.perf_counter() - started, result)


def headline(result: dict[str, Any]) -> dict[str, Any]:
    summary = result.get("summary")
    if isinstance(summary, dict):
        return summary
    return {k: v for k, v in result.items() if isinstance(v, int | float | str | bool)}


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary_table(outcomes: Sequence[Outcome]) -> str:
    lines = ["| benchmark | status | seconds | results |", "|---|---|---|---|"]
    for o in outcomes:
        if o.ok:
            figures = "; ".join(f"{k}: {_format(v)}" for k, v in headline(o.result).items())
        else:
            figures = _format(o.error.strip().splitlines()[-1])
        status = "ok" if o.ok else "FAILED"
        lines.append(f"| {o.name} | {status} | {o.seconds:.1f} | {figures or '—'} |")
    return "\n".join(lines)


def environment(quick: bool) -> dict[str, Any]:
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "quick": quick,
        "database": os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1],
    }


def write_results(outcomes: Sequence[Outcome], *, quick: bool, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    env = environment(quick)
    for o in outcomes:
        payload = {"benchmark": o.name, "seconds": round(o.seconds, 3), **env}
        payload.update({"result": o.result} if o.ok else {"error": o.error})
        path = results_dir / f"{o.name}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        tmp.replace(path)
    summary = results_dir / "summary.md"
    header = (
        f"# Benchmark results\n\n{env['when']}, Python {env['python']} on {env['machine']} "
        f"({env['cpus']} CPUs){', quick run' if quick else ''}. Each benchmark compares "
        "against a baseline measured in the same run; details in `<name>.json`.\n\n"
    )
    summary.write_text(header + summary_table(outcomes) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only NAME (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    names = discover()
    if args.list:
        print("\n".join(names) or "no benchmarks (bench/*_bench.py)")
        return 0
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            print(
                f"unknown benchmark(s): {', '.join(unknown)}; "
                f"available: {', '.join(names) or 'none'}",
                file=sys.stderr,
            )
            return 2
        names = [n for n in names if n in args.only]
    if not names:
        print("no benchmarks found (bench/*_bench.py)", file=sys.stderr)
        return 1

    # Benchmarks that use the ORM call django.setup() themselves (and choose their database).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
    outcomes = []
    for name in names:
        print(f"running {name}{' (quick)' if args.quick else ''}...", flush=True)
        outcome = run_one(name, quick=args.quick)
        if not outcome.ok:
            print(outcome.error, file=sys.stderr)
        outcomes.append(outcome)
    summary = write_results(outcomes, quick=args.quick, results_dir=args.results)
    print()
    print(summary_table(outcomes))
    print(f"\nwritten to {summary.parent}/")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
