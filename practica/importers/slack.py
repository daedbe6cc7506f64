"""Stage one for Slack: a workspace export (the .zip Slack gives, or its folder) to records.

An export holds ``users.json``, ``channels.json`` and one folder per public
channel with one JSON file per day (``2021-03-04.json``), each a list of
messages (``ts``, ``user``, ``text``, ``thread_ts``, ``reply_count``,
``subtype``). Channels become tags (``room-<name>``). A message that starts a
Slack thread becomes a thread and the thread's messages its replies; the other
messages are grouped into conversations like Gitter's (see docs/importers.md).
Private channels and direct messages (``groups.json``, ``dms.json``) are left
alone: they were never public to the community.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from practica.importers.conversations import ChatMessage, Room
from practica.importers.counting import RowCounter
from practica.importers.errors import ArchiveError
from practica.importers.records import PersonRecord, Record, SkippedRecord, TagRecord
from practica.importers.slacktext import slack_markdown
from practica.importers.zipfolder import Export, open_export

if TYPE_CHECKING:
    from practica.importers.formats import Archive

#: Subtypes that are something a person (or a bot) said; the others are
#: channel events (joins, topic changes, pins) and are skipped.
SPOKEN = frozenset({"", "thread_broadcast", "file_share", "me_message", "bot_message"})
_TS_RE = re.compile(r"^(\d{1,12})(?:\.(\d{1,6}))?$")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def source_for(path: Path) -> str:
    """``slack:<team id>`` from the users, or from the export's file name without one."""
    with open_export(path) as export:
        for user in _users(export):
            team = user.get("team_id") or user.get("team")
            if isinstance(team, str) and team:
                return f"slack:{team}"
    stem = _SLUG_RE.sub("-", path.stem.lower()).strip("-") or "export"
    return f"slack:{stem}"


def open_archive(path: Path, options: Mapping[str, Any]) -> Archive:
    """The archive for ``practica import chat --format slack``."""
    # The parser stays free of Django: the command's types are only needed here.
    from practica.importers.formats import Archive

    source = source_for(path)
    counter = RowCounter()
    return Archive(
        source=source,
        community_name=f"{path.stem} (Slack)",
        records=lambda: counter.count(parse(path, licence=options.get("licence") or "")),
        rows_read=lambda: counter.rows,
    )


def parse(path: Path, *, licence: str = "") -> Iterator[Record]:
    """Every record of a Slack export, in contract order."""
    with open_export(path) as export:
        users = _users(export)
        channels = _channels(export)
        handles: dict[str, str] = {}
        for user in users:
            person = _person(export, user)
            handles[person.source_id] = _handle(user)
            yield person
        for channel in channels:
            yield from _channel(export, channel, handles, licence)
        listed = {channel["name"] for channel in channels}
        for folder in sorted(export.folders() - listed):
            yield SkippedRecord("channel", folder, "folder not listed in channels.json")


def _users(export: Export) -> list[dict[str, Any]]:
    users = export.json("users.json", required="users.json is missing: is this a Slack export?")
    return _list_of_objects(export, "users.json", users, "id")


def _channels(export: Export) -> list[dict[str, Any]]:
    channels = export.json(
        "channels.json", required="channels.json is missing: is this a Slack export?"
    )
    listed = _list_of_objects(export, "channels.json", channels, "id")
    for number, channel in enumerate(listed, 1):
        if not isinstance(channel.get("name"), str) or not channel["name"]:
            raise ArchiveError(export.where("channels.json"), f"channel {number} has no name")
    return sorted(listed, key=lambda channel: channel["name"])


def _list_of_objects(export: Export, name: str, value: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ArchiveError(export.where(name), "expected a JSON list")
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict) or not isinstance(item.get(key), str) or not item[key]:
            raise ArchiveError(export.where(name), f"item {number} has no {key!r}")
    return value


def _person(export: Export, user: dict[str, Any]) -> PersonRecord:
    profile = user.get("profile")
    if not isinstance(profile, dict):
        profile = {}
    name = next(
        (
            value.strip()
            for value in (
                profile.get("display_name"),
                profile.get("real_name"),
                user.get("real_name"),
                user.get("name"),
            )
            if isinstance(value, str) and value.strip()
        ),
        user["id"],
    )
    title = profile.get("title")
    return PersonRecord(
        source_id=user["id"],
        display_name=name,
        bio=title if isinstance(title, str) else "",
        is_system=bool(user.get("is_bot")) or user["id"] == "USLACKBOT",
    )


def _handle(user: dict[str, Any]) -> str:
    name = user.get("name")
    return name if isinstance(name, str) and name else user["id"]


def _channel(
    export: Export, channel: dict[str, Any], handles: dict[str, str], licence: str
) -> Iterator[Record]:
    name: str = channel["name"]
    tag = "room-" + (_SLUG_RE.sub("-", name.lower()).strip("-") or "unnamed")
    purpose = channel.get("purpose")
    description = purpose.get("value", "") if isinstance(purpose, dict) else ""
    yield TagRecord(name=tag[:64].rstrip("-"), description=str(description))
    room = Room(tags=(tag[:64].rstrip("-"),), licence=licence)
    for entry in export.files_in(name):
        if not _DAY_RE.match(entry.rsplit("/", 1)[-1]):
            yield SkippedRecord("file", entry, "not a day file (YYYY-MM-DD.json)")
            continue
        yield from _day(export, entry, channel["id"], room, handles)


def _day(
    export: Export, entry: str, channel_id: str, room: Room, handles: dict[str, str]
) -> Iterator[Record]:
    messages = export.json(entry)
    if not isinstance(messages, list):
        raise ArchiveError(export.where(entry), "expected a JSON list of messages")
    timed = [_timed(export, entry, number, m) for number, m in enumerate(messages, 1)]
    timed.sort(key=lambda pair: pair[0])
    for sent_at, message in timed:
        yield from _message(message, sent_at, channel_id, room, handles)


def _timed(
    export: Export, entry: str, number: int, message: Any
) -> tuple[datetime, dict[str, Any]]:
    if not isinstance(message, dict):
        raise ArchiveError(export.where(entry), f"message {number} is not a JSON object")
    ts = message.get("ts")
    match = _TS_RE.match(ts) if isinstance(ts, str) else None
    if match is None:
        raise ArchiveError(
            export.where(entry), f"message {number}: ts {ts!r} is not a Slack timestamp"
        )
    seconds, fraction = match.groups()
    micro = int((fraction or "0").ljust(6, "0"))
    return datetime.fromtimestamp(int(seconds), UTC) + timedelta(microseconds=micro), message


def _message(
    message: dict[str, Any],
    sent_at: datetime,
    channel_id: str,
    room: Room,
    handles: dict[str, str],
) -> Iterator[Record]:
    ts: str = message["ts"]
    source_id = f"{channel_id}:{ts}"
    subtype = message.get("subtype") or ""
    if message.get("type", "message") != "message" or subtype not in SPOKEN:
        yield SkippedRecord("message", source_id, f"channel event ({subtype or 'not a message'})")
        return
    text = message.get("text")
    body, mentioned = slack_markdown(text if isinstance(text, str) else "", handles)
    body = _with_files(body, message.get("files"))
    if not body.strip():
        yield SkippedRecord("message", source_id, "no text")
        return
    user = message.get("user")
    author = user if isinstance(user, str) and user in handles else None
    mentions = tuple(person for person in mentioned if person in handles)
    chat = ChatMessage(source_id, author, body, sent_at, mentions)
    thread_ts = message.get("thread_ts")
    if isinstance(thread_ts, str) and thread_ts != ts and room.has_thread(thread_ts):
        yield from room.reply_in(thread_ts, chat)
    elif thread_ts == ts and (message.get("reply_count") or message.get("replies")):
        yield from room.start_thread(ts, chat)
    else:
        # Ordinary messages, and replies whose thread start the export lacks.
        yield from room.message(chat)


def _with_files(body: str, files: Any) -> str:
    if not isinstance(files, list):
        return body
    names = [
        str(f.get("title") or f.get("name"))
        for f in files
        if isinstance(f, dict) and (f.get("title") or f.get("name"))
    ]
    if not names:
        return body
    shared = "\n".join(f"(shared a file: {name})" for name in names)
    return f"{body}\n\n{shared}" if body.strip() else shared
