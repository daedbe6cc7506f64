"""Typed records: what every importer's parser yields, and the shared loader consumes.

Stage one (a parser per source) turns an archive into these records, streaming.
Stage two (the shared loader) maps source ids to ours and writes in batches,
safe to run again. ``source_id`` values are the ids in the source archive, as
strings; references between records use them too.

The contract for a parser: ``parse(path) -> Iterator[Record]`` yields records in
dependency order (people, tags, threads, replies with answers before the
comments on them, links, interactions), so a record only refers to records
yielded before it. A reference to a person the archive does not have is kept
as ``None`` by the loader (an unknown author), never invented. Every reply
whose author and the author of what it answers are two known people also
yields an ``InteractionRecord``: the compass reads the ledger alone.

Whatever a parser reads but leaves out (a comment on a post the dump does not
have, a moderator nomination) it reports as a ``SkippedRecord``, so that the
numbers of an import add up to the rows of the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PersonRecord:
    source_id: str
    display_name: str
    created_at: datetime | None = None
    bio: str = ""
    location: str = ""
    website: str = ""
    email: str = ""
    is_system: bool = False
    #: Unique across the whole database; the loader derives one from the source when empty.
    username: str = ""


@dataclass(frozen=True, slots=True)
class TagRecord:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class ThreadRecord:
    source_id: str
    author_id: str | None
    kind: str
    title: str
    body: str
    created_at: datetime
    tags: tuple[str, ...] = ()
    edited_at: datetime | None = None
    score: int = 0
    view_count: int = 0
    licence: str = ""
    accepted_reply_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReplyRecord:
    """An answer (``parent_id`` None) or a comment on the thread or on an answer."""

    source_id: str
    thread_id: str
    author_id: str | None
    body: str
    created_at: datetime
    kind: str = "answer"
    parent_id: str | None = None
    edited_at: datetime | None = None
    score: int = 0
    licence: str = ""


@dataclass(frozen=True, slots=True)
class LinkRecord:
    source_id: str
    from_thread_id: str
    to_thread_id: str
    kind: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """A ledger event derived from the archive, with its original time.

    ``object_id`` names the thread or reply (by source id) it is about.
    """

    key: str
    actor_id: str
    target_id: str
    verb: str
    occurred_at: datetime
    thread_id: str | None = None
    object_type: str = ""
    object_id: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A row of the archive that is deliberately not imported, and why (``reason``)."""

    kind: str
    source_id: str
    reason: str


Record = (
    PersonRecord
    | TagRecord
    | ThreadRecord
    | ReplyRecord
    | LinkRecord
    | InteractionRecord
    | SkippedRecord
)


@dataclass(slots=True)
class ImportStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    per_kind: dict[str, int] = field(default_factory=dict)
    #: Rows left out, by "kind: reason".
    skipped: dict[str, int] = field(default_factory=dict)
