"""The authorization matrix (issue #7): every kind of object x every role x every channel.

The expected access is declared in ``practica/testing/authz_policy.py``; the world and
the channels in ``practica/testing/authz.py`` and ``authz_probes.py``. Each check
fetches an object through a real channel as one role and asserts that its marker is
there if and only if the policy allows it, that a refused single object answers an
error status (never a 500), and reports every leak with the object, the role, the
channel and where it appeared.
"""

from __future__ import annotations

import pytest

from practica.testing.authz_policy import (
    ALL_ROLES,
    CHANNELS,
    KINDS,
    NOT_APPLICABLE,
    SUSPENDED_API,
    Subject,
    Verdict,
    expect,
    table_is_complete,
    through,
)
from practica.testing.authz_probes import Probe, Seen, Target

from .conftest import Matrix, Tally

pytestmark = pytest.mark.django_db

DENIED_STATUSES = {302, 401, 403, 404}


def _judge(target: Target, role: str, probe: Probe, verdict: Verdict, seen: Seen) -> str | None:
    """None when the answer keeps the promise; otherwise what went wrong."""
    at = f"{target.label} | role {role} | channel {probe.channel} | {probe.where}"
    if seen.status >= 500:
        return f"SERVER ERROR {seen.status}: {at}"
    shown = [n for n in target.needles if n in seen.text]
    if verdict.allowed:
        if probe.absent_only:
            return None
        if seen.status != 200 or not shown:
            return f"REFUSED ({seen.status}) though allowed ({verdict.rule}): {at}"
        return None
    if shown:
        return f"LEAK of {shown[0]!r} ({seen.status}) though denied ({verdict.rule}): {at}"
    if probe.detail and seen.status not in DENIED_STATUSES:
        return f"DENIED OBJECT ANSWERED {seen.status} (want 403/404/login): {at}"
    if probe.detail and probe.twin is not None and verdict.rule != SUSPENDED_API:
        missing = probe.twin(role).status
        if missing != seen.status:
            return f"DENIED OBJECT TOLD APART ({seen.status}; a missing one {missing}): {at}"
    return None


def run_channel(matrix: Matrix, tally: Tally, channel: str) -> None:
    leaks: list[str] = []
    misses: list[str] = []
    outcomes: set[bool] = set()
    for target in matrix.targets:
        if target.only is not None and channel not in target.only:
            continue
        probes = [p for p in target.probes if p.channel == channel]
        for role in ALL_ROLES:
            verdict = expect(target.subject, role, channel)
            if verdict.allowed is None:
                tally.not_applicable[(target.subject.kind, channel, role)] = verdict.rule
                continue
            assert probes, f"no probe of {target.label} on {channel} for an applicable cell"
            for probe in probes:
                if probe.roles is not None and role not in probe.roles:
                    continue
                seen = probe.fetch(role)
                wanted = through(verdict, role, scoped_api=probe.scoped_api)
                outcomes.add(bool(wanted.allowed))
                tally.checks += 1
                problem = _judge(target, role, probe, wanted, seen)
                if problem is None:
                    continue
                (leaks if problem.startswith(("LEAK", "SERVER", "DENIED")) else misses).append(
                    problem
                )
    # A channel checked only one way (all allowed, or all denied) would prove little.
    assert outcomes == {True, False}, f"{channel}: every check expected {outcomes}"
    tally.requests = matrix.fetcher.requests
    tally.leaks += leaks
    tally.misses += misses
    assert not leaks and not misses, (
        f"{len(leaks)} leaks and {len(misses)} refusals on {channel}:\n"
        + "\n".join([*leaks, *misses][:60])
    )


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_object_is_read_through_the_channel_exactly_as_the_policy_says(
    matrix: Matrix, tally: Tally, channel: str
) -> None:
    run_channel(matrix, tally, channel)


def test_the_judge_calls_a_marker_shown_where_denied_a_leak_and_one_missing_a_refusal() -> None:
    target = Target(Subject("thread", "closed", "private"), "thread closed/private", ("zqxq",))
    probe = Probe("page", "GET /c/closed/t/1/", lambda role: Seen(200, ""), detail=True)
    denied, allowed = Verdict(False, "closed"), Verdict(True, "open")
    leak = _judge(target, "steward", probe, denied, Seen(200, "<h1>zqxq</h1>"))
    assert leak is not None and leak.startswith("LEAK of 'zqxq'") and "role steward" in leak
    assert _judge(target, "steward", probe, denied, Seen(404, "")) is None
    shown = _judge(target, "steward", probe, denied, Seen(200, "nothing"))
    assert shown is not None and shown.startswith("DENIED OBJECT ANSWERED 200")
    twinned = Probe(
        "page", "GET /c/closed/t/1/", lambda role: Seen(404, ""), detail=True,
        twin=lambda role: Seen(404, ""),
    )  # fmt: skip
    told = _judge(target, "steward", twinned, denied, Seen(403, "Forbidden"))
    assert told is not None and told.startswith("DENIED OBJECT TOLD APART (403; a missing one 404)")
    assert _judge(target, "steward", twinned, denied, Seen(404, "")) is None
    crash = _judge(target, "member", probe, allowed, Seen(500, "zqxq"))
    assert crash is not None and crash.startswith("SERVER ERROR 500")
    missing = _judge(target, "member", probe, allowed, Seen(200, "nothing"))
    assert missing is not None and missing.startswith("REFUSED (200)")
    assert _judge(target, "member", probe, allowed, Seen(200, "zqxq")) is None


@pytest.mark.parametrize(
    ("kind", "community", "place", "role", "channel", "allowed"),
    [
        # docs/privacy.md: a steward is no key to a closed circle, on any channel.
        ("thread", "open", "private", "steward", "page", False),
        ("reply", "open", "confidential", "steward", "search", False),
        ("thread", "open", "private", "circle_member", "page", True),
        # Members' circles need an active membership; public communities are read by all.
        ("thread", "open", "members", "anonymous", "api", False),
        ("story", "open", "none", "anonymous", "feeds", True),
        ("thread", "closed", "none", "outsider", "search", False),
        # Closed circles are in no feed and in no export, even for their own members.
        ("thread", "open", "private", "circle_member", "feeds", False),
        ("thread", "open", "confidential", "operator", "exports", False),
        ("thread", "open", "members", "operator", "exports", True),
        # Hidden content: its author and the stewards only.
        ("thread", "open", "hidden", "member", "page", False),
        ("thread", "open", "hidden", "steward", "page", True),
        # The Chatham House rule: words travel, names stay in the circle.
        ("attribution", "open", "chatham", "member", "page", False),
        ("attribution", "open", "chatham", "circle_member", "page", True),
        ("profile", "open", "chatham", "steward", "page", False),
        # The compass's detail: stewards only, never a confidential circle's people.
        ("compass detail", "open", "none", "member", "compass", False),
        ("compass detail", "closed", "none", "member", "compass", True),
        ("compass detail", "closed", "private", "member", "compass", False),
        ("compass detail", "closed", "private", "steward", "compass", False),
        ("compass detail", "open", "confidential", "steward", "compass", False),
        # docs/trust.md: who asks to join is for the stewards, who approve or turn it down.
        ("join request", "open", "none", "steward", "page", True),
        ("join request", "closed", "none", "steward", "api", True),
        ("join request", "open", "none", "member", "api", False),
        ("join request", "closed", "none", "circle_member", "page", False),
        ("join request", "open", "none", "anonymous", "page", False),
    ],
)
def test_the_policy_says_what_the_documents_promise(
    kind: str, community: str, place: str, role: str, channel: str, allowed: bool
) -> None:
    assert expect(Subject(kind, community, place), role, channel).allowed is allowed


def test_a_suspended_person_reads_pages_but_not_the_api_where_suspended() -> None:
    subject = Subject("thread", "open", "none")
    verdict = expect(subject, "suspended", "api")
    assert verdict.allowed is True
    assert through(verdict, "suspended", scoped_api=True).allowed is False
    assert through(verdict, "suspended", scoped_api=False).allowed is True


def test_the_policy_covers_every_kind_and_channel_with_a_rule_or_a_reason() -> None:
    assert table_is_complete() == []
    assert all(reason.strip() for reason in NOT_APPLICABLE.values())


def test_every_kind_is_in_the_world_and_every_applicable_cell_has_a_probe(
    matrix: Matrix,
) -> None:
    kinds = {t.subject.kind for t in matrix.targets}
    assert kinds == set(KINDS)
    for kind in KINDS:
        for channel in CHANNELS:
            if (kind, channel) in NOT_APPLICABLE:
                continue
            assert any(
                t.subject.kind == kind and any(p.channel == channel for p in t.probes)
                for t in matrix.targets
            ), f"{kind} x {channel} applies but nothing probes it"
