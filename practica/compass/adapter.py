"""The one adapter from the database to the compass's arrays.

It reads threads, replies, tags, links and ledger events of one community with
one ``values_list`` query each, every column an integer computed by the
database (times as epoch seconds, kinds and verbs as small codes), and builds
an :class:`~practica.compass.analysis.activity.Activity`. The rows go straight
into numpy arrays: on PostgreSQL packed into a few ``bytea`` values read in place, on
SQLite into a few texts of hexadecimal digits; no per-row model, datetime or int objects.
System accounts and unknown authors become ``-1``: they are not people the
compass counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    BigIntegerField,
    Case,
    Expression,
    F,
    Func,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from practica.accounts.models import User
from practica.communities.circles import confidential_thread_ids
from practica.communities.models import Circle, CircleTier
from practica.compass.analysis.activity import (
    EVENT_VERBS,
    KIND_CODE,
    NOBODY,
    PERSPECTIVES,
    VERB_CODE,
    Activity,
)
from practica.compass.clock import clock_read
from practica.compass.rows import Kept, Reach, Rows, digest_of
from practica.core.queries import unindexed
from practica.exchange.models import Reply, Tag, Thread, ThreadLink
from practica.ledger.models import LedgerEvent, Verb

CHUNK = 50_000
#: Profile fields read for each perspective, in ``PERSPECTIVES`` order.
PERSPECTIVE_FIELDS = ("sector", "discipline", "region", "role_in_practice")
assert len(PERSPECTIVE_FIELDS) == len(PERSPECTIVES)


class Epoch(Func):
    """Whole seconds since 1970 (UTC), computed by the database: no datetime objects."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        if sqlite3.sqlite_version_info >= (3, 38):
            # Twice as fast as strftime, which formats text to parse it back.
            return self.as_sql(compiler, connection, template="unixepoch(%(expressions)s)")
        # '%%%%' survives two rounds of %-formatting (the template, then the parameters).
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date_part gives a double; EXTRACT a numeric, slower to compute and to floor.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(FLOOR(date_part('epoch', %(expressions)s)) AS BIGINT)",
        )


#: On SQLite, read whole tables (filtering as they go) when the community holds at least
#: one row in this many: one index lookup per row cost three times as much.
SCAN_SHARE = 5


def scan_tables(community_id: int) -> bool:
    if connections[Thread.objects.db].vendor != "sqlite":
        return False  # PostgreSQL's planner weighs this itself
    largest = Thread.objects.aggregate(m=Max("pk"))["m"] or 0
    return Thread.objects.filter(community_id=community_id).count() * SCAN_SHARE >= largest


def _or_zero(name: str) -> Expression:
    return Coalesce(F(name), Value(0), output_field=BigIntegerField())


def _is_set(name: str) -> Expression:
    """1 where the column holds a value, else 0."""
    return Case(
        When(**{f"{name}__isnull": True}, then=Value(0)),
        default=Value(1),
        output_field=BigIntegerField(),
    )


def chunks(
    queryset: QuerySet[Any], columns: Sequence[str | Expression], *, size: int = CHUNK
) -> Iterator[np.ndarray]:
    """Rows of integer columns (each one non-null), in no particular order: the caller
    sorts what needs an order, in numpy. Both databases pack the rows into a few values
    themselves (``_packed_rows``, ``_hex_rows``), so ``size`` no longer bounds a batch."""
    names = [f"c{i}" for i in range(len(columns))]
    query = (
        queryset.annotate(
            **{n: (F(c) if isinstance(c, str) else c) for n, c in zip(names, columns, strict=True)}
        )
        .order_by()
        .values_list(*names)
    )
    # Django builds and parameterises the SQL; the rows are read through the cursor,
    # skipping per-row converters that cost more than everything else (all integers).
    sql, params = query.query.sql_with_params()
    db = connections[queryset.db]
    if db.vendor == "postgresql":
        yield _packed_rows(db, sql, params, len(columns))
        return
    yield _hex_rows(db, sql, params, len(columns))


#: Rows packed into one value on PostgreSQL: ids in blocks of 2**20 (a million rows make a
#: few values of some tens of megabytes, far below the 1 GB a value may hold).
_PG_BLOCK_BITS = 20


def _packed_rows(db: Any, sql: str, params: Sequence[Any], width: int) -> np.ndarray:
    """The query's rows as an ``(n, width)`` int64 array, packed by PostgreSQL itself.

    Each row becomes ``width`` big-endian 8-byte integers (``int8send``), and each
    block of ids one ``bytea`` (``string_agg``): a handful of values cross the wire
    and numpy reads them in place, with no Python object per row. (A binary COPY
    hands over one Python object per row and took a third longer.) Each block's
    row count comes along, so a null that would drop a row cannot go unnoticed.
    """
    packed = " || ".join(f"int8send(q.c{i}::bigint)" for i in range(width))
    statement = (
        f"SELECT count(*), string_agg({packed}, ''::bytea) FROM ({sql}) AS q "
        f"GROUP BY q.c0 >> {_PG_BLOCK_BITS}"
    )
    blocks = binary_rows(db, statement, params)
    parts = []
    for count, data in blocks:
        values = np.frombuffer(bytes(data or b""), dtype=">i8")
        if values.shape[0] != count * width:
            raise ValueError("a compass query returned a null where it needs an integer")
        parts.append(values.reshape(count, width).astype(np.int64))
    return _stack(parts, width)


#: Rows packed into one value on SQLite: ids in blocks of 2**17 (some megabytes of text each).
_SQLITE_BLOCK_BITS = 17


def _hex_rows(db: Any, sql: str, params: Sequence[Any], width: int) -> np.ndarray:
    """The query's rows as an ``(n, width)`` int64 array, packed by SQLite itself.

    SQLite has no binary packing, but ``printf`` writes each integer as 16 hexadecimal
    digits (two's complement: -1 is sixteen f) and ``group_concat`` joins a block of rows
    into one text: a few values reach Python, which turns them into bytes at once,
    instead of a Python object per value (that took twice as long).
    """
    spelt = "%%016x" * width  # '%%' is '%' once the driver has put in the parameters
    values = ", ".join(f"q.c{i}" for i in range(width))
    statement = (
        f"SELECT count(*), group_concat(printf('{spelt}', {values}), '') FROM ({sql}) AS q "
        f"GROUP BY q.c0 >> {_SQLITE_BLOCK_BITS}"
    )
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        blocks = cursor.fetchall()
    parts = []
    for count, text in blocks:
        if len(text or "") != count * width * 16:
            raise ValueError("a compass query returned a null where it needs an integer")
        values_read = np.frombuffer(bytes.fromhex(text), dtype=">u8").view(">i8")
        parts.append(values_read.reshape(count, width).astype(np.int64))
    return _stack(parts, width)


def binary_rows(db: Any, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """A PostgreSQL query's rows in the binary format: ``bytea`` values arrive as they are,
    not spelt out in hexadecimal for Python to parse back (a third of the reading time)."""
    import psycopg

    db.ensure_connection()
    with psycopg.Cursor(db.connection) as cursor:
        cursor.execute(statement, params, binary=True)
        return cursor.fetchall()


def _stack(parts: list[np.ndarray], width: int) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int64)


def load_activity(community_id: int, *, chunk: int = CHUNK) -> Activity:
    """Everything the compass reads about one community, as arrays (read in full)."""
    return activity_read(community_id, chunk=chunk).activity


@dataclass(frozen=True)
class Loaded:
    activity: Activity
    #: Every row the activity was built from, and those read this time (all on a full read).
    rows: Rows
    new: Rows
    reach: Reach
    #: The stored rows this read appended to; None when everything was read.
    based_on: Kept | None
    #: The earliest time anything read this time can change (None on a full read).
    earliest_change: int | None


def activity_read(
    community_id: int,
    *,
    kept: Kept | None = None,
    clock: int | None = None,
    chunk: int = CHUNK,
) -> Loaded:
    """Everything the compass reads about one community, as arrays.

    With ``kept`` (the rows a previous run read, see ``practica.compass.rows``), only
    rows with larger ids are read and appended, when nothing but appending happened
    since: same clock token (``clock``, read by the caller before anything else), same
    confidential threads, same system accounts. Otherwise everything is read.

    Confidential circles stay out: their threads, replies and ledger events (and
    so their tags and links) are never read, so no figure, map or roster can
    point at who spoke there (see docs/privacy.md; community-level counts come
    from the ``confidential`` figure provider instead).
    """
    token = clock_read(community_id) if clock is None else clock
    secret = confidential_ids(community_id)
    system = system_ids()
    if kept is not None and not (
        kept.reach.clock == token
        and kept.reach.digest == digest_of(secret, kept.reach.thread_id, system)
    ):
        kept = None
    while True:
        new_rows = _read(_jobs(community_id, secret, kept.reach if kept else None), chunk)
        # A thread moved into a confidential circle while the rows were read moves the
        # clock too; but this run must not show it either: read again, everything.
        now_secret = confidential_ids(community_id)
        if np.array_equal(now_secret, secret):
            break
        secret, kept = now_secret, None
    new = Rows(
        threads=new_rows["threads"],
        replies=new_rows["replies"],
        events=new_rows["events"],
        tags=new_rows["tags"],
    )
    answers = np.zeros(0, dtype=np.int64)
    if kept is None:
        rows = new
        base = Reach(clock=token, thread_id=0, reply_id=0, event_id=0, tag_id=0, digest="")
    else:
        rows = kept.rows + new
        base = kept.reach
        answers = _accepted_again(rows, new_rows["accepted"])
    reach = base.advanced(new)
    top_thread = max(reach.thread_id, int(secret.max()) if secret.size else 0)
    reach = replace(reach, thread_id=top_thread, digest=digest_of(secret, top_thread, system))
    threads, replies, events = _by_id(rows.threads), _by_id(rows.replies), _by_id(rows.events)
    activity = _assemble(community_id, threads, replies, events, _by_id(rows.tags), system, chunk)
    earliest = None if kept is None else _earliest(activity, new, events, answers)
    return Loaded(
        activity=activity,
        rows=Rows(threads=threads, replies=replies, events=events, tags=rows.tags),
        new=new,
        reach=reach,
        based_on=kept,
        earliest_change=earliest,
    )


Jobs = dict[str, tuple[QuerySet[Any], list[str | Expression]]]


def confidential_ids(community_id: int) -> np.ndarray:
    """Sorted ids of the threads in the community's confidential circles (the circles
    first, then their threads by the circle's index: no join over every thread)."""
    circles = list(
        Circle.objects.filter(community_id=community_id, tier=CircleTier.CONFIDENTIAL).values_list(
            "pk", flat=True
        )
    )
    if not circles:
        return np.zeros(0, dtype=np.int64)
    threads = Thread.objects.filter(community_id=community_id, circle_id__in=circles)
    return np.array(sorted(threads.values_list("pk", flat=True)), dtype=np.int64)


def system_ids() -> np.ndarray:
    """Sorted ids of the system accounts (not people the compass counts)."""
    found = User.objects.filter(is_system=True).values_list("pk", flat=True)
    return np.array(sorted(found), dtype=np.int64)


#: Confidential threads named one by one in a query, up to this many; a subquery beyond.
LISTED = 500


def _without(
    queryset: QuerySet[Any], field: str, secret: np.ndarray, community_id: int
) -> QuerySet[Any]:
    """``queryset`` without rows whose ``field`` names a confidential thread."""
    if secret.size == 0:
        return queryset
    if secret.size <= LISTED:
        return queryset.exclude(**{f"{field}__in": secret.tolist()})
    return queryset.exclude(**{f"{field}__in": confidential_thread_ids(community_id)})


def _jobs(community_id: int, secret: np.ndarray, after: Reach | None) -> Jobs:
    """The queries of a read: everything, or (``after``) only rows with larger ids, plus
    every thread's accepted answer (a column the clock does not watch)."""
    sqlite = connections[Thread.objects.db].vendor == "sqlite"
    # Appended rows only: on SQLite, walk the ids from the last one read (the unary plus
    # keeps the planner off the community's index, which would visit every row).
    scan = (after is None and scan_tables(community_id)) or (after is not None and sqlite)
    mine: QuerySet[Any]
    their_replies: QuerySet[Any]
    ledger: QuerySet[Any]
    tagged: QuerySet[Any]
    if after is not None and sqlite:
        mine = Thread.objects.alias(c=unindexed("community_id")).filter(c=community_id)
        their_replies = Reply.objects.alias(c=unindexed("thread__community_id")).filter(
            c=community_id
        )
        ledger = LedgerEvent.objects.alias(c=unindexed("community_id")).filter(c=community_id)
    elif scan:
        mine = Thread.objects.alias(c=unindexed("community_id")).filter(c=community_id)
        their_replies = Reply.objects.alias(t=unindexed("thread_id")).filter(
            t__in=Thread.objects.filter(community_id=community_id).values("pk")
        )
        ledger = LedgerEvent.objects.alias(c=unindexed("community_id")).filter(c=community_id)
    else:
        mine = Thread.objects.filter(community_id=community_id)
        their_replies = Reply.objects.filter(thread__community_id=community_id)
        ledger = LedgerEvent.objects.filter(community_id=community_id)
    tagged = _tagged(community_id, scan)
    if after is not None and sqlite:
        tagged = (
            cast(Any, Thread.tags.through.objects)
            .alias(c=unindexed("thread__community_id"))
            .filter(c=community_id)
        )
    if after is not None:
        mine = mine.filter(pk__gt=after.thread_id)
        their_replies = their_replies.filter(pk__gt=after.reply_id)
        ledger = ledger.filter(pk__gt=after.event_id)
        tagged = tagged.filter(pk__gt=after.tag_id)
    jobs: Jobs = {
        "threads": (
            _without(mine, "pk", secret, community_id),
            [
                "pk",
                _or_zero("author_id"),
                Epoch("created_at"),
                _code("kind", KIND_CODE),
                _or_zero("accepted_reply_id"),
            ],
        ),
        "replies": (
            _without(their_replies, "thread_id", secret, community_id),
            [
                "pk",
                "thread_id",
                _or_zero("parent_id"),
                _or_zero("author_id"),
                Epoch("created_at"),
                _is_set("hidden_at"),
            ],
        ),
        "events": (
            _without(ledger.filter(verb__in=EVENT_VERBS), "thread_id", secret, community_id),
            [
                "pk",
                _or_zero("actor_id"),
                _or_zero("target_id"),
                _code("verb", VERB_CODE),
                Epoch("occurred_at"),
                _or_zero("thread_id"),
            ],
        ),
        "tags": (tagged, ["pk", "thread_id", "tag_id"]),
    }
    if after is not None:
        # Served by the covering index ``compass_thread_accepted`` (see ``clock``).
        jobs["accepted"] = (
            _without(
                Thread.objects.filter(community_id=community_id, accepted_reply_id__isnull=False),
                "pk",
                secret,
                community_id,
            ),
            ["pk", "accepted_reply_id"],
        )
    return jobs


def _accepted_again(rows: Rows, accepted: np.ndarray) -> np.ndarray:
    """Write every thread's accepted answer, read afresh, into ``rows.threads`` (in place);
    return the ids of the accepted answers that changed: those before and those now."""
    threads = rows.threads
    before = threads[:, 4].copy()
    order = np.argsort(threads[:, 0], kind="stable")
    position = _index_of(threads[order, 0], accepted[:, 0])
    now = np.zeros(threads.shape[0], dtype=np.int64)
    found = position >= 0
    now[order[position[found]]] = accepted[found, 1]
    threads[:, 4] = now
    moved = before != now
    answers = np.concatenate([before[moved], now[moved]])
    return answers[answers > 0]


def _earliest(activity: Activity, new: Rows, events: np.ndarray, answers: np.ndarray) -> int:
    """The earliest time whose monthly rows what was read this time can change (a month's
    row reads only what happened before its end plus 30 days): the times of new rows;
    for a thread whose accepted answer changed, the times its resolution was or is taken
    from (those answers', and its acceptances in the ledger)."""
    times = [new.threads[:, 2], new.replies[:, 4], new.events[:, 4]]
    if new.tags.shape[0]:
        at = _index_of(activity.thread_ids, new.tags[:, 1])
        times.append(activity.thread_time[at[at >= 0]])
    if answers.size:
        at = _index_of(activity.reply_ids, answers)
        times.append(activity.reply_time[at[at >= 0]])
        threads = activity.thread_ids[activity.reply_thread[at[at >= 0]]]
        accepts = events[
            (events[:, 3] == VERB_CODE[Verb.ACCEPTED]) & np.isin(events[:, 5], threads)
        ]
        times.append(accepts[:, 4])
        if (at < 0).any():
            return int(activity.thread_time.min()) if activity.thread_time.size else NOTHING_NEW
    found = [t for t in times if t.size]
    return int(min(int(t.min()) for t in found)) if found else NOTHING_NEW


#: ``earliest_change`` when nothing is new: every stored month stays.
NOTHING_NEW = 2**62


#: PostgreSQL reads side by side, each on a connection of its own (the server does the work).
PARALLEL_READS = 4


def _read(jobs: Jobs, chunk: int) -> dict[str, np.ndarray]:
    """Each job's rows as one array. On PostgreSQL, outside a transaction, the queries run
    at the same time on connections of their own: joining and packing rows is the server's
    work, and it has more than one core. Inside a transaction (a test's, a request's) they
    run one after the other on its connection, which alone sees its uncommitted rows."""

    def one(queryset: QuerySet[Any], columns: list[str | Expression]) -> np.ndarray:
        return _stack(list(chunks(queryset, columns, size=chunk)), len(columns))

    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or db.in_atomic_block:
        return {name: one(*job) for name, job in jobs.items()}

    def on_own_connection(queryset: QuerySet[Any], columns: list[str | Expression]) -> np.ndarray:
        try:
            return one(queryset, columns)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        futures = {name: pool.submit(on_own_connection, *job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _tagged(community_id: int, scan: bool) -> QuerySet[Any]:
    through = Thread.tags.through
    if scan:
        tagged: QuerySet[Any] = cast(Any, through.objects).alias(t=unindexed("thread_id"))
        return tagged.filter(t__in=Thread.objects.filter(community_id=community_id).values("pk"))
    return through.objects.filter(thread__community_id=community_id)


def _code(field: str, codes: dict[str, int]) -> Expression:
    """A text column turned into its small integer code in the query (-1 for anything else)."""
    return Case(
        *[When(**{field: name}, then=Value(code)) for name, code in codes.items()],
        default=Value(-1),
        output_field=BigIntegerField(),
    )


def _assemble(
    community_id: int,
    threads: np.ndarray,
    replies: np.ndarray,
    events: np.ndarray,
    tag_rows: np.ndarray,
    system: np.ndarray,
    chunk: int,
) -> Activity:
    """The activity from rows in id order."""
    thread_ids = threads[:, 0]
    reply_ids = replies[:, 0]
    # People: every author and event party who is a person (not a system account).
    raw_people = _distinct_positive(
        np.concatenate([threads[:, 1], replies[:, 3], events[:, 1], events[:, 2]])
    )
    person_ids = np.setdiff1d(raw_people, system, assume_unique=True)

    def index(ids: np.ndarray) -> np.ndarray:
        return _index_of(person_ids, ids)

    reply_thread = _index_of(thread_ids, replies[:, 1])
    thread_author = index(threads[:, 1])
    reply_author = index(replies[:, 3])
    parent = _index_of(reply_ids, replies[:, 2])
    reply_target = np.where(
        parent >= 0, reply_author[np.maximum(parent, 0)], thread_author[reply_thread]
    )
    resolved = _resolved_times(threads, reply_ids, replies[:, 4], replies[:, 5] == 1, events)
    tag_names, tag_thread, tag_code = _tags(community_id, thread_ids, tag_rows)
    link_from, link_to, link_time = _links(community_id, thread_ids, chunk)
    verbs = events[:, 3]
    keep = verbs >= 0
    return Activity(
        person_ids=person_ids,
        perspectives=_perspectives(person_ids),
        thread_ids=thread_ids,
        thread_author=thread_author.astype(np.int32),
        thread_time=threads[:, 2].copy(),
        thread_kind=threads[:, 3].astype(np.int8),
        thread_resolved_time=resolved,
        reply_ids=reply_ids,
        reply_thread=reply_thread.astype(np.int32),
        reply_author=reply_author.astype(np.int32),
        reply_target=reply_target.astype(np.int32),
        reply_time=replies[:, 4].copy(),
        tag_names=tag_names,
        tag_thread=tag_thread,
        tag_code=tag_code,
        link_from=link_from,
        link_to=link_to,
        link_time=link_time,
        event_actor=index(events[keep, 1]).astype(np.int32),
        event_target=index(events[keep, 2]).astype(np.int32),
        event_verb=verbs[keep].astype(np.int8),
        event_time=events[keep, 4].copy(),
    )


def _distinct_positive(ids: np.ndarray) -> np.ndarray:
    """The distinct ids above 0, sorted. Ids sit close together: marking each in a table
    of flags is ten times faster than sorting or hashing a million of them."""
    ids = ids[ids > 0]
    if ids.size == 0:
        return ids
    top = int(ids.max())
    if top >= DENSE_SLOTS * ids.shape[0] + 1024:
        return np.unique(ids)
    seen = np.zeros(top + 1, dtype=bool)
    seen[ids] = True
    return np.flatnonzero(seen).astype(np.int64)


def _by_id(rows: np.ndarray) -> np.ndarray:
    """Rows sorted by their first column, the id (a table read straight through is already)."""
    ids = rows[:, 0]
    if ids.shape[0] < 2 or bool((ids[1:] >= ids[:-1]).all()):
        return rows
    return rows[np.argsort(ids, kind="stable")]


#: A lookup table may hold this many slots per id before binary search is used instead.
DENSE_SLOTS = 4


def _index_of(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Position of each id in ``sorted_ids``, or ``NOBODY`` (-1) when absent (0 is "none")."""
    if sorted_ids.size == 0:
        return np.full(ids.shape[0], NOBODY, dtype=np.int64)
    low, high = int(sorted_ids[0]), int(sorted_ids[-1])
    if high - low < DENSE_SLOTS * sorted_ids.shape[0] + 1024:
        # Ids of one community are close together: one gather from a table of positions
        # rather than a binary search per id.
        table = np.full(high - low + 1, NOBODY, dtype=np.int64)
        table[sorted_ids - low] = np.arange(sorted_ids.shape[0])
        inside = (ids >= low) & (ids <= high)
        out = np.full(ids.shape[0], NOBODY, dtype=np.int64)
        out[inside] = table[ids[inside] - low]
        return out
    at = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.shape[0] - 1)
    return np.where(sorted_ids[at] == ids, at, NOBODY).astype(np.int64)


def _resolved_times(
    threads: np.ndarray,
    reply_ids: np.ndarray,
    reply_time: np.ndarray,
    reply_hidden: np.ndarray,
    events: np.ndarray,
) -> np.ndarray:
    """When each thread was resolved: its acceptance in the ledger, else its accepted reply's
    time; -1 when it has no accepted reply, or moderation hid that reply (as on its page)."""
    accepted = _index_of(reply_ids, threads[:, 4])
    accepted[(accepted >= 0) & reply_hidden[np.maximum(accepted, 0)]] = NOBODY
    resolved = np.where(accepted >= 0, reply_time[np.maximum(accepted, 0)], -1)
    is_accept = events[:, 3] == VERB_CODE[Verb.ACCEPTED]
    if is_accept.any():
        thread_of = _index_of(threads[:, 0], events[is_accept, 5])
        when = events[is_accept, 4]
        ok = (thread_of >= 0) & (accepted[np.maximum(thread_of, 0)] >= 0)
        first = np.full(threads.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, thread_of[ok], when[ok])
        has = first != np.iinfo(np.int64).max
        resolved[has] = first[has]
    return resolved.astype(np.int64)


def _tags(
    community_id: int, thread_ids: np.ndarray, rows: np.ndarray
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    tags = list(
        Tag.objects.filter(community_id=community_id).order_by("pk").values_list("pk", "name")
    )
    tag_ids = np.array([t[0] for t in tags], dtype=np.int64)
    thread = _index_of(thread_ids, rows[:, 1])
    code = _index_of(tag_ids, rows[:, 2])
    ok = (thread >= 0) & (code >= 0)
    return (
        tuple(t[1] for t in tags),
        thread[ok].astype(np.int32),
        code[ok].astype(np.int32),
    )


def _links(
    community_id: int, thread_ids: np.ndarray, chunk: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if thread_ids.size == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)
    # Links from threads in the range of the threads read, by the index on the source (no
    # join over every thread of the community); only those whose both ends were read stay.
    rows = _stack(
        list(
            chunks(
                ThreadLink.objects.filter(
                    from_thread_id__gte=int(thread_ids[0]), from_thread_id__lte=int(thread_ids[-1])
                ),
                ["pk", "from_thread_id", "to_thread_id", Epoch("created_at")],
                size=chunk,
            )
        ),
        4,
    )
    rows = _by_id(rows)
    source = _index_of(thread_ids, rows[:, 1])
    target = _index_of(thread_ids, rows[:, 2])
    ok = (source >= 0) & (target >= 0)
    return source[ok].astype(np.int32), target[ok].astype(np.int32), rows[ok, 3].copy()


def _perspectives(person_ids: np.ndarray) -> np.ndarray:
    """Codes of each person's perspectives; people without any are not read at all."""
    codes = np.full((person_ids.shape[0], len(PERSPECTIVE_FIELDS)), -1, dtype=np.int32)
    said = Q()
    for name in PERSPECTIVE_FIELDS:
        said |= ~Q(**{name: ""})
    vocab: list[dict[str, int]] = [{} for _ in PERSPECTIVE_FIELDS]
    if person_ids.size == 0:
        return codes
    # One query over the range of ids (people of one community mostly sit close together),
    # keeping those of this community afterwards: no list of a hundred thousand parameters.
    query = User.objects.filter(
        said, pk__gte=int(person_ids[0]), pk__lte=int(person_ids[-1])
    ).values_list("pk", *PERSPECTIVE_FIELDS)
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        everyone = cursor.fetchall()
    position = _index_of(person_ids, np.array([f[0] for f in everyone], dtype=np.int64))
    found = [f for f, at in zip(everyone, position.tolist(), strict=True) if at >= 0]
    if not found:
        return codes
    rows = position[position >= 0]
    for column in range(len(PERSPECTIVE_FIELDS)):
        seen = vocab[column]
        values = [(f[column + 1] or "").strip().lower() for f in found]
        codes[rows, column] = [seen.setdefault(v, len(seen)) if v else -1 for v in values]
    return codes
