"""Search on PostgreSQL: a documents table with a stored, weighted tsvector.

A document's primary key is ``2 * thread.id`` for a thread and
``2 * reply.id + 1`` for a reply; ``thread_id`` is indexed, so a thread's
documents are found together. ``document`` is a generated column (title
weight A, body B, quoted lines D) with a GIN index. Triggers upsert documents through two SQL
functions, ``practica_search_index_threads(ids)`` and
``practica_search_index_replies(ids)``, which the rebuild uses too, so there
is one definition of what a document holds. Inserts and deletes fire once per
statement with transition tables, so a bulk import costs one indexing
statement, not one per row. Queries go through ``websearch_to_tsquery``,
which never raises, one quoted item at a time (see ``to_tsquery_sql``).

The cleaning functions mirror ``practica.search.text`` in SQL; a test checks
that both give the same text.
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
from practica.search.query import ParsedQuery
from practica.search.text import (
    MARK_END,
    MARK_START,
    QUOTED_LINE_PATTERN,
    QUOTED_TEXT_PATTERN,
    TAG_PATTERN,
)

TABLE = "search_document"
CONFIG = "english"
#: ts_rank_cd weights for D, C, B, A: quoted lines, (unused), body, title.
WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
#: 1: divide by 1 + log(length), so long posts do not win by length alone.
NORMALISATION = 1
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
STORY_PARTS = ("body", "context", "what_happened", "learned", "differently")

_THREADS = Thread._meta.db_table
_REPLIES = Reply._meta.db_table
_TRIGGERS = {
    "search_thread_insert": _THREADS,
    "search_thread_update": _THREADS,
    "search_thread_delete": _THREADS,
    "search_thread_truncate": _THREADS,
    "search_reply_insert": _REPLIES,
    "search_reply_update": _REPLIES,
    "search_reply_delete": _REPLIES,
    "search_reply_truncate": _REPLIES,
}
_FUNCTIONS = (
    "practica_search_flatten(text)",
    "practica_search_text(text)",
    "practica_search_quoted(text)",
    "practica_search_index_threads(bigint[])",
    "practica_search_index_replies(bigint[])",
    "practica_search_threads_inserted()",
    "practica_search_thread_changed()",
    "practica_search_threads_deleted()",
    "practica_search_threads_truncated()",
    "practica_search_replies_inserted()",
    "practica_search_reply_changed()",
    "practica_search_replies_deleted()",
    "practica_search_replies_truncated()",
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    key bigint PRIMARY KEY,
    thread_id bigint NOT NULL,
    reply_id bigint,
    title text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    quoted text NOT NULL DEFAULT '',
    document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{CONFIG}'::regconfig, title), 'A')
        || setweight(to_tsvector('{CONFIG}'::regconfig, body), 'B')
        || setweight(to_tsvector('{CONFIG}'::regconfig, quoted), 'D')
    ) STORED
);
CREATE INDEX IF NOT EXISTS search_document_document ON {TABLE} USING gin (document);
CREATE INDEX IF NOT EXISTS search_document_thread ON {TABLE} (thread_id);
"""

_UPSERT = f"""
    INSERT INTO {TABLE} (key, thread_id, reply_id, title, body, quoted) {{select}}
    ON CONFLICT (key) DO UPDATE SET thread_id = EXCLUDED.thread_id,
        reply_id = EXCLUDED.reply_id, title = EXCLUDED.title, body = EXCLUDED.body,
        quoted = EXCLUDED.quoted"""
_THREAD_TEXT = "concat_ws(E'\\n', " + ", ".join(f"t.{p}" for p in STORY_PARTS) + ")"

CREATE_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION practica_search_flatten(raw text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
        replace(replace(replace(replace(replace(replace(
            regexp_replace(
                regexp_replace(raw, {_literal(TAG_PATTERN)}, ' ', 'gi'),
                '[\\uE000\\uE001]', '', 'g'),
            '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '),
            '&amp;', '&'),
        '\\s+', ' ', 'g'))
$$;

CREATE OR REPLACE FUNCTION practica_search_text(raw text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT practica_search_flatten(
        regexp_replace(coalesce(raw, ''), {_literal(QUOTED_LINE_PATTERN)}, '', 'gn'))
$$;

CREATE OR REPLACE FUNCTION practica_search_quoted(raw text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT practica_search_flatten(array_to_string(ARRAY(
        SELECT m[1] FROM regexp_matches(
            coalesce(raw, ''), {_literal(QUOTED_TEXT_PATTERN)}, 'gn') AS m), ' '))
$$;

CREATE OR REPLACE FUNCTION practica_search_index_threads(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    {
    _UPSERT.format(
        select=f'''SELECT t.id * 2, t.id, NULL, t.title, practica_search_text({_THREAD_TEXT}),
            practica_search_quoted({_THREAD_TEXT}) FROM {_THREADS} t WHERE t.id = ANY(ids)'''
    )
};
$$;

CREATE OR REPLACE FUNCTION practica_search_index_replies(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    {
    _UPSERT.format(
        select=f'''SELECT r.id * 2 + 1, r.thread_id, r.id, '', practica_search_text(r.body),
            practica_search_quoted(r.body) FROM {_REPLIES} r WHERE r.id = ANY(ids)'''
    )
};
$$;

CREATE OR REPLACE FUNCTION practica_search_threads_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    PERFORM practica_search_index_threads(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_thread_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    IF OLD.id <> NEW.id THEN
        DELETE FROM {TABLE} WHERE key = OLD.id * 2;
    END IF;
    PERFORM practica_search_index_threads(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_threads_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    DELETE FROM {TABLE} WHERE thread_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_threads_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_replies_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    PERFORM practica_search_index_replies(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_reply_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    IF OLD.id <> NEW.id THEN
        DELETE FROM {TABLE} WHERE key = OLD.id * 2 + 1;
    END IF;
    PERFORM practica_search_index_replies(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_replies_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    DELETE FROM {TABLE} WHERE key IN (SELECT id * 2 + 1 FROM old_rows);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION practica_search_replies_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    DELETE FROM {TABLE} WHERE reply_id IS NOT NULL;
    RETURN NULL;
END $$;
"""

_THREAD_CHANGED = " OR ".join(
    f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in ("id", "title", *STORY_PARTS)
)
CREATE_TRIGGERS = f"""
CREATE TRIGGER search_thread_insert AFTER INSERT ON {_THREADS}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practica_search_threads_inserted();
CREATE TRIGGER search_thread_update
    AFTER UPDATE OF id, title, {", ".join(STORY_PARTS)} ON {_THREADS}
    FOR EACH ROW WHEN ({_THREAD_CHANGED})
    EXECUTE FUNCTION practica_search_thread_changed();
CREATE TRIGGER search_thread_delete AFTER DELETE ON {_THREADS}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practica_search_threads_deleted();
CREATE TRIGGER search_thread_truncate AFTER TRUNCATE ON {_THREADS}
    FOR EACH STATEMENT EXECUTE FUNCTION practica_search_threads_truncated();
CREATE TRIGGER search_reply_insert AFTER INSERT ON {_REPLIES}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practica_search_replies_inserted();
CREATE TRIGGER search_reply_update AFTER UPDATE OF id, body, thread_id ON {_REPLIES}
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.body IS DISTINCT FROM NEW.body
        OR OLD.thread_id IS DISTINCT FROM NEW.thread_id)
    EXECUTE FUNCTION practica_search_reply_changed();
CREATE TRIGGER search_reply_delete AFTER DELETE ON {_REPLIES}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practica_search_replies_deleted();
CREATE TRIGGER search_reply_truncate AFTER TRUNCATE ON {_REPLIES}
    FOR EACH STATEMENT EXECUTE FUNCTION practica_search_replies_truncated();
"""


@contextmanager
def _reading(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor for search queries, with PostgreSQL's JIT compiler off.

    Ranking every match makes the planner's cost estimate large enough to
    switch JIT on, and compiling then takes far longer (seconds) than the
    query itself (milliseconds). ``SET LOCAL`` lasts until the end of the
    transaction, so the search runs in one (a savepoint inside a request's
    transaction, where the setting then lasts until that one ends).
    """
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield cursor


def to_tsquery_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """The query as a tsquery expression and its parameters.

    Each item goes through ``websearch_to_tsquery`` on its own, as a quoted
    phrase, and the items are combined with tsquery operators, so grouping
    (``a OR b`` next to ``c``) means the same as on SQLite.
    """
    one = f"websearch_to_tsquery('{CONFIG}', %s)"
    params: list[str] = []
    ands = []
    for group in query.groups:
        ands.append("(" + " || ".join([one] * len(group)) + ")")
        params += [f'"{item.text}"' for item in group]
    expression = " && ".join(ands)
    for item in query.excluded:
        expression += f" && !!{one}"
        params.append(f'"{item.text}"')
    return expression, params


class PostgresBackend:
    vendor = "postgresql"

    def install(self, connection: BaseDatabaseWrapper, *, fresh: bool = False) -> None:
        with connection.cursor() as cursor:
            if fresh:
                self._drop(cursor)
            cursor.execute(CREATE_TABLE)
            cursor.execute(CREATE_FUNCTIONS)
            for name, table in _TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(CREATE_TRIGGERS)

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            self._drop(cursor)

    def _drop(self, cursor: Any) -> None:
        execute = cursor.execute
        for name, table in _TRIGGERS.items():
            execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        execute(f"DROP TABLE IF EXISTS {TABLE}")
        for signature in _FUNCTIONS:
            execute(f"DROP FUNCTION IF EXISTS {signature}")

    def has_triggers(self, connection: BaseDatabaseWrapper) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)",
                [list(_TRIGGERS)],
            )
            row = cursor.fetchone()
        return row is not None and row[0] == len(_TRIGGERS)

    @contextmanager
    def deferred_indexing(self, connection: BaseDatabaseWrapper) -> Iterator[None]:
        """One transaction; its writes are indexed per statement already (see the triggers)."""
        with transaction.atomic(using=connection.alias):
            yield

    def tidy(self, connection: BaseDatabaseWrapper) -> None:
        # The planner chooses how to join matches to visible threads from these
        # statistics; stale ones (a table last analysed when empty) make it
        # pick plans that are quadratic in the number of matches.
        with connection.cursor() as cursor:
            for table in (TABLE, _THREADS, _REPLIES):
                cursor.execute(f"ANALYZE {table}")

    def index_range(
        self, connection: BaseDatabaseWrapper, *, community_id: int, first_id: int, last_id: int
    ) -> None:
        in_range = f"SELECT id FROM {_THREADS} WHERE community_id = %s AND id BETWEEN %s AND %s"
        args = [community_id, first_id, last_id]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE thread_id IN ({in_range})", args)
            cursor.execute(f"SELECT practica_search_index_threads(ARRAY({in_range}))", args)
            cursor.execute(
                "SELECT practica_search_index_replies(ARRAY("
                f"SELECT id FROM {_REPLIES} WHERE thread_id IN ({in_range})))",
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
        shown, shown_params = shown_reply_sql(hidden_replies, reply_id="d.reply_id")
        tsquery, query_params = to_tsquery_sql(query)
        # The best document of each thread wins; ties go to the thread itself.
        best = f"""
            WITH q AS (SELECT {tsquery} AS query), best AS (
                SELECT DISTINCT ON (d.thread_id) d.thread_id, d.reply_id,
                    ts_rank_cd('{WEIGHTS}', d.document, q.query, {NORMALISATION}) AS score
                FROM {TABLE} d, q
                WHERE d.document @@ q.query AND (d.reply_id IS NULL OR {shown})
                ORDER BY d.thread_id, score DESC, d.reply_id NULLS FIRST
            )"""
        page = f"""{best}
            SELECT thread_id, reply_id, score, COUNT(*) OVER () AS total
            FROM best WHERE {visible}
            ORDER BY score DESC, thread_id DESC
            LIMIT %s OFFSET %s"""
        args = [*query_params, *shown_params, *visible_params]
        with _reading(connection) as cursor:
            cursor.execute(page, [*args, limit, offset])
            rows = cursor.fetchall()
            if rows or offset == 0:
                total = rows[0][3] if rows else 0
            else:
                cursor.execute(f"{best} SELECT COUNT(*) FROM best WHERE {visible}", args)
                total = cursor.fetchone()[0]
        matches = [DocMatch(thread_id=t, reply_id=r, score=float(s)) for t, r, s, _ in rows]
        return matches, int(total)

    def snippets(
        self, connection: BaseDatabaseWrapper, *, query: ParsedQuery, matches: list[DocMatch]
    ) -> dict[Document, str]:
        if not matches:
            return {}
        by_key = {_key(m.document): m.document for m in matches}
        tsquery, query_params = to_tsquery_sql(query)
        sql = f"""
            WITH q AS (SELECT {tsquery} AS query)
            SELECT d.key, ts_headline('{CONFIG}', d.body, q.query, %s)
            FROM {TABLE} d, q WHERE d.key = ANY(%s)"""
        with _reading(connection) as cursor:
            cursor.execute(sql, [*query_params, HEADLINE_OPTIONS, list(by_key)])
            return {by_key[int(key)]: text or "" for key, text in cursor.fetchall()}


def _key(document: Document) -> int:
    """The primary key of a document: even for threads, odd for replies."""
    thread_id, reply_id = document
    return 2 * thread_id if reply_id is None else 2 * reply_id + 1
