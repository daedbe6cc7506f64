"""Write a synthetic community (``analysis.synthetic``) to the database, in bulk.

Rows get explicit ids, allocated after the table's current largest id inside
the same transaction, so that comments can name their answers and ledger
events their replies without reading anything back; PostgreSQL's sequences
are moved past them at the end. Everything goes in through plain INSERTs
(the ledger through its own bulk writer) in one transaction: a failed run
leaves nothing behind. The search index is filled once at the end
(``deferred_indexing``), not by its triggers row by row.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from practica.accounts.models import User
from practica.communities.models import Community, Membership, Role
from practica.communities.services import community_create
from practica.compass.analysis.activity import THREAD_KINDS
from practica.compass.analysis.synthetic import PERSPECTIVE_VALUES, Synthetic, generate
from practica.core.errors import Conflict, InvalidInput
from practica.exchange.models import Acknowledgement, Reply, ReplyKind, Tag, Thread, ThreadLink
from practica.ledger.models import LedgerEvent, Verb
from practica.ledger.services import EventSpec, events_record_bulk
from practica.search.backends import backend_for

BATCH = 5_000
#: Parameters in one statement: within both SQLite's (32,766) and PostgreSQL's (65,535) limits.
PARAMETERS = 30_000
SOURCE = "synthetic"
PERSPECTIVE_FIELDS = ("sector", "discipline", "region", "role_in_practice")


@dataclass(frozen=True)
class Generated:
    community: Community
    people: int
    threads: int
    replies: int
    events: int
    seconds: float


def community_generate(
    *,
    slug: str,
    people: int,
    interactions: int,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Create community ``slug`` with ``people`` people and ``interactions`` replies."""
    if people < 2:
        raise InvalidInput("--people must be at least 2", field="people")
    if interactions < 1:
        raise InvalidInput("--interactions must be at least 1", field="interactions")
    if Community.objects.filter(slug=slug).exists():
        raise Conflict(f"a community {slug!r} exists already; choose another slug", field="slug")
    say = progress or (lambda message: None)
    started = time.perf_counter()
    synthetic = generate(people=people, interactions=interactions, seed=seed)
    say(f"generated {people} people and {interactions} replies in memory")
    # One transaction; the search index takes the written threads and replies in one
    # statement at its end, as a bulk import does, rather than a trigger call per row.
    with _large_cache(), backend_for(connection).deferred_indexing(connection):
        ids = _write(slug, synthetic, say)
        _reset_sequences()
    return Generated(
        community=ids.community,
        people=people,
        threads=int(synthetic.thread_author.shape[0]),
        replies=int(synthetic.reply_thread.shape[0]),
        events=ids.events,
        seconds=time.perf_counter() - started,
    )


#: SQLite's page cache while generating (KiB): the whole run is one transaction, and with
#: the default 2 MB every index page it touches goes back and forth through the log.
SQLITE_CACHE_KIB = 262_144


@contextmanager
def _large_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        row = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(row[0]) if row else -2000}")


@dataclass
class _Ids:
    community: Community
    users: np.ndarray
    threads: np.ndarray
    replies: np.ndarray
    events: int = 0


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


Column = Sequence[Any] | np.ndarray


def _insert(model: type[models.Model], n: int, columns: dict[str, Column | Any]) -> None:
    """Insert ``n`` rows given column by column (attribute name -> ``n`` values, or one
    value for all). Columns left out get the field's default; an auto id left out is
    assigned by the database.

    A plain parameterised INSERT run with ``executemany``: ``bulk_create`` spent about
    ten microseconds per field of every row preparing values through the ORM, which
    made a million replies take most of an hour on this machine.
    """
    if n == 0:
        return
    names: list[str] = []
    values: list[Iterator[Any]] = []
    for field in model._meta.concrete_fields:
        given = columns.get(field.attname, _MISSING)
        if given is _MISSING:
            if field.primary_key:
                continue
            given = _adapt(field, field.get_default())
        names.append(connection.ops.quote_name(str(field.column)))
        if isinstance(given, np.ndarray):
            values.append(iter(given.tolist()))
        elif isinstance(given, list | tuple):
            values.append(iter(given))
        else:
            values.append(itertools.repeat(given, n))
    table = connection.ops.quote_name(model._meta.db_table)
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    rows = zip(*values, strict=False)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite reuses one prepared statement across executemany's rows.
            while batch := list(itertools.islice(rows, BATCH)):
                cursor.executemany(insert + one, batch)
            return
        # PostgreSQL: many rows per statement. Each statement fires the search index's
        # statement-level triggers once, so one row per statement cost a trigger call per row.
        per_statement = max(1, min(BATCH, PARAMETERS // len(names)))
        while batch := list(itertools.islice(rows, per_statement)):
            cursor.execute(
                insert + ", ".join([one] * len(batch)),
                [value for row in batch for value in row],
            )


_MISSING = object()


def _adapt(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(field, models.DateTimeField) and isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.JSONField):
        return field.get_db_prep_save(value, connection)
    return value


def _times(seconds: np.ndarray) -> list[str]:
    """Epoch seconds as the text both databases read as a UTC time, computed in bulk."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    stamps = np.char.replace(text, "T", " ")
    if connection.vendor == "sqlite":
        return stamps.tolist()
    return np.char.add(stamps, "+00:00").tolist()


def _when(seconds: np.ndarray) -> list[datetime]:
    """Aware datetimes for the ledger's writer, which takes ``EventSpec`` objects."""
    return [datetime.fromtimestamp(t, tz=UTC) for t in seconds.tolist()]


def _write(slug: str, s: Synthetic, say: Callable[[str], None]) -> _Ids:
    users = _users(slug, s)
    steward = User.objects.get(pk=int(users[0]))
    community = community_create(
        creator=steward,
        name=f"Synthetic {slug}",
        slug=slug,
        domain="a generated community for scale tests",
        purpose=f"Generated by `practica generate` ({s.people} people).",
    )
    _insert(
        Membership,
        s.people - 1,
        {"community_id": community.pk, "user_id": users[1:], "role": Role.MEMBER},
    )
    say(f"created {s.people} people and their memberships")
    ids = _Ids(community=community, users=users, threads=np.zeros(0), replies=np.zeros(0))
    ids.threads = _threads(community, s, users)
    say(f"created {ids.threads.shape[0]} threads")
    ids.replies = _replies(s, users, ids.threads)
    say(f"created {ids.replies.shape[0]} replies")
    _accept(s, ids)
    ids.events = _events(community, s, ids)
    say(f"recorded {ids.events} ledger events")
    return ids


def _users(slug: str, s: Synthetic) -> np.ndarray:
    first = _next_id(User)
    users = np.arange(first, first + s.people, dtype=np.int64)
    numbers = [str(i) for i in range(s.people)]
    columns: dict[str, Column | Any] = {
        "id": users,
        "username": [f"{slug}-{i}" for i in numbers],
        "display_name": [f"Person {i} of {slug}" for i in numbers],
        "password": "!synthetic",  # unusable: nobody logs in as a generated person
        "source": SOURCE,
        "source_id": [f"{slug}:{i}" for i in numbers],
    }
    for column, name in enumerate(PERSPECTIVE_FIELDS):
        choices = np.array(("", *PERSPECTIVE_VALUES[column]), dtype=object)
        columns[name] = choices[s.perspectives[:, column] + 1]
    _insert(User, s.people, columns)
    return users


def _threads(community: Community, s: Synthetic, users: np.ndarray) -> np.ndarray:
    first = _next_id(Thread)
    n = s.thread_author.shape[0]
    thread_ids = np.arange(first, first + n, dtype=np.int64)
    created = _times(s.thread_time)
    kinds = np.array(THREAD_KINDS, dtype=object)[s.thread_kind]
    story = s.thread_kind == THREAD_KINDS.index("story")
    numbers = np.arange(n).astype(str).astype(object)
    _insert(
        Thread,
        n,
        {
            "id": thread_ids,
            "community_id": community.pk,
            "author_id": users[s.thread_author],
            "kind": kinds,
            "title": "Synthetic " + kinds + " " + numbers,
            "body": np.where(story, "", "Generated " + kinds + " number " + numbers + "."),
            "what_happened": np.where(story, "Generated story number " + numbers + ".", ""),
            "created_at": created,
            "last_activity_at": created,
            "source": SOURCE,
            "source_id": numbers,
        },
    )
    tag_first = _next_id(Tag)
    _insert(
        Tag,
        len(s.tag_names),
        {
            "id": np.arange(tag_first, tag_first + len(s.tag_names)),
            "community_id": community.pk,
            "name": list(s.tag_names),
        },
    )
    _insert(
        Thread.tags.through,
        s.tag_thread.shape[0],
        {"thread_id": thread_ids[s.tag_thread], "tag_id": s.tag_code + tag_first},
    )
    _insert(
        ThreadLink,
        s.link_from.shape[0],
        {
            "from_thread_id": thread_ids[s.link_from],
            "to_thread_id": thread_ids[s.link_to],
            "created_at": _times(s.thread_time[s.link_from]),
        },
    )
    return thread_ids


def _replies(s: Synthetic, users: np.ndarray, thread_ids: np.ndarray) -> np.ndarray:
    first = _next_id(Reply)
    n = s.reply_thread.shape[0]
    reply_ids = np.arange(first, first + n, dtype=np.int64)
    comment = s.reply_parent >= 0
    # Answers come first in the arrays, so a parent row is always inserted before its comments.
    parent = np.where(comment, reply_ids[np.maximum(s.reply_parent, 0)], 0).astype(object)
    parent[~comment] = None
    _insert(
        Reply,
        n,
        {
            "id": reply_ids,
            "thread_id": thread_ids[s.reply_thread],
            "parent_id": parent,
            "author_id": users[s.reply_author],
            "kind": np.where(comment, ReplyKind.COMMENT.value, ReplyKind.ANSWER.value),
            "body": "Generated reply number " + np.arange(n).astype(str).astype(object) + ".",
            "created_at": _times(s.reply_time),
            "source": SOURCE,
            "source_id": np.arange(n).astype(str),
        },
    )
    return reply_ids


def _accept(s: Synthetic, ids: _Ids) -> None:
    """Set each resolved thread's accepted reply: one UPDATE per thread, sent as a batch."""
    accepted = np.flatnonzero(s.accepted_reply >= 0)
    pairs = list(
        zip(
            ids.replies[s.accepted_reply[accepted]].tolist(),
            ids.threads[accepted].tolist(),
            strict=True,
        )
    )
    table = connection.ops.quote_name(Thread._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per batch rather than one per thread.
            for start in range(0, len(pairs), BATCH):
                batch = pairs[start : start + BATCH]
                cursor.execute(
                    f"UPDATE {table} AS t SET accepted_reply_id = v.reply "
                    f"FROM (VALUES {', '.join(['(%s::bigint, %s::bigint)'] * len(batch))}) "
                    "AS v(reply, thread) WHERE t.id = v.thread",
                    [value for pair in batch for value in pair],
                )
            return
        for start in range(0, len(pairs), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET accepted_reply_id = %s WHERE id = %s",
                pairs[start : start + BATCH],
            )


def _events(community: Community, s: Synthetic, ids: _Ids) -> int:
    """The ledger events the services would have recorded: replies, acceptances, thanks."""
    users, threads, replies = ids.users, ids.threads, ids.replies
    author = s.reply_author
    target = np.where(
        s.reply_parent >= 0, author[np.maximum(s.reply_parent, 0)], s.thread_author[s.reply_thread]
    )
    times = _when(s.reply_time)

    def specs() -> Iterator[EventSpec]:
        for i in range(s.reply_thread.shape[0]):
            yield EventSpec(
                community_id=community.pk,
                actor_id=int(users[author[i]]),
                target_id=int(users[target[i]]),
                verb=Verb.REPLIED,
                object_type="reply",
                object_id=int(replies[i]),
                thread_id=int(threads[s.reply_thread[i]]),
                occurred_at=times[i],
                key=f"reply:{int(replies[i])}",
            )
        for t in np.flatnonzero(s.accepted_reply >= 0).tolist():
            r = int(s.accepted_reply[t])
            yield EventSpec(
                community_id=community.pk,
                actor_id=int(users[s.thread_author[t]]),
                target_id=int(users[author[r]]),
                verb=Verb.ACCEPTED,
                object_type="reply",
                object_id=int(replies[r]),
                thread_id=int(threads[t]),
                occurred_at=datetime.fromtimestamp(int(s.accepted_time[t]), tz=UTC),
                key=f"accept:{int(replies[r])}",
            )

    count = _record(specs())
    count += _thanks(community, s, ids)
    return count


def _thanks(community: Community, s: Synthetic, ids: _Ids) -> int:
    first = _next_id(Acknowledgement)
    people = s.thanks_person
    replies = s.thanks_reply
    helpers = s.reply_author[replies]
    real = people != helpers
    people, replies, helpers = people[real], replies[real], helpers[real]
    # One acknowledgement per person and reply (the model's constraint).
    _, unique = np.unique(
        people.astype(np.int64) * (replies.max() + 1 if replies.size else 1) + replies,
        return_index=True,
    )
    people, replies, helpers = people[unique], replies[unique], helpers[unique]
    times = s.thanks_time[real][unique]
    ack_ids = np.arange(first, first + people.shape[0], dtype=np.int64)
    _insert(
        Acknowledgement,
        people.shape[0],
        {
            "id": ack_ids,
            "person_id": ids.users[people],
            "thread_id": ids.threads[s.reply_thread[replies]],
            "reply_id": ids.replies[replies],
            "created_at": _times(times),
        },
    )
    return _record(
        EventSpec(
            community_id=community.pk,
            actor_id=int(ids.users[people[k]]),
            target_id=int(ids.users[helpers[k]]),
            verb=Verb.ACKNOWLEDGED,
            object_type="reply",
            object_id=int(ids.replies[replies[k]]),
            thread_id=int(ids.threads[s.reply_thread[replies[k]]]),
            occurred_at=datetime.fromtimestamp(int(times[k]), tz=UTC),
            key=f"ack:{int(ack_ids[k])}",
        )
        for k in range(people.shape[0])
    )


def _record(specs: Iterator[EventSpec]) -> int:
    count = 0
    batch: list[EventSpec] = []
    for spec in specs:
        batch.append(spec)
        if len(batch) >= BATCH * 4:
            count += events_record_bulk(batch, batch_size=BATCH)
            batch = []
    if batch:
        count += events_record_bulk(batch, batch_size=BATCH)
    return count


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences: move them past the ids written here; and
    plans queries from table statistics: bring them up to date with what was written (a
    planner that believes a million-row table empty chooses nested loops)."""
    written: list[type[models.Model]] = [User, Membership, Thread, ThreadLink, Reply, LedgerEvent]
    written.append(Thread.tags.through)
    statements = connection.ops.sequence_reset_sql(
        no_style(), [User, Thread, Reply, Tag, Acknowledgement]
    )
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        for model in written:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
