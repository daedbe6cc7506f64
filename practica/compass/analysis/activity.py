"""What the compass knows about a community: people, threads, replies and events, as arrays.

Times are whole seconds since 1970-01-01 UTC (int64). People are numbered
``0 .. n-1`` in the order of ``person_ids`` (the database ids); ``-1`` stands for
an author who is not a person the compass counts: an unknown author, or a
system account acting for a platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeAlias

import numpy as np

# Array aliases name the dtype each field holds; numpy's generic stubs are too strict to
# follow through fancy indexing, so they are plain arrays to the type checker.
I64: TypeAlias = np.ndarray
I32: TypeAlias = np.ndarray
I8: TypeAlias = np.ndarray
F64: TypeAlias = np.ndarray
Bool: TypeAlias = np.ndarray

#: Thread kinds, in the order of their codes in ``Activity.thread_kind``.
THREAD_KINDS: tuple[str, ...] = ("question", "ask", "offer", "story", "discussion")
KIND_CODE = {name: code for code, name in enumerate(THREAD_KINDS)}
#: Kinds that ask something of the community (and can be resolved).
ASKING_KINDS = (KIND_CODE["question"], KIND_CODE["ask"])
STORY = KIND_CODE["story"]

#: Ledger verbs other than replies that the compass reads, by code.
EVENT_VERBS: tuple[str, ...] = ("accepted", "acknowledged", "mentioned", "introduced")
VERB_CODE = {name: code for code, name in enumerate(EVENT_VERBS)}

#: Profile fields that describe a person's perspective (diversity of voices).
PERSPECTIVES: tuple[str, ...] = ("sector", "discipline", "region", "role")

DAY = 86_400
HOUR = 3_600
NOBODY = -1


def _empty(dtype: type) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


@dataclass(frozen=True)
class Activity:
    """One community's activity. Arrays of one group share their length."""

    # People (real people only; system accounts are left out by the adapter).
    person_ids: I64 = field(default_factory=lambda: _empty(np.int64))
    #: Codes of each person's perspectives (column per ``PERSPECTIVES``), -1 when empty.
    perspectives: I32 = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int32))

    # Threads.
    thread_ids: I64 = field(default_factory=lambda: _empty(np.int64))
    thread_author: I32 = field(default_factory=lambda: _empty(np.int32))
    thread_time: I64 = field(default_factory=lambda: _empty(np.int64))
    thread_kind: I8 = field(default_factory=lambda: _empty(np.int8))
    #: When the thread was resolved (its accepted reply), or -1.
    thread_resolved_time: I64 = field(default_factory=lambda: _empty(np.int64))

    # Replies (answers and comments at any depth).
    reply_ids: I64 = field(default_factory=lambda: _empty(np.int64))
    reply_thread: I32 = field(default_factory=lambda: _empty(np.int32))
    reply_author: I32 = field(default_factory=lambda: _empty(np.int32))
    #: The author of what the reply answers: its parent reply, else the thread.
    reply_target: I32 = field(default_factory=lambda: _empty(np.int32))
    reply_time: I64 = field(default_factory=lambda: _empty(np.int64))

    # Tags on threads (one row per thread-tag pair).
    tag_names: tuple[str, ...] = ()
    tag_thread: I32 = field(default_factory=lambda: _empty(np.int32))
    tag_code: I32 = field(default_factory=lambda: _empty(np.int32))

    # Links between threads (knowledge reuse).
    link_from: I32 = field(default_factory=lambda: _empty(np.int32))
    link_to: I32 = field(default_factory=lambda: _empty(np.int32))
    link_time: I64 = field(default_factory=lambda: _empty(np.int64))

    # Ledger events other than replies (see ``EVENT_VERBS``).
    event_actor: I32 = field(default_factory=lambda: _empty(np.int32))
    event_target: I32 = field(default_factory=lambda: _empty(np.int32))
    event_verb: I8 = field(default_factory=lambda: _empty(np.int8))
    event_time: I64 = field(default_factory=lambda: _empty(np.int64))

    @property
    def n_people(self) -> int:
        return int(self.person_ids.shape[0])

    @property
    def n_threads(self) -> int:
        return int(self.thread_ids.shape[0])

    def check(self) -> None:
        """Fail loudly when arrays of one group disagree; the adapter and tests call this."""
        groups = {
            "people": (self.person_ids, self.perspectives),
            "threads": (
                self.thread_ids,
                self.thread_author,
                self.thread_time,
                self.thread_kind,
                self.thread_resolved_time,
            ),
            "replies": (
                self.reply_ids,
                self.reply_thread,
                self.reply_author,
                self.reply_target,
                self.reply_time,
            ),
            "tags": (self.tag_thread, self.tag_code),
            "links": (self.link_from, self.link_to, self.link_time),
            "events": (self.event_actor, self.event_target, self.event_verb, self.event_time),
        }
        for name, arrays in groups.items():
            lengths = {int(a.shape[0]) for a in arrays}
            if len(lengths) > 1:
                raise ValueError(f"activity {name}: arrays of different lengths {sorted(lengths)}")
        for name, people in (
            ("thread_author", self.thread_author),
            ("reply_author", self.reply_author),
            ("reply_target", self.reply_target),
            ("event_actor", self.event_actor),
            ("event_target", self.event_target),
        ):
            if people.size and (people.min() < NOBODY or people.max() >= self.n_people):
                raise ValueError(f"activity {name}: a person index is out of range")
        if self.reply_thread.size and (
            self.reply_thread.min() < 0 or self.reply_thread.max() >= self.n_threads
        ):
            raise ValueError("activity reply_thread: a thread index is out of range")


@dataclass(frozen=True)
class Window:
    """A half-open time range ``[since, until)`` in epoch seconds; ``None`` means unbounded."""

    since: int | None = None
    until: int | None = None

    def mask(self, times: I64) -> Bool:
        keep = np.ones(times.shape[0], dtype=bool)
        if self.since is not None:
            keep &= times >= self.since
        if self.until is not None:
            keep &= times < self.until
        return keep

    def end(self, activity: Activity) -> int:
        """The window's end, or just after the last thing that happened."""
        if self.until is not None:
            return self.until
        return last_time(activity) + 1

    def start(self, activity: Activity) -> int:
        if self.since is not None:
            return self.since
        return first_time(activity)


def last_time(activity: Activity) -> int:
    candidates = [a.max() for a in (activity.thread_time, activity.reply_time) if a.size]
    return int(max(candidates)) if candidates else 0


def first_time(activity: Activity) -> int:
    candidates = [a.min() for a in (activity.thread_time, activity.reply_time) if a.size]
    return int(min(candidates)) if candidates else 0


def to_seconds(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("the compass needs timezone-aware times")
    return int(moment.timestamp())


def from_seconds(seconds: int | None) -> datetime | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def month_index(times: I64) -> I64:
    """Calendar month of each time, counted in months since 1970-01 (UTC)."""
    return times.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)


def month_start(index: int) -> int:
    """The first second of a month given by :func:`month_index`."""
    return int(np.datetime64(int(index), "M").astype("datetime64[s]").astype(np.int64))


def month_label(index: int) -> str:
    return str(np.datetime64(int(index), "M"))
