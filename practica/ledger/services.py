"""Writes to the activity ledger. Nothing else inserts into it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.db import connection
from django.utils import timezone

from practica.ledger.models import LedgerEvent


@dataclass(frozen=True)
class EventSpec:
    """An interaction to record, before it has a row."""

    community_id: int
    actor_id: int | None
    target_id: int | None
    verb: str
    object_type: str = ""
    object_id: int | None = None
    thread_id: int | None = None
    occurred_at: datetime | None = None
    key: str = ""


def is_interaction(actor_id: int | None, target_id: int | None) -> bool:
    """An interaction needs two different, known people."""
    return actor_id is not None and target_id is not None and actor_id != target_id


def event_record(spec: EventSpec) -> LedgerEvent | None:
    """Record one interaction; ``None`` when it is not one, or its key is already there."""
    if not is_interaction(spec.actor_id, spec.target_id):
        return None
    # ``exclude(key="")`` repeats the unique index's condition, so that SQLite may use
    # that partial index (else it walks every event of the community: 0.2 s a post at a
    # million events).
    keyed = LedgerEvent.objects.filter(community_id=spec.community_id, key=spec.key)
    if spec.key and keyed.exclude(key="").exists():
        return None
    return LedgerEvent.objects.create(**_row(spec))


def events_record_bulk(specs: Iterable[EventSpec], *, batch_size: int = 1000) -> int:
    """Record many interactions at once (importers); keyed events already stored are skipped.

    Returns how many were written. Plain multi-row ``INSERT ... ON CONFLICT DO
    NOTHING`` statements (the same SQL ``bulk_create(ignore_conflicts=True)``
    sends, without compiling every value through the ORM, which cost importers
    a fifth of their time): a key already in the community's ledger is left
    alone, on SQLite and PostgreSQL alike.
    """
    now = timezone.now()
    adapt = _datetime_adapter()
    recorded_at = adapt(now)
    rows = [
        (
            s.community_id,
            s.actor_id,
            s.target_id,
            s.verb,
            s.object_type,
            s.object_id,
            s.thread_id,
            adapt(s.occurred_at) if s.occurred_at else recorded_at,
            recorded_at,
            s.key,
        )
        for s in specs
        if is_interaction(s.actor_id, s.target_id)
    ]
    if not rows:
        return 0
    quote = connection.ops.quote_name
    meta = LedgerEvent._meta
    columns = ", ".join(quote(cast(Any, meta.get_field(name)).column) for name in _COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    # Within SQLite's limit of parameters per statement, whatever the caller asks.
    batch_size = max(1, min(batch_size, 30000 // len(_COLUMNS)))
    written = 0
    if connection.vendor == "postgresql":
        # One array per column through unnest: one placeholder per column, where
        # the driver's client-side binding spent longer scanning a statement of
        # thousands of placeholders than the server took to insert the rows.
        arrays = ", ".join(f"%s::{_array_type(meta.get_field(name))}" for name in _COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return max(cursor.rowcount, 0)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                f"VALUES {', '.join([one] * len(chunk))} ON CONFLICT DO NOTHING",
                [value for row in chunk for value in row],
            )
            written += max(cursor.rowcount, 0)
    return written


_COLUMNS = (
    "community",
    "actor",
    "target",
    "verb",
    "object_type",
    "object_id",
    "thread_id",
    "occurred_at",
    "recorded_at",
    "key",
)


def _array_type(field: Any) -> str:
    # Strings as text: a cast to varchar(n) would cut what the insert refuses.
    db_type = str(field.db_type(connection))
    return "text[]" if db_type.startswith("varchar") else f"{db_type}[]"


def _datetime_adapter() -> Callable[[datetime], Any]:
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite":
        return adapt

    def as_text(value: datetime) -> Any:
        # What Django's SQLite adapter gives for a UTC value, without its checks per value.
        if value.tzinfo is UTC:
            return str(value.replace(tzinfo=None))
        return adapt(value)

    return as_text


def _row(spec: EventSpec) -> dict[str, object]:
    now = timezone.now()
    return {
        "community_id": spec.community_id,
        "actor_id": spec.actor_id,
        "target_id": spec.target_id,
        "verb": spec.verb,
        "object_type": spec.object_type,
        "object_id": spec.object_id,
        "thread_id": spec.thread_id,
        "occurred_at": spec.occurred_at or now,
        "recorded_at": now,
        "key": spec.key,
    }
