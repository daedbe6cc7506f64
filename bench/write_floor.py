"""The write floor: the bare database write of exactly the rows an import stored.

Used by ``import_bench`` and ``chat_bench``. For one database it answers: how
long do the database and its driver alone take to store what our import
stored, with no parser and no loader? That bounds what any import on this
stack can reach.

How: the bench copies the freshly migrated database before the import
(``clone``: SQLite's backup API, PostgreSQL's ``CREATE DATABASE ... TEMPLATE``).
After the import, ``python -m bench.write_floor SOURCE_URL`` runs with
``DATABASE_URL`` set to the copy. It reads from the imported database every row
the copy lacks (tables empty in the copy: all rows; others: ids above the
copy's highest), table by table in foreign-key order, into memory, untimed.
Then, timed, in one transaction on the copy, with the import's session
settings (``loader.bulk_session``): SQLite gets one ``executemany`` per table
through Django's own connection (which carries the search functions its
triggers call) inside ``deferred_indexing``, exactly as the loader's batches
are indexed; PostgreSQL gets one ``COPY ... FROM STDIN`` per table, one
``write_row`` per row. The real schema: every index, constraint and trigger,
the search index filled by its triggers (its tables are never copied). It
prints JSON: rows and tables written, seconds, CPU seconds of the writing
process (not PostgreSQL's server), and the search documents on both sides.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

Table = tuple[str, list[str], list[tuple[Any, ...]]]
#: Filled by triggers (the search index), never copied.
_TRIGGER_FILLED = ("search_document",)


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///").removeprefix("sqlite://")


def _pg_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _pg_admin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def clone(url: str, copy_url: str) -> None:
    """Copy the database at ``url`` (nobody connected to it) to ``copy_url``."""
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(_sqlite_path(copy_url))
        with target:
            source.backup(target)
        source.close()
        target.close()
        return
    import psycopg

    with psycopg.connect(_pg_admin(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {_pg_name(copy_url)} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {_pg_name(copy_url)} TEMPLATE {_pg_name(url)}")


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(_sqlite_path(url) + suffix):
                os.remove(_sqlite_path(url) + suffix)
        return
    import psycopg

    with psycopg.connect(_pg_admin(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {_pg_name(url)} WITH (FORCE)")


def _tables_in_order() -> list[tuple[str, str]]:
    """(table, primary key column) of every model, each after the tables its required
    foreign keys point to (nullable ones, like a thread's accepted reply, break cycles)."""
    from django.apps import apps

    models = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    order: list[tuple[str, str]] = []
    state: dict[str, int] = {}

    def visit(table: str) -> None:
        if state.get(table):
            return
        state[table] = 1
        model = models[table]
        for field in model._meta.concrete_fields:
            related = field.related_model
            if field.is_relation and not field.null and related is not None:
                target = related._meta.db_table
                if target in models and target != table:
                    visit(target)
        order.append((table, str(model._meta.pk.column)))
        state[table] = 2

    for table in sorted(models):
        visit(table)
    from django.db import connection

    existing = set(connection.introspection.table_names())
    return [(t, pk) for t, pk in order if t in existing and not t.startswith(_TRIGGER_FILLED)]


def _present(table: str, pk: str) -> tuple[int, int | None]:
    """Rows and highest primary key of ``table`` in the copy (Django's connection)."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        count = cursor.fetchone()[0]
        if not count:
            return 0, None
        try:
            cursor.execute(f"SELECT max({quote(pk)}) FROM {quote(table)}")
        except Exception:  # a table without a primary key column is left alone
            return count, None
        top = cursor.fetchone()[0]
        return count, top if isinstance(top, int) else None


def read_new_rows(source_url: str) -> list[Table]:
    """Every row of the imported database that the copy lacks, table by table."""
    from django.db import connection

    wanted: list[tuple[str, str]] = []
    for table, pk in _tables_in_order():
        count, top = _present(table, pk)
        if count and top is None:
            continue
        wanted.append((table, f' WHERE "{pk}" > {int(top)}' if top is not None else ""))
    out: list[Table] = []
    if connection.vendor == "sqlite":
        source = sqlite3.connect(_sqlite_path(source_url))
        for table, where in wanted:
            found = source.execute(f'SELECT * FROM "{table}"{where} ORDER BY 1')
            rows = found.fetchall()
            if rows:
                out.append((table, [d[0] for d in found.description], rows))
        source.close()
        return out
    import psycopg

    with psycopg.connect(source_url) as pg, pg.cursor() as pg_cursor:
        for table, where in wanted:
            pg_cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')
            columns = [d.name for d in pg_cursor.description or ()]
            query = f'COPY (SELECT * FROM "{table}"{where} ORDER BY 1) TO STDOUT'
            with pg_cursor.copy(query) as copy:
                # No types set: every value comes as its text, as COPY takes it back.
                rows = list(copy.rows())
            if rows:
                out.append((table, columns, rows))
    return out


def search_documents(url: str) -> int:
    if url.startswith("sqlite"):
        db = sqlite3.connect(_sqlite_path(url))
        try:
            return int(db.execute("SELECT count(*) FROM search_document").fetchone()[0])
        finally:
            db.close()
    import psycopg

    with psycopg.connect(url) as pg:
        row = pg.execute("SELECT count(*) FROM search_document").fetchone()
        return int(row[0]) if row else 0


def write(tables: list[Table], *, search: bool = True) -> None:
    """Write the rows into Django's database, in one transaction, as bare as the driver allows.

    ``search=False``: the search index (its table and triggers) is dropped first,
    so the write shows what the index costs.
    """
    from django.db import connection, transaction

    from practica.importers.loader import bulk_session
    from practica.search.backends import backend_for

    backend = backend_for(connection)
    if not search:
        backend.uninstall(connection)

    def one_transaction(connection: Any) -> Any:
        if search:
            return backend.deferred_indexing(connection)
        return transaction.atomic(using=connection.alias)

    quote = connection.ops.quote_name
    with bulk_session():
        if connection.vendor == "sqlite":
            with one_transaction(connection):
                raw = connection.connection
                for table, columns, rows in tables:
                    names = ", ".join(quote(c) for c in columns)
                    marks = ", ".join("?" * len(columns))
                    raw.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
            return
        with one_transaction(connection):
            connection.ensure_connection()
            with connection.connection.cursor() as cursor:
                for table, columns, rows in tables:
                    names = ", ".join(quote(c) for c in columns)
                    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)


def main(source_url: str, *, search: bool = True) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.settings")
    django.setup()
    tables = read_new_rows(source_url)
    wall, cpu = time.perf_counter(), time.process_time()
    write(tables, search=search)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    result: dict[str, Any] = {
        "rows": sum(len(rows) for _, _, rows in tables),
        "tables": {table: len(rows) for table, _, rows in tables},
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
    }
    if search:
        result["search_documents"] = search_documents(os.environ["DATABASE_URL"])
        result["search_documents_imported"] = search_documents(source_url)
    return result


def run_child(
    source_url: str, pristine_url: str, repo: str, env: dict[str, str], *, search: bool = True
) -> dict[str, Any]:
    """``main`` in a process of its own, on a copy of the pristine database, dropped after."""
    import subprocess

    copy_url = f"{pristine_url}_w"
    clone(pristine_url, copy_url)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.write_floor",
                source_url,
                *([] if search else ["--no-search"]),
            ],
            cwd=repo,
            env={**env, "DATABASE_URL": copy_url},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"write floor failed:\n{done.stderr[-2000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        drop(copy_url)


def floors(source_url: str, pristine_url: str, repo: str, env: dict[str, str]) -> dict[str, Any]:
    """The write floor with the search index, and without it; the pristine copy is dropped."""
    try:
        with_search = run_child(source_url, pristine_url, repo, env)
        with_search["without_search_index"] = run_child(
            source_url, pristine_url, repo, env, search=False
        )
        return with_search
    finally:
        drop(pristine_url)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], search="--no-search" not in sys.argv[2:])))
