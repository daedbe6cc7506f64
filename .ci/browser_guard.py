"""pytest plugin loaded by ``.ci/run``: in CI, browser tests must run, not skip.

Browser tests skip themselves on a machine without Debian's Chromium, which is
right on a laptop and wrong in CI: a green run that skipped them would hide
a broken page. This plugin counts the tests marked ``browser`` and fails the
session when any of them was skipped, or when ``tests/browser`` exists but no
browser test ran at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_passed: list[str] = []
_failed: list[str] = []
_skipped: list[tuple[str, str]] = []


def _reason(report: pytest.TestReport) -> str:
    longrepr: Any = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" not in report.keywords:
        return
    if report.failed:
        _failed.append(report.nodeid)
    elif report.skipped:
        _skipped.append((report.nodeid, _reason(report)))
    elif report.when == "call" and report.passed:
        _passed.append(report.nodeid)


def _problems(rootdir: Path) -> list[str]:
    problems = [f"browser test skipped in CI: {node} ({why})" for node, why in _skipped]
    ran = len(_passed) + len(_failed)
    if ran == 0 and (rootdir / "tests" / "browser").is_dir():
        problems.append("tests/browser exists but no browser test ran")
    return problems


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts = f"{len(_passed)} passed, {len(_failed)} failed, {len(_skipped)} skipped"
    terminalreporter.write_line(f"browser tests: {counts}")
    for problem in _problems(Path(terminalreporter.config.rootpath)):
        terminalreporter.write_line(problem, red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _problems(Path(session.config.rootpath)) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
