"""One search interface, one backend per database.

Both backends keep the same index: one *document* per thread (its title, and
its body with a story's parts) and one per reply (its body), each carrying its
thread's id so that a reply's match finds its thread. A document's key is
``2 * thread.id`` for a thread and ``2 * reply.id + 1`` for a reply, so that
triggers find and replace it without a lookup. Database triggers keep the
index in step with every write (services, bulk imports, edits, deletes), and
``practica search_rebuild`` rebuilds it from the tables.

Each backend answers two questions for the selector: which threads match
best (one per thread, ranked, within a queryset of threads the person may see)
and what snippet to show for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from practica.exchange.models import Thread
from practica.search.query import ParsedQuery


@dataclass(frozen=True)
class DocMatch:
    """The best-matching document of one thread."""

    thread_id: int
    reply_id: int | None
    score: float

    @property
    def key(self) -> int:
        return document_key(thread_id=self.thread_id, reply_id=self.reply_id)


def document_key(*, thread_id: int, reply_id: int | None) -> int:
    return 2 * thread_id if reply_id is None else 2 * reply_id + 1


class SearchBackend(Protocol):
    vendor: str

    def install(self, connection: BaseDatabaseWrapper, *, fresh: bool = False) -> None:
        """Create the index and its triggers (``fresh``: drop what was there first)."""

    def uninstall(self, connection: BaseDatabaseWrapper) -> None: ...

    def has_triggers(self, connection: BaseDatabaseWrapper) -> bool: ...

    def clear_community(self, connection: BaseDatabaseWrapper, *, community_id: int) -> None: ...

    def index_range(
        self, connection: BaseDatabaseWrapper, *, community_id: int, first_id: int, last_id: int
    ) -> None:
        """(Re)index a community's threads with ids in [first_id, last_id], and their replies."""

    def best_matches(
        self,
        connection: BaseDatabaseWrapper,
        *,
        query: ParsedQuery,
        threads: QuerySet[Thread],
        limit: int,
        offset: int,
    ) -> tuple[list[DocMatch], int]:
        """A page of best documents, one per thread of ``threads``, and how many threads match."""

    def snippets(
        self, connection: BaseDatabaseWrapper, *, query: ParsedQuery, keys: list[int]
    ) -> dict[int, str]:
        """For each document key, its text around the matches, matches between marks."""


def backend_for(connection: BaseDatabaseWrapper) -> SearchBackend:
    if connection.vendor == "sqlite":
        from practica.search.backends.sqlite import SqliteBackend

        return SqliteBackend()
    if connection.vendor == "postgresql":
        from practica.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise NotImplementedError(f"search supports SQLite and PostgreSQL, not {connection.vendor}")


def subquery_sql(threads: QuerySet[Thread]) -> tuple[str, tuple[Any, ...]]:
    """The ids of ``threads`` as SQL to use inside ``IN (...)``.

    The backends filter their matches through this, so that whatever narrows
    ``Thread.objects.visible_to`` (memberships today, circles later) narrows
    search too.
    """
    ids = threads.order_by().values("pk")
    sql, params = ids.query.get_compiler(using=threads.db).as_sql()
    return sql, tuple(params)
