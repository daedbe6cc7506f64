"""Stage one for Gitter: room archives (TSV, one file per room) to typed records.

Each file holds one room's messages, without a header, in the columns
``room_id, room_uri, sent_at, from_userid, from_username, message_id, text``;
texts spanning several lines are quoted, so the file is read as CSV with a tab
delimiter. Rooms become tags (``room-<name>``), conversations are inferred by
``practica.importers.conversations`` (the rule is in docs/importers.md).

Two passes over the files: the first checks every row and collects the people
(so that nothing is yielded from an archive with a bad row, and so that an
@mention can name anyone in the archive); the second reads one room at a time,
puts it in time order and groups it. Memory holds the people and one room.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from practica.core.text import find_mentions
from practica.importers.conversations import ChatMessage, Room
from practica.importers.errors import ArchiveError
from practica.importers.records import (
    InteractionRecord,
    PersonRecord,
    Record,
    SkippedRecord,
    TagRecord,
)

if TYPE_CHECKING:
    from practica.importers.formats import Archive

COLUMNS = ("room_id", "room_uri", "sent_at", "from_userid", "from_username", "message_id", "text")
# Gitter marks no account as a bot; the bots of the rooms we know all end so.
_BOT_RE = re.compile(r"bot$", re.IGNORECASE)
_TAG_CHARS_RE = re.compile(r"[^a-z0-9]+")
_ROW_START_RE = re.compile(rb"(?m)^[0-9a-f]{24}\t")
# The first line of a LICENSE file names the licence; map it to its SPDX id.
_LICENCE_TITLES = {
    "bsd 3-clause license": "BSD-3-Clause",
    "bsd 2-clause license": "BSD-2-Clause",
    "mit license": "MIT",
    "apache license": "Apache-2.0",
    "creative commons attribution-sharealike 4.0": "CC-BY-SA-4.0",
    "creative commons attribution 4.0": "CC-BY-4.0",
    "cc0 1.0 universal": "CC0-1.0",
}

csv.field_size_limit(sys.maxsize)
#: Oldest first; message ids break ties between equal times.
_TIME_ORDER = attrgetter("sent_at", "message_id")


class GitterRow(NamedTuple):
    room_uri: str
    sent_at: datetime
    user_id: str
    username: str
    message_id: str
    text: str


def room_files(path: Path) -> list[Path]:
    """The TSV files to read: ``path`` itself, or every ``*.tsv`` under it, by name."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ArchiveError(str(path), "no such file or folder")
    files = sorted(p for p in path.rglob("*.tsv") if p.is_file())
    if not files:
        raise ArchiveError(str(path), "no .tsv files in this folder")
    return files


def source_for(path: Path) -> str:
    """``gitter:<organisation>``, from the room URI of the first message."""
    return f"gitter:{_first_organisation(room_files(path)).lower()}"


def _first_organisation(files: list[Path]) -> str:
    for file in files:
        for row in read_rows(file):
            return row.room_uri.split("/", 1)[0]
    raise ArchiveError(str(files[0].parent), "no messages in these files")


def licence_near(path: Path) -> str:
    """The SPDX id of a LICENSE file beside the archive (in its folder or the one above)."""
    folder = path if path.is_dir() else path.parent
    for candidate in (folder / "LICENSE", folder.parent / "LICENSE"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8", errors="replace") as fh:
                title = fh.readline().strip().lower()
            for known, spdx in _LICENCE_TITLES.items():
                if title.startswith(known):
                    return spdx
    return ""


class GitterArchive:
    """A Gitter archive opened for import; ``rows_read`` counts rows as records go out."""

    def __init__(self, path: Path, *, licence: str | None = None) -> None:
        self.path = path
        self.files = room_files(path)
        self.licence = licence_near(path) if licence is None else licence
        self.rows_read = 0

    def estimate_rows(self) -> int:
        """Rows in the files, counted fast (a row starts with a 24-digit hex room id)."""
        total = 0
        for file in self.files:
            total += len(_ROW_START_RE.findall(file.read_bytes()))
        return total

    def records(self) -> Iterator[Record]:
        people, by_name = _survey(self.files)
        for user_id, username in people.items():
            yield PersonRecord(
                source_id=user_id,
                display_name=username,
                is_system=bool(_BOT_RE.search(username)),
            )
        for file in self.files:
            for record in _room_records(file, by_name, self.licence):
                if type(record) is not InteractionRecord and type(record) is not TagRecord:
                    self.rows_read += 1
                yield record


def parse(path: Path, *, licence: str | None = None) -> Iterator[Record]:
    """Every record of a Gitter archive (a TSV file or a folder of them), in contract order."""
    return GitterArchive(path, licence=licence).records()


def open_archive(path: Path, options: Mapping[str, Any]) -> Archive:
    """The archive for ``practica import chat --format gitter``."""
    # The parser stays free of Django: the command's types are only needed here.
    from practica.importers.formats import Archive

    archive = GitterArchive(path, licence=options.get("licence"))
    organisation = _first_organisation(archive.files)
    return Archive(
        source=f"gitter:{organisation.lower()}",
        community_name=f"{organisation} on Gitter",
        source_url=f"https://gitter.im/{organisation}",
        records=archive.records,
        estimate_rows=archive.estimate_rows,
        rows_read=lambda: archive.rows_read,
    )


def _room_records(file: Path, by_name: dict[str, str], licence: str) -> Iterator[Record]:
    rows, repeats = _room_in_time_order(file)
    for message_id in repeats:
        yield SkippedRecord("message", message_id, "repeated row")
    if not rows:
        return
    tag = room_tag(rows[0].room_uri)
    yield TagRecord(name=tag, description=f"Gitter room {rows[0].room_uri}")
    room = Room(tags=(tag,), licence=licence)
    for row in rows:
        text = row.text
        if not text or text.isspace():
            # Gitter keeps a deleted message as an empty text.
            yield SkippedRecord("message", row.message_id, "deleted (empty text)")
            continue
        mentions: tuple[str, ...] = ()
        if "@" in text:
            names = (name.lower() for name in find_mentions(text))
            mentions = tuple(by_name[name] for name in names if name in by_name)
        yield from room.message(
            ChatMessage(row.message_id, row.user_id or None, text, row.sent_at, mentions)
        )


def room_tag(room_uri: str) -> str:
    """``FreeCodeCamp/HelpBasejumps`` -> ``room-helpbasejumps``."""
    name = room_uri.split("/", 1)[1] if "/" in room_uri else room_uri
    slug = _TAG_CHARS_RE.sub("-", name.lower()).strip("-") or "unnamed"
    return f"room-{slug}"[:64].rstrip("-")


def _survey(files: list[Path]) -> tuple[dict[str, str], dict[str, str]]:
    """Check every row of every file. The people (id -> username, the first one read), and
    every username they wrote under, in lower case (-> id), for @mentions."""
    people: dict[str, str] = {}
    by_name: dict[str, str] = {}
    organisation = ""
    for file in files:
        room_uri = ""
        for row in read_rows(file):
            user_id = row.user_id
            # Under their first name, the person and that name are noted already.
            if user_id and people.get(user_id) != row.username:
                people.setdefault(user_id, row.username)
                by_name.setdefault(row.username.lower(), user_id)
            if row.room_uri == room_uri:
                continue  # a file holds one room: its organisation is checked once
            room_uri = row.room_uri
            org = _organisation(row)
            if not organisation:
                organisation = org
            elif org != organisation:
                raise ArchiveError(
                    str(file),
                    f"room {row.room_uri} belongs to {org}, not {organisation}: "
                    "import each organisation on its own",
                )
    return people, by_name


def _room_in_time_order(file: Path) -> tuple[list[GitterRow], list[str]]:
    """The room's messages, oldest first, and the ids of rows that repeat one."""
    # Archives come newest first, in pages that sometimes overlap: drop the
    # repeats, then sort (message ids break ties between equal times).
    unique: dict[str, GitterRow] = {}
    repeats: list[str] = []
    for row in read_rows(file):
        if row.message_id in unique:
            repeats.append(row.message_id)
        else:
            unique[row.message_id] = row
    return sorted(unique.values(), key=_TIME_ORDER), repeats


def _organisation(row: GitterRow) -> str:
    return row.room_uri.split("/", 1)[0].lower()


def read_rows(file: Path) -> Iterator[GitterRow]:
    """The rows of one TSV file, checked; an ``ArchiveError`` names the first bad one."""
    name = str(file)
    width = len(COLUMNS)
    parse_time = datetime.fromisoformat
    line = 1
    try:
        with file.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", strict=True)
            for cells in reader:
                # The checks of every row, inline: this loop runs once per row, twice.
                if len(cells) != width:
                    raise _bad_width(name, line, cells)
                _room_id, room_uri, sent_at, user_id, username, message_id, text = cells
                # An empty from_userid is an account deleted since: the author is unknown.
                if not room_uri or room_uri.isspace():
                    raise ArchiveError(name, "room_uri is empty", line=line)
                if not message_id or message_id.isspace():
                    raise ArchiveError(name, "message_id is empty", line=line)
                try:
                    moment = parse_time(sent_at)
                except ValueError:
                    raise ArchiveError(
                        name, f"sent_at {sent_at[:40]!r} is not an ISO date", line=line
                    ) from None
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                yield GitterRow(room_uri, moment, user_id, username or user_id, message_id, text)
                line = reader.line_num + 1
    except UnicodeDecodeError:
        raise ArchiveError(name, "not UTF-8 text", line=_first_undecodable_line(file)) from None
    except csv.Error as exc:
        raise ArchiveError(name, f"not a readable TSV file ({exc})", line=line) from None


def _bad_width(name: str, line: int, cells: list[str]) -> ArchiveError:
    return ArchiveError(
        name,
        f"expected {len(COLUMNS)} tab-separated columns ({', '.join(COLUMNS)}), found {len(cells)}",
        line=line,
    )


def _first_undecodable_line(file: Path) -> int | None:
    # Text is decoded in chunks, so the reader's line is not where the bad byte is.
    with file.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None
