"""Fixtures for trust tests: a crowded community, levels set by hand, a clean cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.models import Community
from practica.communities.services import community_join
from practica.exchange.models import Thread, ThreadKind
from practica.exchange.services import thread_create
from practica.trust.models import TrustLevel
from practica.trust.rules import Level
from practica.trust.selectors import SMALL_COMMUNITY


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    # Rate limits, login counts and community sizes live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def crowd(people: object) -> list[User]:
    """Enough members that growers is no longer a small community (where limits are off)."""
    community: Community = people.community  # type: ignore[attr-defined]
    others = []
    for n in range(SMALL_COMMUNITY):
        person = user_create(username=f"walker{n}", password=f"pw-walker-{n}-x")
        community_join(community=community, user=person)
        others.append(person)
    return others


def set_level(person: User, community: Community, level: Level) -> TrustLevel:
    """Store a fresh level, as if just computed (the lazy refresh then keeps it)."""
    row, _ = TrustLevel.objects.update_or_create(
        person=person,
        community=community,
        defaults={"level": int(level), "computed_at": timezone.now(), "figures": {}},
    )
    return row


@pytest.fixture
def level() -> Callable[[User, Community, Level], TrustLevel]:
    return set_level


def question(community: Community, author: User, title: str = "Worms in winter?") -> Thread:
    return thread_create(
        community=community,
        author=author,
        kind=ThreadKind.QUESTION,
        title=title,
        body="Do they survive the frost?",
        tags=["worms"],
    )
