"""Writes to the activity ledger. Nothing else inserts into it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

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
    if (
        spec.key
        and LedgerEvent.objects.filter(community_id=spec.community_id, key=spec.key).exists()
    ):
        return None
    return LedgerEvent.objects.create(**_row(spec))


def events_record_bulk(specs: Iterable[EventSpec], *, batch_size: int = 2000) -> int:
    """Record many interactions at once (importers); keyed events already stored are skipped."""
    rows = [LedgerEvent(**_row(s)) for s in specs if is_interaction(s.actor_id, s.target_id)]
    if not rows:
        return 0
    created = LedgerEvent.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    return len(created)


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
