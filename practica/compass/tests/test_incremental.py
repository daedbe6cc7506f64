"""Incremental recomputation: a refresh reads only what was appended since the last one,
and anything else (hiding, deleting, editing what the compass reads, a circle turned
confidential, a person deleted or made a system account) makes it read everything.
Either way, the result is the one a full recomputation gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from django.db import connection

from practica.accounts.models import User
from practica.communities.circles import circle_create
from practica.communities.models import Circle, CircleTier, Community
from practica.compass.adapter import Loaded, activity_read
from practica.compass.analysis.activity import Activity
from practica.compass.clock import clock_read
from practica.compass.generate import community_generate
from practica.compass.models import CompassMonth, CompassRows, CompassSnapshot, CompassState
from practica.compass.rows import MAX_PARTS, Rows, pack, rows_load, unpack
from practica.compass.services import compass_refresh
from practica.exchange.models import Reply, Thread
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
)
from practica.trust.services import content_hide, content_restore

pytestmark = pytest.mark.django_db

VOLATILE = {"computed_at", "duration_seconds", "timings"}


@pytest.fixture
def made() -> Community:
    return community_generate(slug="history", people=60, interactions=900, seed=3).community


def steward_of(community: Community) -> User:
    return community.memberships.get(role="steward").user


def members(community: Community, n: int) -> list[User]:
    return [m.user for m in community.memberships.exclude(role="steward").order_by("pk")[:n]]


def same_activity(a: Activity, b: Activity) -> None:
    for f in fields(a):
        left, right = getattr(a, f.name), getattr(b, f.name)
        if isinstance(left, np.ndarray):
            assert left.dtype == right.dtype, f.name
            assert np.array_equal(left, right), f.name
        else:
            assert left == right, f.name


def figures(refresh: Any) -> dict[str, Any]:
    return {k: v for k, v in refresh.snapshot.result.items() if k not in VOLATILE}


def full(community: Community) -> Loaded:
    return activity_read(community.pk)


def kept_of(community: Community) -> Any:
    return rows_load(community, CompassState.objects.get(community=community))


def append_activity(community: Community) -> Thread:
    """What a week brings: a question, answers and comments, an old thread's answer
    accepted and thanked, a new tag."""
    asker = steward_of(community)
    a, b, c = members(community, 3)
    old = Thread.objects.filter(community=community, kind="question", accepted_reply=None)
    old_thread = old.exclude(author=a).order_by("pk").first()
    assert old_thread is not None
    new = thread_create(
        community=community, author=asker, kind="question", title="Compost?", body="Anyone?",
        tags=["brand-new-tag"],
    )  # fmt: skip
    answer = reply_create(thread=new, author=a, body="Yes.")
    reply_create(thread=new, author=b, body="Me too.", parent=answer)
    late = reply_create(thread=old_thread, author=a, body="A late answer.")
    assert old_thread.author is not None
    reply_accept(reply=late, actor=old_thread.author)
    acknowledgement_create(person=c, thread=old_thread, reply=late)
    return new


def test_appended_activity_is_read_alone_and_gives_what_a_full_read_gives(made):
    first = compass_refresh(community=made, seed=1)
    assert CompassRows.objects.filter(community=made).count() == 1
    stored = CompassMonth.objects.filter(community=made).count()
    append_activity(made)
    incremental = compass_refresh(community=made, seed=1)
    assert incremental.computed
    # The second run appended a part of its own: it read only the new rows.
    parts = list(CompassRows.objects.filter(community=made).order_by("part"))
    assert [p.part for p in parts] == [0, 1]
    assert unpack(bytes(parts[1].data)).replies.shape[0] == 3
    # An old thread answered and accepted today changes only months near today.
    assert incremental.reused_months == stored > 30
    state = CompassState.objects.get(community=made)
    assert state.rows_reply_id == Reply.objects.filter(thread__community=made).latest("pk").pk
    # Arrays and figures equal a full read and a full recomputation.
    same_activity(activity_read(made.pk, kept=kept_of(made)).activity, full(made).activity)
    forced = compass_refresh(community=made, seed=1, force=True)
    assert figures(incremental) == figures(forced)
    assert figures(incremental) != figures(first)


def test_an_old_threads_answer_accepted_later_is_read_without_the_clock(made):
    compass_refresh(community=made, seed=1)
    token = clock_read(made.pk)
    open_ones = Thread.objects.filter(community=made, accepted_reply=None, replies__isnull=False)
    thread = open_ones.order_by("pk").first()
    assert thread is not None
    reply = thread.replies.exclude(author=thread.author).order_by("pk").first()
    # Written straight to the column: no ledger event, no new row, and the clock stays.
    Thread.objects.filter(pk=thread.pk).update(accepted_reply=reply)
    assert clock_read(made.pk) == token
    loaded = activity_read(made.pk, kept=kept_of(made))
    assert loaded.based_on is not None
    same_activity(loaded.activity, full(made).activity)
    assert figures(compass_refresh(community=made, seed=1)) == figures(
        compass_refresh(community=made, seed=1, force=True)
    )


def _accepted(community: Community, n: int) -> Reply:
    """An accepted answer (hiding one unresolves its thread: the compass reads that)."""
    threads = Thread.objects.filter(community=community, accepted_reply__isnull=False)
    accepted = threads.order_by("pk")[n].accepted_reply
    assert accepted is not None
    return accepted


def _hide(community: Community) -> None:
    reply = _accepted(community, 5)
    content_hide(actor=steward_of(community), thread=reply.thread, reply=reply)


def _restore(community: Community) -> None:
    hidden = _accepted(community, 7)
    Reply.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    hidden.refresh_from_db()
    compass_refresh(community=community, seed=1)  # the rows now hold it hidden
    content_restore(actor=steward_of(community), thread=hidden.thread, reply=hidden)


def _delete_reply(community: Community) -> None:
    Reply.objects.filter(thread__community=community, parent__isnull=False).earliest("pk").delete()


def _delete_thread(community: Community) -> None:
    Thread.objects.filter(community=community).order_by("pk")[3].delete()


def _reply_author(community: Community) -> None:
    reply = Reply.objects.filter(thread__community=community).order_by("pk")[9]
    other = members(community, 5)[4]
    Reply.objects.filter(pk=reply.pk).update(author=other)


def _thread_kind(community: Community) -> None:
    thread = Thread.objects.filter(community=community, kind="question").earliest("pk")
    Thread.objects.filter(pk=thread.pk).update(kind="story")


def _untag(community: Community) -> None:
    tagged = Thread.tags.through.objects.filter(thread__community=community).earliest("pk")
    tagged.delete()


def _event_deleted(community: Community) -> None:
    from practica.ledger.models import LedgerEvent

    # The ledger is append-only; only a raw delete (an operator's repair) removes a row.
    LedgerEvent.objects.filter(
        pk=LedgerEvent.objects.filter(community=community, verb="acknowledged").earliest("pk").pk
    )._raw_delete(connection.alias)


def _person_deleted(community: Community) -> None:
    first = Reply.objects.filter(thread__community=community).order_by("pk").first()
    assert first is not None and first.author is not None
    first.author.delete()


def _made_system(community: Community) -> None:
    person = members(community, 2)[1]
    User.objects.filter(pk=person.pk).update(is_system=True)


def _into_confidential(community: Community) -> None:
    circle = circle_create(
        community=community, actor=steward_of(community), name="Quiet", slug="quiet",
        tier=CircleTier.PRIVATE,
    )  # fmt: skip
    thread = Thread.objects.filter(community=community, replies__isnull=False).earliest("pk")
    Thread.objects.filter(pk=thread.pk).update(circle=circle)
    compass_refresh(community=community, seed=1)  # a private circle: still read
    Circle.objects.filter(pk=circle.pk).update(tier=CircleTier.CONFIDENTIAL)


CHANGES: dict[str, Callable[[Community], None]] = {
    "reply hidden": _hide,
    "reply restored": _restore,
    "reply deleted": _delete_reply,
    "thread deleted": _delete_thread,
    "reply author changed": _reply_author,
    "thread kind changed": _thread_kind,
    "tag removed": _untag,
    "ledger event deleted": _event_deleted,
    "person deleted": _person_deleted,
    "person made a system account": _made_system,
    "circle turned confidential": _into_confidential,
}
#: Changes seen by the clock's triggers (the others by the digest).
BY_CLOCK = set(CHANGES) - {"person made a system account", "circle turned confidential"}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_but_an_append_makes_the_next_refresh_read_everything(made, change):
    compass_refresh(community=made, seed=1)
    reply_create(
        thread=Thread.objects.filter(community=made).latest("pk"),
        author=members(made, 1)[0],
        body="Appended first.",
    )
    CHANGES[change](made)
    kept = kept_of(made)
    assert kept is not None
    expected = full(made).activity
    if change in BY_CLOCK:
        assert clock_read(made.pk) != kept.reach.clock
        # Had the clock not moved, the kept rows would have given a wrong answer.
        stale = activity_read(made.pk, kept=kept, clock=kept.reach.clock)
        assert stale.based_on is not None
        with pytest.raises(AssertionError):
            same_activity(stale.activity, expected)
    loaded = activity_read(made.pk, kept=kept)
    assert loaded.based_on is None
    same_activity(loaded.activity, expected)
    incremental = compass_refresh(community=made, seed=1)
    assert incremental.reused_months == 0
    assert figures(incremental) == figures(compass_refresh(community=made, seed=1, force=True))


@pytest.mark.parametrize("listed", [500, 0])  # confidential ids named, or a subquery
def test_confidential_threads_never_reach_the_stored_rows(made, listed, monkeypatch):
    monkeypatch.setattr("practica.compass.adapter.LISTED", listed)
    circle = circle_create(
        community=made, actor=steward_of(made), name="Grief", slug="grief",
        tier=CircleTier.CONFIDENTIAL,
    )  # fmt: skip
    secret = thread_create(
        community=made, author=steward_of(made), kind="story", title="Loss",
        what_happened="Hard.", circle=circle,
    )  # fmt: skip
    compass_refresh(community=made, seed=1)
    said = reply_create(thread=secret, author=steward_of(made), body="Still hard.")
    append_activity(made)
    compass_refresh(community=made, seed=1)
    assert CompassRows.objects.filter(community=made).count() == 2  # appended, not re-read
    rows = Rows.empty()
    for data in CompassRows.objects.filter(community=made).values_list("data", flat=True):
        rows = rows + unpack(bytes(data))
    assert secret.pk not in rows.threads[:, 0]
    assert said.pk not in rows.replies[:, 0]
    assert secret.pk not in rows.replies[:, 1]
    assert secret.pk not in rows.events[:, 5]
    assert secret.pk not in rows.tags[:, 1]


def test_a_crash_while_storing_leaves_the_previous_snapshot_and_rows_usable(made, monkeypatch):
    first = compass_refresh(community=made, seed=1).snapshot
    parts = list(CompassRows.objects.values_list("part", "data"))
    state = CompassState.objects.values().get()
    months = list(CompassMonth.objects.values_list("month", "row"))
    append_activity(made)

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("power cut")

    monkeypatch.setattr(CompassSnapshot.objects, "create", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        compass_refresh(community=made, seed=1)
    monkeypatch.undo()
    assert list(CompassSnapshot.objects.all()) == [first]
    assert [(p, bytes(d)) for p, d in CompassRows.objects.values_list("part", "data")] == [
        (p, bytes(d)) for p, d in parts
    ]
    assert CompassState.objects.values().get() == state
    assert list(CompassMonth.objects.values_list("month", "row")) == months
    # The next run appends to the rows kept and gets it right.
    again = compass_refresh(community=made, seed=1)
    assert CompassRows.objects.count() == 2
    assert figures(again) == figures(compass_refresh(community=made, seed=1, force=True))


def test_rows_stored_by_another_run_meanwhile_are_dropped_not_appended_twice(made):
    compass_refresh(community=made, seed=1)
    kept = kept_of(made)
    append_activity(made)
    compass_refresh(community=made, seed=1)  # another run stores its part first
    loaded = activity_read(made.pk, kept=kept)
    from practica.compass.rows import rows_store

    reach = rows_store(made, based_on=kept, new=loaded.new, every=loaded.rows, reach=loaded.reach)
    assert reach == {"rows_format": 0}
    assert not CompassRows.objects.filter(community=made).exists()


def test_parts_are_merged_into_one_when_there_are_many(made):
    compass_refresh(community=made, seed=1)
    thread = Thread.objects.filter(community=made).latest("pk")
    person = members(made, 1)[0]
    for n in range(MAX_PARTS):
        reply_create(thread=thread, author=person, body=f"Reply {n}.")
        compass_refresh(community=made, seed=1)
    assert CompassRows.objects.filter(community=made).count() == 1
    same_activity(activity_read(made.pk, kept=kept_of(made)).activity, full(made).activity)


def test_a_forced_refresh_reads_everything_again(made):
    compass_refresh(community=made, seed=1)
    append_activity(made)
    compass_refresh(community=made, seed=1, force=True)
    assert list(CompassRows.objects.filter(community=made).values_list("part", flat=True)) == [0]


@pytest.mark.parametrize("size", [0, 1, 1000])
def test_packed_rows_read_back_as_they_were(size):
    rng = np.random.default_rng(size)
    rows = Rows(
        threads=rng.integers(0, 2**40, (size, 5)),
        replies=rng.integers(-5, 2**20, (size, 6)),
        events=np.full((size, 6), 1_700_000_000, dtype=np.int64),
        tags=rng.integers(0, 3, (size, 3)),
    )
    back = unpack(pack(rows))
    for f in fields(rows):
        assert np.array_equal(getattr(back, f.name), getattr(rows, f.name))
        assert getattr(back, f.name).dtype == np.int64
