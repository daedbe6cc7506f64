"""Generated requests against every operation of /api/openapi.json (schemathesis).

Each operation gets ``POSITIVE_EXAMPLES`` cases that the schema allows and
``NEGATIVE_EXAMPLES`` that it forbids, sent in-process to the Django WSGI
application as the steward of a seeded community, a member, a person from
outside, a member suspended from that community, and an anonymous visitor.
Path parameters mostly name real objects of the demo (see ``conftest.py``),
and a few writes get bodies naming real people or an explicit case sent by the
steward, so every operation's handler answers with success at least once, not
only with its 404s. Every answer must be no server error, and must match the
status codes, content type and schema the document publishes.

Hypothesis runs derandomized, so the same code generates the same cases. Each
case runs in a savepoint that is rolled back, so cases do not depend on the
order of the operations. Failures are collected rather than raised, so one run
reports all of them, with the request that found each.
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import FuzzWorld

pytestmark = pytest.mark.fuzz

OPENAPI_PATH = "/api/openapi.json"
#: ``PRACTICA_FUZZ_SCALE=5 make fuzz`` multiplies the budget for a deeper (slower) hunt.
SCALE = max(1, int(os.environ.get("PRACTICA_FUZZ_SCALE", "1")))
POSITIVE_EXAMPLES = 20 * SCALE
NEGATIVE_EXAMPLES = 8 * SCALE
MIN_CASES = 1000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
IDENTITIES = ("steward", "member", "outsider", "suspended", "anonymous")


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    #: Operations whose handler answered with success at least once.
    succeeded: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    #: Distinct (operation, first line) of each failure, so one bug is reported once.
    seen: set[tuple[str, str]] = field(default_factory=set)
    not_generated: list[str] = field(default_factory=list)

    def fail(self, label: str, message: str) -> None:
        title = message.strip().splitlines()[0] if message.strip() else "failure"
        if (label, title) not in self.seen:
            self.seen.add((label, title))
            self.failures.append(f"{label}: {message.strip()}")


@contextmanager
def server_exceptions() -> Iterator[list[str]]:
    """Tracebacks of exceptions Django turned into a 500, to say where each came from."""
    found: list[str] = []

    def record(sender: object, request: object = None, **kwargs: Any) -> None:
        found.append(traceback.format_exc())

    got_request_exception.connect(record)
    try:
        yield found
    finally:
        got_request_exception.disconnect(record)


def _strategy(operation: Any, mode: GenerationMode, world: FuzzWorld) -> Any:
    """Cases for one operation, their path parameters mostly naming real objects."""
    names = [p.name for p in operation.path_parameters]
    if not names:
        return operation.as_strategy(mode)
    choices: list[dict[str, Any]] = [{}]
    for name in names:
        values = world.path_values(operation.path, name)
        choices = [{**c, name: v} for c in choices for v in values]
    real = [operation.as_strategy(mode, path_parameters=c) for c in choices]
    if mode == GenerationMode.POSITIVE:
        for body in world.bodies.get(f"{operation.method.upper()} {operation.path}", []):
            real += [operation.as_strategy(mode, path_parameters=c, body=body) for c in choices]
    # One branch in len(real) + 1 leaves the path parameters to the generator.
    return st.one_of(*real, operation.as_strategy(mode))


def _run_operation(
    operation: Any, mode: GenerationMode, examples: int, world: FuzzWorld, tally: Tally
) -> None:
    label = f"{operation.label} [{mode.value}]"
    explicit = []
    if mode == GenerationMode.POSITIVE:
        explicit = world.steward_cases.get(f"{operation.method.upper()} {operation.path}", [])

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, mode, world), who=st.sampled_from(IDENTITIES))
    def run(case: Any, who: str) -> None:
        token = world.tokens[who]
        if case.headers:
            case.headers.pop("Authorization", None)
        headers = {"Authorization": f"Bearer {token}"} if token else None
        with server_exceptions() as crashes, transaction.atomic():
            response = case.call(headers=headers)
            tally.cases += 1
            tally.statuses[response.status_code] += 1
            if response.status_code < 300:
                tally.succeeded.add(operation.label)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                detail = "\n".join(crashes[-1:])
                tally.fail(f"{label} as {who}", f"{group}\n{detail}")
            transaction.set_rollback(True)

    for kwargs in explicit:
        run = example(case=operation.Case(**kwargs), who="steward")(run)
    try:
        run()
    except Unsatisfiable:
        tally.not_generated.append(label)


def test_every_operation_answers_generated_requests_as_documented(
    fuzz_world: FuzzWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_wsgi(OPENAPI_PATH, get_wsgi_application())
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"an operation the document lists is invalid: {result}"
        operations.append(result.ok())
    assert len(operations) > 40, "the API document lists fewer operations than the API has"
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    named = set(fuzz_world.bodies) | set(fuzz_world.steward_cases)
    assert named <= labels, named - labels
    tally = Tally()
    for operation in operations:
        _run_operation(operation, GenerationMode.POSITIVE, POSITIVE_EXAMPLES, fuzz_world, tally)
        _run_operation(operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, fuzz_world, tally)
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
    with capsys.disabled():  # the summary shows on the terminal, pass or fail
        print(f"\nschemathesis: {len(operations)} operations; statuses {statuses}")
        never = [op.label for op in operations if op.label not in tally.succeeded]
        print(f"schemathesis: {len(operations) - len(never)} operations answered 2xx at least once")
        if never:
            print("never answered 2xx: " + ", ".join(never))
        if tally.not_generated:
            print("no cases could be generated for: " + ", ".join(tally.not_generated))
        print(f"schemathesis: {tally.cases} cases, {len(tally.failures)} failures")
    assert not tally.failures, "\n\n".join(tally.failures)
    assert tally.cases >= MIN_CASES
    assert not never, f"these operations never reached their handler's success: {never}"
    # Positive cases must reach the handlers: most answers are not 404s.
    assert tally.statuses[404] < tally.cases / 2, tally.statuses
