"""The authorization matrix's world (built once per module) and its one-line report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from practica.testing.authz import World, build_world
from practica.testing.authz_probes import Fetcher, Target, targets
from practica.trust.throttle import SUSPENDED_CACHE_KEY
from practica.weaving import index
from practica.weaving.index import indexes_forget
from practica.weaving.selectors import masks_forget


@dataclass
class Tally:
    checks: int = 0
    requests: int = 0
    leaks: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    #: (kind, channel, role) -> reason, for cells that do not apply.
    not_applicable: dict[tuple[str, str, str], str] = field(default_factory=dict)


TALLY = pytest.StashKey[Tally]()


def tally_of(config: pytest.Config) -> Tally:
    if TALLY not in config.stash:
        config.stash[TALLY] = Tally()
    return config.stash[TALLY]


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Tally:
    return tally_of(request.config)


@dataclass
class Matrix:
    world: World
    fetcher: Fetcher
    targets: list[Target]


def _forget() -> None:
    indexes_forget()
    masks_forget()
    cache.delete(SUSPENDED_CACHE_KEY)
    cache.clear()


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[Matrix]:
    """One world for every check of the module, rolled back afterwards."""
    background = index.BACKGROUND
    # Suggestions' indexes are built in the test's own thread (which alone sees this
    # transaction); lists fit on one page; the API's per-token rate is no concern here.
    index.BACKGROUND = False
    with (
        override_settings(PRACTICA_PAGE_SIZE=100, PRACTICA_API_RATE_PER_MINUTE=1_000_000),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        _forget()
        world = build_world()
        fetcher = Fetcher(world)
        yield Matrix(world, fetcher, targets(world, fetcher))
        transaction.set_rollback(True)
    _forget()
    index.BACKGROUND = background


def pytest_terminal_summary(terminalreporter: Any) -> None:
    found = terminalreporter.config.stash.get(TALLY, None)
    if found is None or not found.checks:
        return
    terminalreporter.write_line(
        f"authorization matrix: {found.checks} checks, {len(found.leaks)} leaks"
    )
    terminalreporter.write_line(
        f"  ({found.requests} requests, "
        f"{len(found.misses)} refusals of allowed access, "
        f"{len(found.not_applicable)} kind x channel x role cells not applicable)"
    )
