"""The benchmark runner: discovery, results on disk, and failures that are reported."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import run as runner


@pytest.fixture
def bench_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throwaway ``fakebench`` package with two benchmarks, one of which breaks."""
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fast_bench.py").write_text(
        "def run(quick=False):\n"
        "    return {'summary': {'speed-up': 2.5 if quick else 3.0, 'rows': 10},"
        " 'detail': [1, 2, 3]}\n"
    )
    (package / "broken_bench.py").write_text(
        "def run(quick=False):\n    raise RuntimeError('the baseline did not build')\n"
    )
    (package / "helpers.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in [m for m in sys.modules if m.startswith("fakebench")]:
        del sys.modules[name]


def test_discover_finds_only_modules_named_like_benchmarks(bench_package: Path) -> None:
    assert runner.discover(bench_package) == ["broken", "fast"]


def test_results_are_written_per_benchmark_and_as_a_summary_table(
    bench_package: Path, tmp_path: Path
) -> None:
    outcomes = [runner.run_one(n, quick=True, package="fakebench") for n in ("broken", "fast")]
    results = tmp_path / "results"
    summary = runner.write_results(outcomes, quick=True, results_dir=results)

    fast = json.loads((results / "fast.json").read_text())
    assert fast["result"]["summary"] == {"speed-up": 2.5, "rows": 10}
    assert fast["quick"] is True
    broken = json.loads((results / "broken.json").read_text())
    assert "the baseline did not build" in broken["error"]
    table = summary.read_text()
    assert "| fast | ok |" in table and "speed-up: 2.5; rows: 10" in table
    assert "| broken | FAILED |" in table and "RuntimeError: the baseline did not build" in table


def test_a_benchmark_that_returns_something_else_than_a_dict_fails_clearly(
    bench_package: Path,
) -> None:
    (bench_package / "odd_bench.py").write_text("def run(quick=False):\n    return 42\n")
    outcome = runner.run_one("odd", quick=False, package="fakebench")
    assert not outcome.ok
    assert "run() returned int, not a dict" in outcome.error


def test_the_command_line_refuses_an_unknown_benchmark_by_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert runner.main(["--only", "no-such-thing"]) == 2
    assert "unknown benchmark(s): no-such-thing" in capsys.readouterr().err
