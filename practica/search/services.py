"""Writes to the search index that are not made by its triggers: repair and rebuild."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from practica.communities.models import Community
from practica.exchange.models import Reply, Thread
from practica.search.backends import backend_for

INDEX_TABLE = "search_document"
BATCH_SIZE = 500

#: Called after each batch with (threads indexed so far, threads to index).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildReport:
    communities: int
    threads: int
    replies: int
    documents: int
    seconds: float


def _batches(ids: Sequence[int], size: int) -> Iterator[tuple[int, int, int]]:
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk[0], chunk[-1], len(chunk)


def search_rebuild(
    *,
    community: Community | None = None,
    using: str = DEFAULT_DB_ALIAS,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuild the index from the tables: one community's documents, or all of them.

    The whole rebuild is one transaction, so searches see the old index until
    the new one is complete. A full rebuild also drops and recreates the index
    and its triggers, which repairs a damaged or incomplete index. Every thread
    is indexed, whoever may read it: who sees what is decided when searching.
    """
    started = time.monotonic()
    connection = connections[using]
    backend = backend_for(connection)
    # Only ids are read, so this also runs inside migrations, whatever fields
    # later migrations add to these models.
    communities = (
        [community.pk]
        if community is not None
        else list(Community.objects.using(using).order_by("pk").values_list("pk", flat=True))
    )
    thread_ids = {
        c: list(
            Thread.objects.using(using)
            .filter(community_id=c)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for c in communities
    }
    total = sum(len(ids) for ids in thread_ids.values())
    done = 0
    with transaction.atomic(using=using):
        backend.install(connection, fresh=community is None)
        if progress is not None:
            progress(0, total)
        for c in communities:
            for first_id, last_id, count in _batches(thread_ids[c], batch_size):
                backend.index_range(connection, community_id=c, first_id=first_id, last_id=last_id)
                done += count
                if progress is not None:
                    progress(done, total)
        backend.tidy(connection)
    replies = Reply.objects.using(using).filter(thread__community_id__in=communities).count()
    return RebuildReport(
        communities=len(communities),
        threads=total,
        replies=replies,
        documents=document_count(connection=connection),
        seconds=round(time.monotonic() - started, 3),
    )


def document_count(*, connection: BaseDatabaseWrapper) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {INDEX_TABLE}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def index_ensure(*, connection: BaseDatabaseWrapper) -> bool:
    """Repair the index when its triggers are missing; True when it had to.

    On SQLite, a migration that rebuilds the threads or replies table (as
    Django does for many field changes) drops that table's triggers with it.
    Writes made without triggers are unknown, so the repair rebuilds all.
    """
    if connection.vendor not in {"sqlite", "postgresql"}:
        return False
    if INDEX_TABLE not in connection.introspection.table_names():
        return False  # this app's migration has not run yet; it builds the index
    backend = backend_for(connection)
    if backend.has_triggers(connection):
        return False
    search_rebuild(using=connection.alias)
    return True
