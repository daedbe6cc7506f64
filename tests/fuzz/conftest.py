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
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models import QuerySet

from practica.accounts.models import User
from practica.accounts.services import token_create, user_create
from practica.communities.models import (
    Agreement,
    Circle,
    CircleTier,
    Community,
    Membership,
    MembershipStatus,
    Role,
)
from practica.core.demo.seed import demo_seed
from practica.exchange.models import Reply, Thread, ThreadKind
from practica.exchange.services import reply_create, thread_create
from practica.learning.models import Experiment, Observation, Practice
from practica.learning.services import experiment_join, experiment_propose, reflection_add
from practica.surveys.models import Survey
from practica.surveys.services import survey_close, survey_create, survey_open
from practica.trust.services import content_hide, suspension_create
from practica.weaving import index
from practica.weaving.index import indexes_forget
from practica.weaving.models import Notification
from practica.weaving.selectors import masks_forget
from practica.weaving.services import notification_create

#: How many real objects of each kind the cases may name (the first ones, by id).
PER_KIND = 6
#: A slug, an id and a username that name nothing, so that 404s stay part of the run.
MISSING_SLUG = "no-such-community"
MISSING_ID = 987654321
MISSING_USERNAME = "no-such-person"


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
    #: Bodies naming real people and versions, by "METHOD path", for writes whose
    #: success random text cannot reach (a username, the agreement's version).
    bodies: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    #: Cases the steward sends first, by "METHOD path": ``Case`` keyword arguments for
    #: writes that succeed only on one particular object (accepting an answer to
    #: their own question).
    steward_cases: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def path_values(self, path: str, name: str) -> list[object]:
        """Real values for the parameter ``name`` of the operation at ``path``."""
        if name == "slug":
            return self.values["slug"]
        if name != "id":  # experiment_id, thread_id, ...: the name says the kind
            return self.values[name.removesuffix("_id")]
        kind = path.removeprefix("/api/v1/").split("/", 1)[0]
        return self.values[{"threads": "thread", "replies": "reply"}.get(kind, kind.rstrip("s"))]


def _ids(queryset: QuerySet[Any], *extra: QuerySet[Any]) -> list[object]:
    """``PER_KIND`` ids spread over all, the first two of each ``extra``, and a missing id."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // PER_KIND)
    chosen: list[object] = list(ids[::step][:PER_KIND])
    for more in extra:
        for pk in more.order_by("pk").values_list("pk", flat=True)[:2]:
            if pk not in chosen:
                chosen.append(pk)
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
def fuzz_world(
    db: None, no_connection_recycling: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FuzzWorld]:
    # The per-token rate limit is documented (429); the fuzz sends far more than
    # a person would, and counts on reaching the handlers.
    settings.PRACTICA_API_RATE_PER_MINUTE = 1_000_000
    # Weaving's indexes are cached per process by community id, and refreshed in
    # the request's own thread: only it sees the test's transaction.
    monkeypatch.setattr(index, "BACKGROUND", False)
    indexes_forget()
    masks_forget()
    cache.clear()
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
    # Suspended from the growers: the API refuses them there (403) before any handler.
    suspended = (
        Membership.objects.filter(community=growers, role=Role.MEMBER)
        .order_by("-pk")
        .select_related("user")
        .first()
    )
    assert suspended is not None and suspended.pk != member.pk
    suspension_create(
        actor=steward, person=suspended.user, community=growers, note="fuzz: cooling off"
    )
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
        "suspended": token_create(user=suspended.user, name="fuzz")[1],
        "anonymous": None,
    }
    slugs: list[object] = [
        *Community.objects.order_by("pk").values_list("slug", flat=True)[:PER_KIND],
        MISSING_SLUG,
    ]
    hidden = [CircleTier.PRIVATE, CircleTier.CONFIDENTIAL]
    # Things the steward can act on, so that those writes can succeed too: a
    # reply to their own open question, someone else's story, hidden content.
    others = Thread.objects.filter(community=growers).exclude(author=steward).order_by("pk")
    asked = thread_create(
        community=growers,
        author=steward,
        kind=ThreadKind.QUESTION,
        title="Which cover crop after garlic?",
        body="The bed is free from July.",
    )
    answer = reply_create(thread=asked, author=member.user, body="Buckwheat, sown at once.")
    told = thread_create(
        community=growers,
        author=member.user,
        kind=ThreadKind.STORY,
        title="The hedge that fed the bees",
        context="A bare fence.",
        what_happened="We planted hawthorn.",
        learned="Bees came back.",
    )
    shown = others.filter(hidden_at__isnull=True).exclude(circle__tier__in=hidden)
    hidden_thread = shown.first()
    assert hidden_thread is not None
    content_hide(actor=steward, thread=hidden_thread, reply=None, note="fuzz")
    hidden_reply = (
        Reply.objects.filter(thread__in=shown.exclude(pk=hidden_thread.pk))
        .exclude(author=steward)
        .order_by("pk")
        .first()
    )
    assert hidden_reply is not None
    content_hide(actor=steward, thread=hidden_reply.thread, reply=hidden_reply, note="fuzz")
    tried = experiment_propose(
        community=growers,
        proposer=steward,
        title="Mulch before the heat",
        question="Does mulching in May save water?",
        hypothesis="A third less watering.",
    )
    experiment_join(experiment=tried, person=member.user)
    reflection_add(experiment=tried, actor=steward, learned="Mulch kept the beds moist.")
    ongoing = experiment_propose(
        community=growers,
        proposer=steward,
        title="Comfrey tea for tomatoes",
        question="Does comfrey tea raise the yield?",
        hypothesis="A tenth more tomatoes.",
    )
    experiment_join(experiment=ongoing, person=member.user)
    agreement = Agreement.objects.filter(community=growers, circle=None).order_by("-version")
    # Stewarding members: the demo's members-only community (the steward stewards it too)
    # has a request to join waiting; the growers' member can change role or be removed.
    hubs = Community.objects.get(slug="compost-hubs")
    asking = (
        Membership.objects.filter(community=hubs, status=MembershipStatus.PENDING)
        .select_related("user")
        .first()
    )
    assert (
        asking is not None
        and steward.memberships.filter(
            community=hubs, role=Role.STEWARD, status=MembershipStatus.ACTIVE
        ).exists()
    )
    hub_member = (
        Membership.objects.filter(community=hubs, role=Role.MEMBER, status=MembershipStatus.ACTIVE)
        .order_by("pk")
        .select_related("user")
        .first()
    )
    assert hub_member is not None
    members_path = "/api/v1/communities/{slug}/members/{username}"
    people = list(
        Membership.objects.filter(community=growers, role=Role.MEMBER)
        .order_by("pk")
        .values_list("user__username", flat=True)[:3]
    )
    yield FuzzWorld(
        tokens=tokens,
        values={
            "slug": slugs,
            "thread": _ids(
                Thread.objects.all(),
                Thread.objects.filter(circle__tier__in=hidden),
                Thread.objects.filter(pk__in=[asked.pk, told.pk]),
                Thread.objects.filter(pk=hidden_thread.pk),
            ),
            "reply": _ids(
                Reply.objects.all(),
                Reply.objects.filter(thread__circle__tier__in=hidden),
                Reply.objects.filter(pk=answer.pk),
                Reply.objects.filter(pk=hidden_reply.pk),
            ),
            "circle": _ids(Circle.objects.all()),
            "survey": _ids(Survey.objects.all()),
            "experiment": _ids(
                Experiment.objects.all(), Experiment.objects.filter(pk__in=[tried.pk, ongoing.pk])
            ),
            "observation": _ids(Observation.objects.all()),
            "practice": _ids(Practice.objects.all()),
            "notification": _ids(Notification.objects.filter(recipient=steward)),
            "username": [
                asking.user.username,
                member.user.username,
                hub_member.user.username,
                MISSING_USERNAME,
            ],
        },
        bodies={
            "POST /api/v1/communities/{slug}/circles": [
                {"name": "Night shift", "slug": "night-shift", "tier": "private"}
            ],
            "POST /api/v1/circles/{id}/invite": [{"username": name} for name in people],
            "POST /api/v1/communities/{slug}/agreement": [
                {"version": a.version} for a in agreement[:1]
            ],
            "POST /api/v1/experiments/{experiment_id}/decision": [
                {"decision": "adopt", "note": "It worked."},
                {"decision": "iterate", "next_plan": "Try it in winter."},
            ],
            "POST /api/v1/threads/{thread_id}/invitations": [{"username": name} for name in people],
            "POST /api/v1/communities/{slug}/introductions": [
                {"person_a": people[0], "person_b": people[1], "note": "You both compost."}
            ],
        },
        steward_cases={
            "POST /api/v1/replies/{id}/accept": [{"path_parameters": {"id": answer.pk}}],
            "POST /api/v1/threads/{id}/acknowledge": [{"path_parameters": {"id": told.pk}}],
            "POST /api/v1/experiments/{experiment_id}/decision": [
                {
                    "path_parameters": {"experiment_id": tried.pk},
                    "body": {"decision": "adapt", "note": "Mulch, but thinner."},
                }
            ],
            "POST /api/v1/experiments/{experiment_id}/observations": [
                {
                    "path_parameters": {"experiment_id": ongoing.pk},
                    "body": {"what_we_did": "Fed weekly.", "what_happened": "Darker leaves."},
                }
            ],
            "POST /api/v1/experiments/{experiment_id}/reflection": [
                {
                    "path_parameters": {"experiment_id": ongoing.pk},
                    "body": {"learned": "Leaves, not fruit."},
                }
            ],
            "POST /api/v1/threads/{id}/restore": [
                {"path_parameters": {"id": hidden_thread.pk}, "body": {"note": "on reflection"}}
            ],
            "POST /api/v1/replies/{id}/restore": [
                {"path_parameters": {"id": hidden_reply.pk}, "body": {"note": "on reflection"}}
            ],
            f"POST {members_path}/approve": [
                {"path_parameters": {"slug": hubs.slug, "username": asking.user.username}}
            ],
            f"POST {members_path}/turn-down": [
                {
                    "path_parameters": {"slug": hubs.slug, "username": asking.user.username},
                    "body": {"note": "Not this season."},
                }
            ],
            f"PATCH {members_path}": [
                {
                    "path_parameters": {"slug": growers.slug, "username": member.user.username},
                    "body": {"role": "steward"},
                }
            ],
            f"DELETE {members_path}": [
                {
                    "path_parameters": {"slug": growers.slug, "username": member.user.username},
                    "body": {"note": "fuzz: moved away"},
                }
            ],
        },
    )
    indexes_forget()
    masks_forget()
    cache.clear()
