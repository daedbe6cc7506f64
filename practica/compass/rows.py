"""The rows the compass read last time, kept so that the next run reads only what is new.

The adapter reads four tables of a community as integer arrays (``Rows``). They are
stored in ``CompassRows`` parts, in the same transaction as the snapshot, with how far
they reach (``Reach``, in ``CompassState``): the clock token they were read under
(``practica.compass.clock``), the largest id read from each table, and a digest of the
confidential threads (up to the largest thread id) and of the system accounts. A run
whose token and digest match reads only rows with larger ids and appends them; any
other change is a full read. A run that fails or is interrupted stores nothing: the
rows and the snapshot of the run before stay as they were.

Confidential circles never reach these rows: the adapter leaves them out when it reads.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, fields

import numpy as np
from django.db import connections

from practica.communities.models import Community
from practica.compass.models import CompassRows, CompassState

#: The shape of the stored rows; rows of another shape are read again.
FORMAT = 1
#: Parts kept before they are merged into one.
MAX_PARTS = 8
#: Columns of each table, in the adapter's order.
WIDTHS = {"threads": 5, "replies": 6, "events": 6, "tags": 3}


@dataclass(frozen=True)
class Rows:
    """Integer rows (id first) of threads, replies, ledger events and thread tags."""

    threads: np.ndarray
    replies: np.ndarray
    events: np.ndarray
    tags: np.ndarray

    @staticmethod
    def empty() -> Rows:
        return Rows(**{name: np.zeros((0, w), dtype=np.int64) for name, w in WIDTHS.items()})

    def __add__(self, other: Rows) -> Rows:
        return Rows.joined([self, other])

    @staticmethod
    def joined(parts: list[Rows]) -> Rows:
        """The parts' rows one after the other: each table copied once, and not at all
        when only one part has rows (a table is some tens of megabytes at a million rows)."""
        tables = {}
        for name in WIDTHS:
            found = [getattr(p, name) for p in parts if getattr(p, name).shape[0]]
            if len(found) == 1:
                tables[name] = found[0]
            elif found:
                tables[name] = np.concatenate(found)
            else:
                tables[name] = np.zeros((0, WIDTHS[name]), dtype=np.int64)
        return Rows(**tables)

    @property
    def size(self) -> int:
        return sum(int(getattr(self, f.name).shape[0]) for f in fields(self))


@dataclass(frozen=True)
class Reach:
    """How far stored rows reach (see the module's docstring)."""

    clock: int
    thread_id: int
    reply_id: int
    event_id: int
    tag_id: int
    digest: str

    def advanced(self, new: Rows) -> Reach:
        """This reach moved past the ids of ``new``."""

        def top(now: int, rows: np.ndarray) -> int:
            return max(now, int(rows[:, 0].max())) if rows.shape[0] else now

        return Reach(
            clock=self.clock,
            thread_id=top(self.thread_id, new.threads),
            reply_id=top(self.reply_id, new.replies),
            event_id=top(self.event_id, new.events),
            tag_id=top(self.tag_id, new.tags),
            digest=self.digest,
        )


@dataclass(frozen=True)
class Kept:
    rows: Rows
    reach: Reach
    parts: int


def digest_of(confidential: np.ndarray, up_to_thread: int, system: np.ndarray) -> str:
    """A digest of the confidential threads with ids up to ``up_to_thread`` and of the
    system accounts: if either changes, stored rows are not reused."""
    digest = hashlib.blake2b(digest_size=16)
    inside = np.sort(confidential[confidential <= up_to_thread]).astype(np.int64)
    digest.update(inside.tobytes())
    digest.update(b"|")
    digest.update(np.sort(system).astype(np.int64).tobytes())
    return digest.hexdigest()


def pack(rows: Rows) -> bytes:
    """Rows as bytes: each column stored from its smallest value in the narrowest
    unsigned type that holds it (ids and times fit four bytes)."""
    arrays: dict[str, np.ndarray] = {}
    for f in fields(rows):
        table: np.ndarray = getattr(rows, f.name)
        base = table.min(axis=0) if table.shape[0] else np.zeros(table.shape[1], np.int64)
        arrays[f"{f.name}.base"] = base.astype(np.int64)
        for column in range(table.shape[1]):
            delta = table[:, column] - base[column]
            top = int(delta.max()) if delta.shape[0] else 0
            kind = next(
                t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if top <= np.iinfo(t).max
            )
            arrays[f"{f.name}.{column}"] = delta.astype(kind)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def unpack(data: bytes) -> Rows:
    """Rows as ``pack`` stored them. Each column is widened straight into its place in
    one array, column after column (no temporary per column, no stacking)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        tables = {}
        for name, width in WIDTHS.items():
            base = stored[f"{name}.base"]
            first = stored[f"{name}.0"]
            by_column = np.empty((width, first.shape[0]), dtype=np.int64)
            for c in range(width):
                column = first if c == 0 else stored[f"{name}.{c}"]
                np.add(column, base[c], out=by_column[c], casting="unsafe")
            tables[name] = by_column.T  # rows again: a view, nothing copied
    return Rows(**tables)


def reach_of(state: CompassState) -> Reach:
    return Reach(
        clock=state.rows_clock,
        thread_id=state.rows_thread_id,
        reply_id=state.rows_reply_id,
        event_id=state.rows_event_id,
        tag_id=state.rows_tag_id,
        digest=state.rows_digest,
    )


def rows_load(community: Community, state: CompassState | None) -> Kept | None:
    """The stored rows and how far they reach, or None when there are none to reuse."""
    if state is None or state.rows_format != FORMAT:
        return None
    parts = _parts(community)
    if not parts:
        return None
    rows = Rows.joined([unpack(data) for data in parts])
    return Kept(rows=rows, reach=reach_of(state), parts=len(parts))


def _parts(community: Community) -> list[bytes]:
    query = (
        CompassRows.objects.filter(community=community)
        .order_by("part")
        .values_list("data", flat=True)
    )
    db = connections[query.db]
    if db.vendor != "postgresql":
        return [bytes(data) for data in query]
    from practica.compass.adapter import binary_rows

    sql, params = query.query.sql_with_params()
    return [bytes(row[0]) for row in binary_rows(db, sql, params)]


def _state_fields(reach: Reach | None) -> dict[str, object]:
    if reach is None:
        return {"rows_format": 0}
    return {
        "rows_format": FORMAT,
        "rows_clock": reach.clock,
        "rows_thread_id": reach.thread_id,
        "rows_reply_id": reach.reply_id,
        "rows_event_id": reach.event_id,
        "rows_tag_id": reach.tag_id,
        "rows_digest": reach.digest,
    }


def rows_store(
    community: Community,
    *,
    based_on: Kept | None,
    new: Rows,
    every: Rows,
    reach: Reach,
) -> dict[str, object]:
    """Store the rows read by a run; to be called inside the transaction that stores its
    snapshot. ``based_on``: the stored rows the run added ``new`` to (None: ``new`` is a
    full read). Returns the ``CompassState`` fields that say how far the rows reach.

    When the stored rows changed meanwhile (another run stored its own), they are all
    dropped: the next run reads everything again rather than append twice."""
    state = CompassState.objects.select_for_update().filter(community=community).first()
    stored = reach_of(state) if state is not None and state.rows_format == FORMAT else None
    existing = CompassRows.objects.filter(community=community)
    if based_on is not None:
        if stored != based_on.reach:
            existing.delete()
            return _state_fields(None)
        if based_on.parts < MAX_PARTS:
            if new.size:
                CompassRows.objects.create(community=community, part=based_on.parts, data=pack(new))
            return _state_fields(reach)
    existing.delete()
    CompassRows.objects.create(community=community, part=0, data=pack(every))
    return _state_fields(reach)
