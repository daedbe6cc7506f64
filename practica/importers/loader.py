"""The shared loader: writes the records of any parser into one community, safely.

Use::

    from practica.importers.loader import load
    stats = load(parser.parse(path), community=community, source="beer.stackexchange.com")

``load(records, *, community, source, progress=None, batch_size=2000) -> ImportStats``

- ``records``: any iterable following the contract in ``records.py`` (dependency
  order; references by source id). Tags may also come after the threads that
  name them: a thread's tags are created on the spot, a later ``TagRecord``
  fills in the description.
- ``source``: where the archive comes from (``beer.stackexchange.com``,
  ``gitter:freecodecamp``); stored on every row as provenance and part of
  every row's key, so two sources never collide in one community.
- ``progress``: called with the number of records read so far after each batch.
- Returns ``ImportStats``: rows created, updated and unchanged in this run
  (people, memberships, tags, threads, replies, links, ledger events), the
  records read per kind, and what was skipped and why.

Safe to re-run. Records are buffered and written every ``batch_size`` records,
each batch in one transaction; every row is found again by its natural key
(see ``writer.py``), so a second run over the same archive creates and
updates nothing, and a run killed at any moment is completed by the next run
to exactly the data an uninterrupted run gives. A parser error raised half way
(a truncated file) stops the run: batches already committed stay, and are
found again, unchanged, once the archive is fixed and imported again.

After the last batch: accepted replies are set (a thread may name an answer
that comes later), each thread's last activity is derived from its replies,
people with no date of their own are dated by their first contribution, and
every imported person becomes an active member of the community.

Usernames: a ``PersonRecord`` may name one; otherwise it is the source made
safe for usernames plus the source id (``gitter-freecodecamp-1234``).
Ledger keys are stored as ``<source>|<record key>``.
"""

from __future__ import annotations

import hashlib
import queue
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import DatabaseError, connection, transaction

from practica.accounts.models import User
from practica.communities.models import Community, Membership
from practica.exchange.models import Reply, Tag, Thread, ThreadLink
from practica.importers.records import (
    ImportStats,
    InteractionRecord,
    LinkRecord,
    PersonRecord,
    ReplyRecord,
    SkippedRecord,
    TagRecord,
    ThreadRecord,
)
from practica.importers.writer import (
    EventRow,
    LinkRow,
    PersonRow,
    ReplyRow,
    ThreadRow,
    Writer,
)
from practica.ledger.models import LedgerEvent
from practica.search.backends import backend_for

_FILLED = (User, Thread, Reply, Thread.tags.through, Tag, ThreadLink, LedgerEvent, Membership)

Progress = Callable[[int], None]
DEFAULT_BATCH = 2000
KEY_LENGTH = 120
_UNSAFE = re.compile(r"[^\w.@+-]+")


def load(
    records: Iterable[Any],
    *,
    community: Community,
    source: str,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> ImportStats:
    batch = _Batch(Writer(community), source)
    per_type: Counter[type] = Counter()
    read = flushed = 0
    with bulk_session():
        for chunk in read_ahead(records, batch_size):
            for record in chunk:
                read += 1
                per_type[type(record)] += 1
                batch.add(record)
            if batch.size >= batch_size:
                batch.flush()
                flushed += 1
                if flushed & (flushed - 1) == 0:
                    refresh_statistics()
                if progress is not None:
                    progress(read)
        batch.flush()
        with transaction.atomic():
            batch.writer.finish_accepted()
            batch.writer.finish_activity()
            batch.writer.finish_people()
    if progress is not None:
        progress(read)
    created, updated, unchanged = batch.writer.counts()
    return ImportStats(
        created=created,
        updated=updated,
        unchanged=unchanged,
        rows=read,
        per_kind={t.__name__.removesuffix("Record").lower(): n for t, n in per_type.items()},
        skipped=dict(batch.writer.skipped),
    )


#: Batches the parser may run ahead of the writer: memory stays bounded.
READ_AHEAD = 2
#: While the parser's thread runs, how long either thread holds the interpreter
#: before handing over (Python's default, 5 ms, delayed every return from the
#: database by as much).
_SWITCH_INTERVAL = 0.0005
_DONE = object()


def read_ahead(records: Iterable[Any], size: int) -> Generator[list[Any], None, None]:
    """The records in lists of ``size``, parsed by a thread of their own.

    Parsers are plain Python and never touch the database, while the writer
    spends much of its time in the database's own code, which lets other
    threads run: so parsing the next batches overlaps writing this one, on
    another core. A parser's error reaches the caller after the records that
    came before it, exactly where iterating the parser directly would raise it.
    """
    out: queue.Queue[Any] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        chunk: list[Any] = []
        try:
            for record in records:
                chunk.append(record)
                if len(chunk) >= size:
                    if not put(chunk):
                        return
                    chunk = []
            put(chunk)
            put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there
            put(chunk)
            put(exc)

    worker = threading.Thread(target=produce, name="import-parser", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH_INTERVAL)
    worker.start()
    try:
        while True:
            item = out.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(interval)


#: SQLite, for the import's connection: a page cache that holds the indexes being
#: filled (KiB when negative), and a checkpoint of the write-ahead log every
#: 40 MB rather than every 4 MB (each checkpoint waits for the disk).
_SQLITE_BULK = {"cache_size": -65536, "wal_autocheckpoint": 10000}


@contextmanager
def bulk_session() -> Iterator[None]:
    """Connection settings for the length of an import, restored after it.

    None changes what is written or when it is committed: every batch is
    still one transaction, and a killed run leaves whole batches behind.
    On PostgreSQL a commit returns without waiting for its log to reach the
    disk (``synchronous_commit``): a server crash may lose the last batches,
    never half of one, and the next run writes them again.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            row = cursor.fetchone()
            cursor.execute("SET synchronous_commit = off")
        try:
            yield
        finally:
            # A failed import may leave the transaction aborted (a test's, say);
            # the setting then ends with it, and the error that matters is that one.
            with suppress(DatabaseError), connection.cursor() as cursor:
                previous = row[0] if row else "on"
                cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [previous])
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in _SQLITE_BULK.items():
            cursor.execute(f"PRAGMA {name}")
            row = cursor.fetchone()
            before[name] = row[0] if row else value
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def refresh_statistics() -> None:
    """PostgreSQL: tell the planner how big the tables the import fills have grown.

    Called after the 1st, 2nd, 4th, 8th... batch. Statistics taken while the
    tables were empty (migrations, a fresh database, autovacuum off) make the
    planner check every foreign key and look up every natural key by scanning
    the whole table: the import slowed down quadratically with its own size.
    Doubling intervals keep the cost of ANALYZE itself a small share.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model in _FILLED]
    with connection.cursor() as cursor:
        # The search index, filled by its triggers, when the search app is installed.
        cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
        row = cursor.fetchone()
        if row is not None and row[0]:
            tables.append("search_document")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def username_for(source: str, source_id: str) -> str:
    return f"{_UNSAFE.sub('-', source).strip('-')}-{source_id}"[:150]


def event_key(source: str, key: str) -> str:
    full = f"{source}|{key}"
    if len(full) <= KEY_LENGTH:
        return full
    # Long sources or keys: a digest keeps the key unique and within the column.
    return f"{hashlib.sha1(full.encode()).hexdigest()}|{key}"[:KEY_LENGTH]


class _Batch:
    """Records waiting to be written, by kind; a later record with the same ref wins."""

    def __init__(self, writer: Writer, source: str) -> None:
        self.writer = writer
        self.source = source
        self.clear()

    def clear(self) -> None:
        self.people: dict[str, PersonRow] = {}
        self.tags: dict[str, str] = {}
        self.threads: dict[str, ThreadRow] = {}
        self.replies: dict[str, ReplyRow] = {}
        self.links: list[LinkRow] = []
        self.events: dict[str, EventRow] = {}
        self.size = 0

    def add(self, record: Any) -> None:
        self.size += 1
        # By exact type first (one dictionary access, where a chain of
        # isinstance checks ran per record); subclasses fall back to the chain.
        adder = _ADDERS.get(type(record))
        if adder is None:
            adder = next((a for t, a in _ADDERS.items() if isinstance(record, t)), None)
            if adder is None:
                raise TypeError(f"not an import record: {type(record).__name__}")
        adder(self, record)

    def _person(self, record: PersonRecord) -> None:
        source = self.source
        self.people[record.source_id] = PersonRow(
            ref=record.source_id,
            username=record.username or username_for(source, record.source_id),
            source=source,
            source_id=record.source_id,
            fields={
                "display_name": record.display_name[:150],
                "bio": record.bio,
                "location": record.location[:200],
                "website": record.website[:500],
                "email": record.email[:254],
                "is_system": record.is_system,
            },
            joined_at=record.created_at,
        )

    def _tag(self, record: TagRecord) -> None:
        self.tags[record.name[:64]] = record.description

    def _thread(self, record: ThreadRecord) -> None:
        self.threads[record.source_id] = ThreadRow(
            ref=record.source_id,
            source=self.source,
            source_id=record.source_id,
            author_ref=record.author_id,
            fields={
                "kind": record.kind,
                "title": record.title[:300],
                "body": record.body,
                "score": record.score,
                "view_count": record.view_count,
                "created_at": record.created_at,
                "edited_at": record.edited_at,
                "licence": record.licence,
            },
            tags=tuple(dict.fromkeys(t[:64] for t in record.tags)),
            accepted_ref=record.accepted_reply_id,
        )

    def _reply(self, record: ReplyRecord) -> None:
        self.replies[record.source_id] = ReplyRow(
            record.source_id,
            self.source,
            record.source_id,
            record.thread_id,
            record.parent_id,
            record.author_id,
            {
                "kind": record.kind,
                "body": record.body,
                "score": record.score,
                "created_at": record.created_at,
                "edited_at": record.edited_at,
                "licence": record.licence,
            },
        )

    def _link(self, record: LinkRecord) -> None:
        fields: dict[str, Any] = {"source": self.source, "source_id": record.source_id}
        if record.created_at is not None:
            fields["created_at"] = record.created_at
        self.links.append(LinkRow(record.from_thread_id, record.to_thread_id, record.kind, fields))

    def _event(self, record: InteractionRecord) -> None:
        key = event_key(self.source, record.key)
        self.events[key] = EventRow(
            key,
            record.actor_id,
            record.target_id,
            record.verb,
            record.occurred_at,
            record.object_type,
            record.object_id,
            record.thread_id,
        )

    def _skipped(self, record: SkippedRecord) -> None:
        self.writer.skip(f"{record.kind}: {record.reason}")

    def flush(self) -> None:
        if self.size == 0:
            return
        w = self.writer
        # One transaction per batch; the search index takes the batch's
        # documents in one statement at its end (SQLite's triggers are per row).
        with backend_for(connection).deferred_indexing(connection):
            w.write_people(list(self.people.values()))
            w.write_tags(list(self.tags.items()))
            w.write_threads(list(self.threads.values()))
            w.write_replies(list(self.replies.values()))
            w.write_links(self.links)
            w.write_events(list(self.events.values()))
        self.clear()


_ADDERS: dict[type, Callable[[_Batch, Any], None]] = {
    InteractionRecord: _Batch._event,
    ReplyRecord: _Batch._reply,
    ThreadRecord: _Batch._thread,
    PersonRecord: _Batch._person,
    TagRecord: _Batch._tag,
    LinkRecord: _Batch._link,
    SkippedRecord: _Batch._skipped,
}
