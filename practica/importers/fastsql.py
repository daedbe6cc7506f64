"""Plain multi-row INSERTs for the import hot path.

``bulk_create`` compiles every value of every row through the ORM, which costs
several times what the parser does per row. Importers only insert new rows
built from values they already checked, so this module writes them with one
``INSERT ... VALUES (...), (...) RETURNING`` per chunk, filling each column
the row does not give with the field's default. Database triggers (the search
index) still run; Django signals do not, exactly as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from django.db import connection, models

#: Below SQLite's (32766) and PostgreSQL's (65535) limits on parameters per statement.
MAX_PARAMS = 30000


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        as_text = connection.vendor == "sqlite"

        def datetime_value(value: datetime | None) -> Any:
            if value is None:
                return None
            if as_text and value.tzinfo is UTC:
                # What Django's SQLite adapter gives for UTC values, without its checks:
                # the text of the naive value (the offset, "+00:00", cut off).
                return value.isoformat(" ")[:-6]
            return adapt(value)

        return datetime_value
    return lambda value: value


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return str(cast("models.Field[Any, Any]", field).column)


def array_type(field: models.Field[Any, Any]) -> str:
    """The PostgreSQL array type that carries a column's values into ``unnest``.

    Strings travel as ``text``: a cast to ``varchar(n)`` would cut a value that
    is too long, where the insert itself refuses it.
    """
    db_type = str(field.db_type(connection))
    return "text[]" if db_type.startswith("varchar") else f"{db_type}[]"


def unnest_select(fields: Sequence[models.Field[Any, Any]]) -> str:
    """``SELECT * FROM unnest(%s::type[], ...)``: rows from one array per column.

    PostgreSQL only. A statement with one placeholder per column, whatever
    the number of rows: the driver's client-side binding scans a statement
    for its placeholders, which took longer than the insert for statements
    of thousands of them.
    """
    arrays = ", ".join(f"%s::{array_type(f)}" for f in fields)
    return f"SELECT * FROM unnest({arrays})"


def insert_rows(
    model: type[models.Model], rows: Sequence[dict[str, Any]], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (attribute name -> value); return the ``returning`` columns of each.

    The returned tuples come in no particular order: include a key among
    ``returning`` to match them to the rows.
    """
    if not rows:
        return []
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    # Every column's default, for the rows that do not give it (evaluated once per call).
    defaults = [f.get_default() for f in fields]
    # Only dates need adapting; every other value goes to the driver as it is.
    adapted = [
        (i, _adapter(f)) for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)
    ]
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    back = ", ".join(quote(_column(model, name)) for name in returning)
    table = quote(model._meta.db_table)
    per_chunk = max(1, MAX_PARAMS // len(fields))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    out: list[tuple[Any, ...]] = []
    if connection.vendor == "postgresql":
        arrays = [
            [row.get(name, default) for row in rows]
            for name, default in zip(names, defaults, strict=True)
        ]
        sql = f"INSERT INTO {table} ({columns}) {unnest_select(fields)} RETURNING {back}"
        with connection.cursor() as cursor:
            cursor.execute(sql, arrays)
            return list(cursor.fetchall())
    one = one.replace("%s", "?")
    pairs = list(zip(names, defaults, strict=True))
    with raw_sqlite_cursor() as cursor:
        for start in range(0, len(rows), per_chunk):
            chunk = rows[start : start + per_chunk]
            params: list[Any] = []
            for row in chunk:
                values = [row.get(name, default) for name, default in pairs]
                for i, adapt in adapted:
                    values[i] = adapt(values[i])
                params += values
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"RETURNING {back}"
            )
            cursor.execute(sql, params)
            out.extend(cursor.fetchall())
    return out


@contextmanager
def raw_sqlite_cursor() -> Iterator[Any]:
    """SQLite: a cursor of the driver itself, on Django's connection and in its transaction.

    For statements of thousands of values: Django's cursor rewrites every
    ``%s`` of a statement into ``?`` with a regular expression first, which
    took as long as SQLite took to run the statement. Statements sent here
    use ``?``. Errors come out as Django's (``IntegrityError``...), as
    through Django's cursor; query logging and execute wrappers are skipped.
    """
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        with connection.wrap_database_errors:
            yield cursor
    finally:
        cursor.close()


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Set the ``names`` fields of existing rows: each row is (pk, value, value, ...)."""
    if not rows:
        return
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    adapters = [_adapter(f) for f in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(_column(model, "pk"))
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"
    params = [
        [adapt(value) for adapt, value in zip(adapters, row[1:], strict=True)] + [row[0]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def select_in(
    sql: str, params: Sequence[Any], values: Sequence[Any], *, chunk: int = 900
) -> list[tuple[Any, ...]]:
    """Rows of ``sql``, whose ``{in}`` is replaced by ``IN (...)`` over ``values``, in chunks.

    For lookups of plain keys (strings, integers) batch after batch: the ORM
    prepares every value of an ``__in`` list one by one, which cost more than
    the query. ``params`` fill the placeholders before ``{in}``. Values come
    back as the database driver gives them (no field conversion).
    """
    out: list[tuple[Any, ...]] = []
    if not values:
        return out
    if connection.vendor == "postgresql":
        # One array parameter, whatever the number of values.
        with connection.cursor() as cursor:
            cursor.execute(sql.format(**{"in": "= ANY(%s)"}), [*params, list(values)])
            return list(cursor.fetchall())
    sql = sql.replace("%s", "?")
    with raw_sqlite_cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = list(values[start : start + chunk])
            cursor.execute(
                sql.format(**{"in": f"IN ({', '.join(['?'] * len(part))})"}), [*params, *part]
            )
            out.extend(cursor.fetchall())
    return out
