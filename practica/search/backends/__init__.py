"""One search interface, one backend per database.

Both backends keep the same index: one *document* per thread (its title, and
its body with a story's parts) and one per reply (its body), each knowing its
thread so that a reply's match finds its thread. Database triggers keep the
index in step with every write (services, bulk imports, edits, deletes), and
``practica search_rebuild`` rebuilds it from the tables.

Each backend answers two questions for the selector: which threads match
best (one per thread, ranked, among a queryset of threads the person may see)
and what snippet to show for each.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from practica.exchange.models import Reply, Thread
from practica.search.query import ParsedQuery

#: A document: (thread id, reply id or None for the thread itself).
Document = tuple[int, int | None]


@dataclass(frozen=True)
class DocMatch:
    """The best-matching document of one thread."""

    thread_id: int
    reply_id: int | None
    score: float

    @property
    def document(self) -> Document:
        return (self.thread_id, self.reply_id)


class SearchBackend(Protocol):
    vendor: str

    def install(self, connection: BaseDatabaseWrapper, *, fresh: bool = False) -> None:
        """Create the index and its triggers (``fresh``: drop what was there first)."""

    def uninstall(self, connection: BaseDatabaseWrapper) -> None: ...

    def has_triggers(self, connection: BaseDatabaseWrapper) -> bool: ...

    def deferred_indexing(self, connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
        """A transaction whose writes to threads and replies are indexed together at its
        end rather than row by row (bulk imports); same index, same crash safety."""

    def tidy(self, connection: BaseDatabaseWrapper) -> None:
        """After writing many documents: merge index segments or refresh planner statistics."""

    def index_range(
        self, connection: BaseDatabaseWrapper, *, community_id: int, first_id: int, last_id: int
    ) -> None:
        """(Re)index a community's threads with ids in [first_id, last_id], and their replies,
        dropping any other document those threads had."""

    def best_matches(
        self,
        connection: BaseDatabaseWrapper,
        *,
        query: ParsedQuery,
        threads: QuerySet[Thread],
        hidden_replies: QuerySet[Reply],
        limit: int,
        offset: int,
    ) -> tuple[list[DocMatch], int]:
        """A page of best documents, one per thread of ``threads``, and how many threads match.

        Replies in ``hidden_replies`` (hidden by moderation from this person)
        never match, so their words cannot surface in a snippet."""

    def snippets(
        self, connection: BaseDatabaseWrapper, *, query: ParsedQuery, matches: list[DocMatch]
    ) -> dict[Document, str]:
        """For each matched document, its text around the matches, matches between marks."""


def backend_for(connection: BaseDatabaseWrapper) -> SearchBackend:
    if connection.vendor == "sqlite":
        from practica.search.backends.sqlite import SqliteBackend

        return SqliteBackend()
    if connection.vendor == "postgresql":
        from practica.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise NotImplementedError(f"search supports SQLite and PostgreSQL, not {connection.vendor}")


def visible_thread_sql(threads: QuerySet[Thread], *, thread_id: str) -> tuple[str, list[Any]]:
    """SQL that is true when the thread whose id is the SQL expression ``thread_id``
    is in ``threads``.

    The backends filter their matches through this, so that whatever narrows
    ``Thread.objects.visible_to`` (memberships, circles) narrows search too.
    It is a correlated ``EXISTS`` on the thread's primary key, so its cost
    follows the number of matches, not the size of the community.
    """
    one = threads.order_by().filter(pk=RawSQL(thread_id, ())).values("pk")
    sql, params = one.query.get_compiler(using=threads.db).as_sql()
    return f"EXISTS ({sql})", list(params)


def shown_reply_sql(hidden: QuerySet[Reply], *, reply_id: str) -> tuple[str, list[Any]]:
    """SQL that is true unless the reply whose id is ``reply_id`` is in ``hidden``
    (true for a thread's own document, whose ``reply_id`` is NULL or 0)."""
    if hidden.query.is_empty():
        return "1 = 1", []
    one = hidden.order_by().filter(pk=RawSQL(reply_id, ())).values("pk")
    sql, params = one.query.get_compiler(using=hidden.db).as_sql()
    return f"NOT EXISTS ({sql})", list(params)
