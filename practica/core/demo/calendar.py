"""Putting what the services wrote on the demo's calendar.

Services stamp rows with the current time. The demo tells a story spread over
eighteen months, so after each service call the rows it created are moved to
the moment the story says it happened. Rows are found by primary key: every
row with a higher key than before the call was written by it (seeding runs
alone, in one transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db.models import Max, Model

from practica.ledger.models import LedgerEvent
from practica.weaving.models import Notification

#: Something to do at a moment of the demo's story.
Action = tuple[datetime, Callable[[], None]]

#: What almost every service call may write besides its own rows.
ALWAYS: tuple[tuple[type[Model], str], ...] = (
    (LedgerEvent, "occurred_at"),
    (Notification, "created_at"),
)


@contextmanager
def on_calendar(when: datetime, *created: tuple[type[Model], str]) -> Iterator[None]:
    """Date the rows of the given (model, field) pairs written inside the block ``when``.

    Ledger events and notifications are always included. Moving a ledger
    event's ``occurred_at`` uses ``QuerySet.update``, which the ledger's
    append-only guard (on ``save``) does not cover: see decision 0002.
    """
    stamps = (*ALWAYS, *created)
    marks = [model._default_manager.aggregate(last=Max("pk"))["last"] or 0 for model, _ in stamps]
    yield
    for (model, field), mark in zip(stamps, marks, strict=True):
        model._default_manager.filter(pk__gt=mark).update(**{field: when})
