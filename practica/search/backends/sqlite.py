"""Search on SQLite: an FTS5 table filled by triggers.

The FTS5 table keeps its own copy of the cleaned text (not an external-content
table), so ``snippet()`` works and the index can be rebuilt without touching
the source rows. ``porter unicode61`` folds case and accents and reduces
English words to their stems.

A document's rowid says whose it is: ``thread_id * 2**32 + reply_id`` (0 for
the thread itself). Reading a column of an FTS5 row costs a lookup per match,
reading its rowid costs nothing, so ranking and grouping by thread never
leave the index; and all documents of a thread form one rowid range, which
triggers and the rebuild delete in one step. Thread ids must stay below 2**31
and reply ids below 2**32, far beyond what one SQLite file holds.

The triggers call ``practica_search_text`` and ``practica_search_quoted``,
Python functions registered on every connection Django opens
(``register_functions``, from ``SearchConfig``). A write to a thread or reply
through a bare ``sqlite3`` shell, outside Django, fails with "no such
function"; Practica never writes that way.

The triggers fire once per row. An import's batch is indexed instead at the
end of its own transaction, in one statement in rowid order
(``deferred_indexing``; decision 0004).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from practica.exchange.models import Reply, Thread
from practica.search.backends import DocMatch, Document, shown_reply_sql, visible_thread_sql
from practica.search.query import Item, ParsedQuery
from practica.search.text import MARK_END, MARK_START, indexed_text, quoted_text

TABLE = "search_document"
#: Title above body; quoted lines count for little (bm25 weights per column).
WEIGHTS = "10.0, 1.0, 0.2"
SNIPPET_TOKENS = 28
STORY_PARTS = ("body", "context", "what_happened", "learned", "differently")
SPAN = 4294967296  # 2**32 rowids per thread
LAST = SPAN - 1

_THREADS = Thread._meta.db_table
_REPLIES = Reply._meta.db_table
_TRIGGERS = (
    "search_thread_insert",
    "search_thread_update",
    "search_thread_delete",
    "search_reply_insert",
    "search_reply_update",
    "search_reply_delete",
)


def register_functions(dbapi_connection: Any) -> None:
    create = dbapi_connection.create_function
    create("practica_search_text", 1, indexed_text, deterministic=True)
    create("practica_search_quoted", 1, quoted_text, deterministic=True)


def _thread_text(row: str) -> str:
    return " || char(10) || ".join(f"{row}.{name}" for name in STORY_PARTS)


def _thread_values(row: str) -> str:
    text = _thread_text(row)
    return (
        f"{row}.id * {SPAN}, {row}.title, practica_search_text({text}), "
        f"practica_search_quoted({text})"
    )


def _reply_values(row: str) -> str:
    return (
        f"{row}.thread_id * {SPAN} + {row}.id, '', practica_search_text({row}.body), "
        f"practica_search_quoted({row}.body)"
    )


def _whole_thread(thread_id: str) -> str:
    return f"rowid BETWEEN {thread_id} * {SPAN} AND {thread_id} * {SPAN} + {LAST}"


_INSERT = f"INSERT INTO {TABLE} (rowid, title, body, quoted)"
_THREAD_CHANGED = " OR ".join(
    f"old.{name} IS NOT new.{name}" for name in ("id", "title", *STORY_PARTS)
)

CREATE_TABLE = f"""
CREATE VIRTUAL TABLE {TABLE} USING fts5(
    title, body, quoted, tokenize = 'porter unicode61 remove_diacritics 2'
)"""

# Every insert first deletes its rowid, so that a stale document (left by a
# write made while the triggers were missing) can never make a write fail.
CREATE_TRIGGERS = [
    f"""CREATE TRIGGER search_thread_insert AFTER INSERT ON {_THREADS} BEGIN
        DELETE FROM {TABLE} WHERE rowid = new.id * {SPAN};
        {_INSERT} VALUES ({_thread_values("new")});
    END""",
    f"""CREATE TRIGGER search_thread_update
        AFTER UPDATE OF id, title, {", ".join(STORY_PARTS)} ON {_THREADS}
        WHEN {_THREAD_CHANGED} BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id * {SPAN};
        DELETE FROM {TABLE} WHERE rowid = new.id * {SPAN};
        {_INSERT} VALUES ({_thread_values("new")});
    END""",
    # Its replies' documents go too, even if their own triggers never ran.
    f"""CREATE TRIGGER search_thread_delete AFTER DELETE ON {_THREADS} BEGIN
        DELETE FROM {TABLE} WHERE {_whole_thread("old.id")};
    END""",
    f"""CREATE TRIGGER search_reply_insert AFTER INSERT ON {_REPLIES} BEGIN
        DELETE FROM {TABLE} WHERE rowid = new.thread_id * {SPAN} + new.id;
        {_INSERT} VALUES ({_reply_values("new")});
    END""",
    f"""CREATE TRIGGER search_reply_update AFTER UPDATE OF id, body, thread_id ON {_REPLIES}
        WHEN old.id IS NOT new.id OR old.body IS NOT new.body
            OR old.thread_id IS NOT new.thread_id BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.thread_id * {SPAN} + old.id;
        DELETE FROM {TABLE} WHERE rowid = new.thread_id * {SPAN} + new.id;
        {_INSERT} VALUES ({_reply_values("new")});
    END""",
    f"""CREATE TRIGGER search_reply_delete AFTER DELETE ON {_REPLIES} BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.thread_id * {SPAN} + old.id;
    END""",
]


# Deferred indexing (``deferred_indexing``): while the triggers above are
# suspended, these per-connection triggers only note, in a temporary table,
# which documents went stale (a rowid range) and which rows to index.
_PENDING = "temp.search_pending"
_NOTE = "INSERT INTO search_pending (stale_from, stale_to, thread_id, reply_id) VALUES"
_REPLY_ROWID = "{row}.thread_id * " + str(SPAN) + " + {row}.id"
CREATE_PENDING = (
    "CREATE TEMP TABLE IF NOT EXISTS search_pending "
    "(stale_from INTEGER, stale_to INTEGER, thread_id INTEGER, reply_id INTEGER)"
)
PENDING_TRIGGERS = {
    "search_pending_thread_insert": f"""AFTER INSERT ON main.{_THREADS} BEGIN
        {_NOTE} (new.id * {SPAN}, new.id * {SPAN}, new.id, NULL);
    END""",
    "search_pending_thread_update": f"""
        AFTER UPDATE OF id, title, {", ".join(STORY_PARTS)} ON main.{_THREADS}
        WHEN {_THREAD_CHANGED} BEGIN
        {_NOTE} (old.id * {SPAN}, old.id * {SPAN}, NULL, NULL);
        {_NOTE} (new.id * {SPAN}, new.id * {SPAN}, new.id, NULL);
    END""",
    "search_pending_thread_delete": f"""AFTER DELETE ON main.{_THREADS} BEGIN
        {_NOTE} (old.id * {SPAN}, old.id * {SPAN} + {LAST}, NULL, NULL);
    END""",
    "search_pending_reply_insert": f"""AFTER INSERT ON main.{_REPLIES} BEGIN
        {_NOTE} ({_REPLY_ROWID.format(row="new")}, {_REPLY_ROWID.format(row="new")}, NULL, new.id);
    END""",
    "search_pending_reply_update": f"""AFTER UPDATE OF id, body, thread_id ON main.{_REPLIES}
        WHEN old.id IS NOT new.id OR old.body IS NOT new.body
            OR old.thread_id IS NOT new.thread_id BEGIN
        {_NOTE} ({_REPLY_ROWID.format(row="old")}, {_REPLY_ROWID.format(row="old")}, NULL, NULL);
        {_NOTE} ({_REPLY_ROWID.format(row="new")}, {_REPLY_ROWID.format(row="new")}, NULL, new.id);
    END""",
    "search_pending_reply_delete": f"""AFTER DELETE ON main.{_REPLIES} BEGIN
        {_NOTE} ({_REPLY_ROWID.format(row="old")}, {_REPLY_ROWID.format(row="old")}, NULL, NULL);
    END""",
}
# Every noted row's document, in rowid order: FTS5 appends ascending rowids to
# its pending terms, where rowids out of order make it write a segment each time.
_INDEX_PENDING = f"""{_INSERT}
    SELECT * FROM (
        SELECT {_thread_values("t")} FROM {_THREADS} t
        WHERE t.id IN (SELECT thread_id FROM {_PENDING} WHERE thread_id IS NOT NULL)
        UNION ALL
        SELECT {_reply_values("r")} FROM {_REPLIES} r
        WHERE r.id IN (SELECT reply_id FROM {_PENDING} WHERE reply_id IS NOT NULL)
    ) ORDER BY 1"""


def _phrase(item: Item) -> str:
    # Words are letters and digits only, so they never hold a double quote.
    return '"' + " ".join(item.words) + '"'


def to_fts5(query: ParsedQuery) -> str:
    """The query in FTS5's MATCH syntax; every item is a quoted phrase."""
    ands = []
    for group in query.groups:
        alternatives = " OR ".join(_phrase(item) for item in group)
        ands.append(f"({alternatives})" if len(group) > 1 else alternatives)
    expression = " AND ".join(ands)
    for item in query.excluded:
        expression = f"({expression}) NOT {_phrase(item)}"
    return expression


def _rowid(document: Document) -> int:
    thread_id, reply_id = document
    return thread_id * SPAN + (reply_id or 0)


class SqliteBackend:
    vendor = "sqlite"

    def install(self, connection: BaseDatabaseWrapper, *, fresh: bool = False) -> None:
        connection.ensure_connection()
        register_functions(connection.connection)
        with connection.cursor() as cursor:
            if fresh:
                self._drop(cursor)
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TABLE])
            if cursor.fetchone() is None:
                cursor.execute(CREATE_TABLE)
            for name in _TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in CREATE_TRIGGERS:
                cursor.execute(statement)

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            self._drop(cursor)

    def _drop(self, cursor: Any) -> None:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def has_triggers(self, connection: BaseDatabaseWrapper) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                f"({', '.join(['%s'] * len(_TRIGGERS))})",
                list(_TRIGGERS),
            )
            row = cursor.fetchone()
        return row is not None and row[0] == len(_TRIGGERS)

    @contextmanager
    def deferred_indexing(self, connection: BaseDatabaseWrapper) -> Iterator[None]:
        """One transaction whose writes are indexed together at its end, not row by row.

        The index triggers are dropped and created again inside the
        transaction (SQLite's schema changes are transactional), so other
        connections never see them missing and a crash or an error rolls
        everything back with them. Meanwhile temporary triggers, seen only by
        this connection, note what changed; the end deletes the stale
        documents and indexes the rows noted, in one ordered statement.
        """
        with transaction.atomic(using=connection.alias):
            if not self.has_triggers(connection):
                yield  # no index to keep (search not installed here)
                return
            connection.ensure_connection()
            register_functions(connection.connection)
            with connection.cursor() as cursor:
                cursor.execute(CREATE_PENDING)
                cursor.execute(f"DELETE FROM {_PENDING}")
                for name in _TRIGGERS:
                    cursor.execute(f"DROP TRIGGER {name}")
                for name, body in PENDING_TRIGGERS.items():
                    cursor.execute(f"CREATE TEMP TRIGGER {name} {body}")
            yield
            with connection.cursor() as cursor:
                for name in PENDING_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER temp.{name}")
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE rowid IN "
                    f"(SELECT stale_from FROM {_PENDING} WHERE stale_from = stale_to)"
                )
                cursor.execute(
                    f"SELECT stale_from, stale_to FROM {_PENDING} WHERE stale_from < stale_to"
                )
                for first, last in cursor.fetchall():
                    cursor.execute(
                        f"DELETE FROM {TABLE} WHERE rowid BETWEEN %s AND %s", [first, last]
                    )
                cursor.execute(_INDEX_PENDING)
                cursor.execute(f"DELETE FROM {_PENDING}")
                for statement in CREATE_TRIGGERS:
                    cursor.execute(statement)

    def tidy(self, connection: BaseDatabaseWrapper) -> None:
        # One merged b-tree per term instead of one segment per batch.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")

    def index_range(
        self, connection: BaseDatabaseWrapper, *, community_id: int, first_id: int, last_id: int
    ) -> None:
        connection.ensure_connection()
        register_functions(connection.connection)
        in_range = f"SELECT id FROM {_THREADS} WHERE community_id = %s AND id BETWEEN %s AND %s"
        args = [community_id, first_id, last_id]
        with connection.cursor() as cursor:
            # Ids in the range may belong to other communities: only ours are cleared.
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid BETWEEN %s AND %s "
                f"AND rowid / {SPAN} IN ({in_range})",
                [first_id * SPAN, last_id * SPAN + LAST, *args],
            )
            cursor.execute(
                f"{_INSERT} SELECT {_thread_values('t')} FROM {_THREADS} t "
                "WHERE t.community_id = %s AND t.id BETWEEN %s AND %s",
                args,
            )
            cursor.execute(
                f"{_INSERT} SELECT {_reply_values('r')} FROM {_REPLIES} r "
                f"WHERE r.thread_id IN ({in_range})",
                args,
            )

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
        visible, visible_params = visible_thread_sql(threads, thread_id="best.thread_id")
        shown, shown_params = shown_reply_sql(hidden_replies, reply_id="matched.reply_id")
        # bm25() is lower for better matches; its negation reads as a score.
        # The best document of each thread wins; ties go to the thread itself.
        best = f"""
            WITH matched AS (
                SELECT rowid / {SPAN} AS thread_id, rowid & {LAST} AS reply_id,
                    -bm25({TABLE}, {WEIGHTS}) AS score
                FROM {TABLE} WHERE {TABLE} MATCH %s
            ), best AS (
                SELECT thread_id, reply_id, score, ROW_NUMBER() OVER (
                    PARTITION BY thread_id ORDER BY score DESC, reply_id
                ) AS place
                FROM matched WHERE reply_id = 0 OR {shown}
            )"""
        page = f"""{best}
            SELECT thread_id, reply_id, score, COUNT(*) OVER () AS total
            FROM best WHERE place = 1 AND {visible}
            ORDER BY score DESC, thread_id DESC
            LIMIT %s OFFSET %s"""
        args = [to_fts5(query), *shown_params, *visible_params]
        with connection.cursor() as cursor:
            cursor.execute(page, [*args, limit, offset])
            rows = cursor.fetchall()
            if rows or offset == 0:
                total = rows[0][3] if rows else 0
            else:
                cursor.execute(
                    f"{best} SELECT COUNT(*) FROM best WHERE place = 1 AND {visible}", args
                )
                total = cursor.fetchone()[0]
        matches = [DocMatch(thread_id=t, reply_id=r or None, score=float(s)) for t, r, s, _ in rows]
        return matches, int(total)

    def snippets(
        self, connection: BaseDatabaseWrapper, *, query: ParsedQuery, matches: list[DocMatch]
    ) -> dict[Document, str]:
        if not matches:
            return {}
        by_rowid = {_rowid(m.document): m.document for m in matches}
        placeholders = ", ".join(["%s"] * len(by_rowid))
        sql = (
            f"SELECT rowid, snippet({TABLE}, 1, %s, %s, '…', {SNIPPET_TOKENS}) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, to_fts5(query), *by_rowid])
            return {by_rowid[int(rowid)]: text or "" for rowid, text in cursor.fetchall()}
