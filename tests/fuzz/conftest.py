"""The world the API fuzz runs against: the demo communities, seeded through the services.

Generated cases only find bugs behind a handler if their path parameters name
real things, so ``fuzz_world`` seeds the demo (two communities, their circles,
threads, replies, experiments, observations and practices), adds what the demo
lacks (a notification and pulse surveys), and lists real values for every path
parameter of the API.

The fuzz runs only when asked for by marker (``make fuzz``, ``pytest -m fuzz``
and the CI's fuzz step): it takes minutes, so ``make test`` deselects it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models import QuerySet

from practica.accounts.models import User
from practica.accounts.services import token_create, user_create
from practica.communities.models import Circle, CircleTier, Community, Membership, Role
from practica.core.demo.seed import demo_seed
from practica.exchange.models import Reply, Thread
from practica.learning.models import Experiment, Observation, Practice
from practica.surveys.models import Survey
from practica.surveys.services import survey_close, survey_create, survey_open
from practica.weaving.models import Notification
from practica.weaving.services import notification_create

#: How many real objects of each kind the cases may name (the first ones, by id).
PER_KIND = 6
#: A slug and an id that name nothing, so that 404s stay part of the run.
MISSING_SLUG = "no-such-community"
MISSING_ID = 987654321


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the fuzz unless the marker expression asks for it (``-m fuzz``)."""
    if "fuzz" in (config.option.markexpr or ""):
        return
    kept = [item for item in items if item.get_closest_marker("fuzz") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@dataclass
class FuzzWorld:
    """Who calls (a token per person, None for anonymous) and what path parameters name."""

    tokens: dict[str, str | None]
    #: Real values of each path parameter, by the path prefix that gives the id its kind.
    values: dict[str, list[object]] = field(default_factory=dict)

    def path_values(self, path: str, name: str) -> list[object]:
        """Real values for the parameter ``name`` of the operation at ``path``."""
        if name == "slug":
            return self.values["slug"]
        if name != "id":  # experiment_id, thread_id, ...: the name says the kind
            return self.values[name.removesuffix("_id")]
        kind = path.removeprefix("/api/v1/").split("/", 1)[0]
        return self.values[{"threads": "thread", "replies": "reply"}.get(kind, kind.rstrip("s"))]


def _ids(queryset: QuerySet[Any], *extra: QuerySet[Any]) -> list[object]:
    """``PER_KIND`` ids spread over all, the first of each ``extra``, and a missing id."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // PER_KIND)
    chosen: list[object] = list(ids[::step][:PER_KIND])
    for more in extra:
        first = more.order_by("pk").values_list("pk", flat=True).first()
        if first is not None and first not in chosen:
            chosen.append(first)
    return [*chosen, MISSING_ID]


@pytest.fixture
def no_connection_recycling() -> Iterator[None]:
    """Keep the test's database connection across in-process requests.

    Django closes connections at the start and end of every request; inside a
    test's transaction that would throw the transaction away. Django's own test
    client does the same disconnection.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db: None, no_connection_recycling: None, settings: object) -> FuzzWorld:
    # The per-token rate limit is documented (429); the fuzz sends far more than
    # a person would, and counts on reaching the handlers.
    settings.PRACTICA_API_RATE_PER_MINUTE = 1_000_000  # type: ignore[attr-defined]
    demo_seed()
    growers = Community.objects.get(slug="urban-growers")
    steward = User.objects.get(
        memberships__community=growers, memberships__role=Role.STEWARD, username="steward"
    )
    member = (
        Membership.objects.filter(community=growers, role=Role.MEMBER)
        .order_by("pk")
        .select_related("user")
        .first()
    )
    assert member is not None
    outsider = user_create(
        username="fuzz-outsider", email="outsider@example.org", password="pw-outsider-123"
    )
    for community in Community.objects.filter(slug__in=["urban-growers", "compost-hubs"]):
        stewarding = Membership.objects.filter(community=community, role=Role.STEWARD).first()
        assert stewarding is not None
        actor = stewarding.user
        survey_create(community=community, actor=actor, title="Draft pulse", scales=["trust"])
        running = survey_create(
            community=community, actor=actor, title="Open pulse", scales=["trust", "value"]
        )
        survey_open(survey=running, actor=actor)
        closed = survey_create(
            community=community,
            actor=actor,
            title="Closed pulse",
            scales=["psychological_safety"],
            ask_story=True,
        )
        survey_open(survey=closed, actor=actor)
        survey_close(survey=closed, actor=actor)
    for n in range(2):
        notification_create(recipient=steward, text=f"fuzz notice {n}", community=growers)
    tokens: dict[str, str | None] = {
        "steward": token_create(user=steward, name="fuzz")[1],
        "member": token_create(user=member.user, name="fuzz")[1],
        "outsider": token_create(user=outsider, name="fuzz")[1],
        "anonymous": None,
    }
    slugs: list[object] = [
        *Community.objects.order_by("pk").values_list("slug", flat=True)[:PER_KIND],
        MISSING_SLUG,
    ]
    hidden = [CircleTier.PRIVATE, CircleTier.CONFIDENTIAL]
    return FuzzWorld(
        tokens=tokens,
        values={
            "slug": slugs,
            "thread": _ids(Thread.objects.all(), Thread.objects.filter(circle__tier__in=hidden)),
            "reply": _ids(
                Reply.objects.all(), Reply.objects.filter(thread__circle__tier__in=hidden)
            ),
            "circle": _ids(Circle.objects.all()),
            "survey": _ids(Survey.objects.all()),
            "experiment": _ids(Experiment.objects.all()),
            "observation": _ids(Observation.objects.all()),
            "practice": _ids(Practice.objects.all()),
            "notification": _ids(Notification.objects.filter(recipient=steward)),
        },
    )
