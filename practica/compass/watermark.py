"""The watermark: how far into a community's history a stored compass reaches.

Threads, replies and ledger events only get new, larger ids, so the largest id of
each says whether anything was added since a snapshot, and what is new; the clock
(below) says whether anything was changed or removed. The counts are those a run
read, filled in after reading. The sections that
other apps add (learning, pulse surveys, confidential circles) read their own
tables through their providers' ``load`` functions; ``signals`` is a digest of
what those functions return, so a new observation, a decision, a survey closed
with enough answers (anything those sections would show differently) moves the
watermark too, and the compass is computed again. The same digest covers which
threads are confidential and which accounts are system accounts, and ``clock`` (see
``practica.compass.clock``) moves when something already read is edited, hidden,
restored or deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from datetime import date, datetime
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Max, QuerySet

from practica.communities.models import Community
from practica.compass.adapter import confidential_ids, system_ids, unindexed
from practica.compass.analysis.registry import providers
from practica.compass.clock import clock_read
from practica.compass.models import CompassSnapshot, CompassState
from practica.exchange.models import Reply, Thread
from practica.ledger.models import LedgerEvent


@dataclass(frozen=True)
class Watermark:
    last_event_id: int = 0
    last_event_at: datetime | None = None
    last_thread_id: int = 0
    last_reply_id: int = 0
    thread_count: int = 0
    reply_count: int = 0
    #: Digest of the other apps' compass signals, the confidential threads and the
    #: system accounts (``watermark_signals``).
    signals: str = ""
    #: The community's clock token (``practica.compass.clock``): it changes when
    #: something the compass read is edited, hidden, restored or deleted.
    clock: int = 0

    def same_as(self, other: Watermark) -> bool:
        """Whether the two reach equally far. The counts say what a run read (filled in
        after reading), and take no part: a deletion moves the clock."""
        return replace(self, thread_count=0, reply_count=0) == replace(
            other, thread_count=0, reply_count=0
        )

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "last_event_at": self.last_event_at.isoformat() if self.last_event_at else None,
        }


def signals_load(community_id: int) -> dict[str, Any]:
    """What every provider with a ``load`` function reads for this community, by key."""
    return {p.key: p.load(community_id) for p in providers() if p.load is not None}


def _readers(community_id: int) -> dict[str, Any]:
    """Who the compass may read, alongside the signals: the confidential threads (a
    circle turned confidential leaves them out) and the system accounts (not people)."""
    return {
        "compass:confidential": confidential_ids(community_id),
        "compass:system": system_ids(),
    }


def watermark_signals(community_id: int, signals: Mapping[str, Any] | None = None) -> str:
    """The digest the watermark keeps: the providers' data and ``_readers``."""
    loaded = signals_load(community_id) if signals is None else signals
    return signals_digest({**loaded, **_readers(community_id)})


def signals_digest(signals: Mapping[str, Any]) -> str:
    """A short, stable digest of the providers' data: equal data, equal digest."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, dict(signals))
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    """Write a canonical form of ``value`` into ``digest`` (types, shapes and contents)."""
    if isinstance(value, np.ndarray):
        digest.update(f"nd{value.dtype.str}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif is_dataclass(value) and not isinstance(value, type):
        digest.update(f"dc{type(value).__qualname__}(".encode())
        for f in fields(value):
            digest.update(f.name.encode() + b"=")
            _feed(digest, getattr(value, f.name))
        digest.update(b")")
    elif isinstance(value, Mapping):
        digest.update(b"{")
        for key in sorted(value, key=repr):
            _feed(digest, key)
            digest.update(b":")
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, list | tuple):  # named tuples too
        digest.update(f"{type(value).__qualname__}[".encode())
        for item in value:
            _feed(digest, item)
            digest.update(b",")
        digest.update(b"]")
    elif isinstance(value, set | frozenset):
        _feed(digest, sorted(value, key=repr))
    elif isinstance(value, datetime | date):
        digest.update(f"t{value.isoformat()}".encode())
    elif value is None or isinstance(value, bool | int | float | str | bytes | np.generic):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    else:
        # Any other object: its attributes, when it has them, else its representation.
        attributes = getattr(value, "__dict__", None)
        digest.update(f"o{type(value).__qualname__}".encode())
        _feed(digest, attributes if isinstance(attributes, dict) else repr(value))


def watermark_read(
    *,
    community: Community,
    signals: Mapping[str, Any] | None = None,
    clock: int | None = None,
) -> Watermark:
    """The watermark now. ``signals``: the providers' data when the caller has loaded it
    already (a refresh does, to compute with it), so it is not read twice; ``clock``:
    the clock token, when the caller has read it first (a refresh does, before
    anything else)."""
    token = clock_read(community.pk) if clock is None else clock
    events = LedgerEvent.objects.filter(community=community)
    last_event_id = events.aggregate(m=Max("pk"))["m"] or 0
    last_event_at = (
        events.filter(pk=last_event_id).values_list("occurred_at", flat=True).first()
        if last_event_id
        else None
    )
    last_thread_id = Thread.objects.filter(community=community).aggregate(m=Max("pk"))["m"]
    return Watermark(
        last_event_id=last_event_id,
        last_event_at=last_event_at,
        last_thread_id=last_thread_id or 0,
        last_reply_id=last_reply_id(community.pk),
        signals=watermark_signals(community.pk, signals),
        clock=token,
    )


def last_reply_id(community_id: int) -> int:
    """The community's largest reply id: replies walked from the newest back to the first
    of this community (on SQLite the unary plus keeps the planner on that walk rather
    than on every reply of the community's threads)."""
    replies: QuerySet[Any]
    if connections[Reply.objects.db].vendor == "sqlite":
        replies = Reply.objects.alias(c=unindexed("thread__community_id")).filter(c=community_id)
    else:
        replies = Reply.objects.filter(thread__community_id=community_id)
    return replies.order_by("-pk").values_list("pk", flat=True).first() or 0


def watermark_of(stored: CompassSnapshot | CompassState) -> Watermark:
    return Watermark(
        last_event_id=stored.last_event_id,
        last_event_at=stored.last_event_at,
        last_thread_id=stored.last_thread_id,
        last_reply_id=stored.last_reply_id,
        thread_count=stored.thread_count,
        reply_count=stored.reply_count,
        signals=stored.signals,
        clock=stored.clock,
    )


def is_up_to_date(*, snapshot: CompassSnapshot) -> bool:
    """Whether nothing was added to, changed in or removed from what the community's
    compass reads since the snapshot, and the other apps' signals read the same. A
    refresh checks this; a page uses the cheaper ``looks_up_to_date``."""
    return watermark_of(snapshot).same_as(watermark_read(community=snapshot.community))


def looks_up_to_date(*, snapshot: CompassSnapshot) -> bool:
    """What the compass page shows, in a few index lookups whatever the community's size:
    no new ledger event, no new thread, the same clock token (nothing edited, hidden or
    deleted) and the same signals as the snapshot.

    Every reply between two people records a ledger event, so this misses only what the
    ledger does not see (a reply to oneself); ``is_up_to_date`` and a refresh see that too.
    """
    community = snapshot.community
    last_event = LedgerEvent.objects.filter(community=community).aggregate(m=Max("pk"))["m"]
    last_thread = Thread.objects.filter(community=community).aggregate(m=Max("pk"))["m"]
    return (
        (last_event or 0) == snapshot.last_event_id
        and (last_thread or 0) == snapshot.last_thread_id
        and clock_read(community.pk) == snapshot.clock
        and watermark_signals(community.pk) == snapshot.signals
    )
