"""Stage one for mailing lists: an mbox file to typed records.

Messages are read one at a time with ``mailbox.mbox``, in file order (the
order a list archive appends them). A message answers the first message named
by its In-Reply-To, else the last one named by its References that the archive
has; failing both, a reply ("Re: ...") joins the thread whose subject is the
same once list tags and reply prefixes are stripped, as an answer to the one
who started it. Anything else starts a thread. Replies are flat, as on a list
archive's page; who answered whom goes to the ledger.

People are merged by address (case-insensitive). The address itself is not
stored: a digest of it is the person's source id, so that a public archive
does not turn into a list of addresses in our database.
"""

from __future__ import annotations

import hashlib
import mailbox
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from practica.importers.conversations import title_from
from practica.importers.counting import RowCounter
from practica.importers.errors import ArchiveError
from practica.importers.mailtext import body_text, header_text, mail_markdown
from practica.importers.records import (
    InteractionRecord,
    PersonRecord,
    Record,
    ReplyRecord,
    SkippedRecord,
    TagRecord,
    ThreadRecord,
)

if TYPE_CHECKING:
    from practica.importers.formats import Archive

SOURCE_ID_LENGTH = 100
_ID_RE = re.compile(r"<([^<>\s]+)>")
_REPLY_PREFIX_RE = re.compile(r"^\s*(re|aw|sv|antw|vs|odp)\s*(\[\d+\]|\(\d+\))?\s*:", re.I)
_STRIP_RE = re.compile(
    r"^\s*((re|fwd?|aw|sv|antw|vs|odp|wg)\s*(\[\d+\]|\(\d+\))?\s*:|\[[^\]]*\])\s*", re.I
)
_OBFUSCATED_RE = re.compile(r"^\s*([^\s@<>]+)\s+at\s+([^\s@<>]+\.[^\s@<>]+)")
_LIST_ID_RE = re.compile(r"<([^<>\s]+)>")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class _Seen:
    thread_id: str
    author_id: str | None


def source_for(path: Path) -> str:
    """``mbox:<list id>`` from the first message's List-Id, else ``mbox:<file name>``."""
    for msg in _messages(path):
        list_id = _list_id(msg)
        if list_id:
            return f"mbox:{list_id}"
        break
    return f"mbox:{_SLUG_RE.sub('-', path.stem.lower()).strip('-') or 'list'}"


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--licence", default="", help="licence of the messages (an SPDX id such as CC-BY-4.0)"
    )


def open_archive(path: Path, options: Mapping[str, Any]) -> Archive:
    """The archive for ``practica import mbox``."""
    # The parser stays free of Django: the command's types are only needed here.
    from practica.importers.formats import Archive

    source = source_for(path)
    counter = RowCounter()
    return Archive(
        source=source,
        community_name=source.removeprefix("mbox:"),
        records=lambda: counter.count(parse(path, licence=options.get("licence") or "")),
        estimate_rows=lambda: _count_messages(path),
        rows_read=lambda: counter.rows,
    )


def _count_messages(path: Path) -> int:
    """Messages in the file, counted fast: lines that start with "From "."""
    total = 0
    with path.open("rb") as fh:
        for line in fh:
            total += line.startswith(b"From ")
    return total


def parse(path: Path, *, licence: str = "") -> Iterator[Record]:
    """Every record of an mbox file, in contract order."""
    people: set[str] = set()
    tags: set[str] = set()
    seen: dict[str, _Seen] = {}
    subjects: dict[str, str] = {}
    count = 0
    for number, msg in enumerate(_messages(path), 1):
        count = number
        mail = _Mail.read(path, number, msg)
        if mail.message_id in seen:
            yield SkippedRecord("message", mail.message_id, "repeated Message-ID")
            continue
        if mail.author_id is not None and mail.author_id not in people:
            people.add(mail.author_id)
            yield PersonRecord(source_id=mail.author_id, display_name=mail.author_name)
        if mail.tag and mail.tag not in tags:
            tags.add(mail.tag)
            yield TagRecord(name=mail.tag, description=f"Mailing list {mail.list_id}")
        parent = _parent(mail, seen, subjects)
        if parent is None:
            seen[mail.message_id] = _Seen(mail.message_id, mail.author_id)
            if mail.topic:
                subjects[mail.topic] = mail.message_id
            yield mail.thread(licence)
            continue
        seen[mail.message_id] = _Seen(parent.thread_id, mail.author_id)
        yield from mail.reply(parent, licence)
    if count == 0:
        raise ArchiveError(
            str(path), "no messages: an mbox file starts each message with a 'From ' line"
        )


def _messages(path: Path) -> Iterator[mailbox.mboxMessage]:
    if not path.is_file():
        raise ArchiveError(str(path), "no such file")
    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        raise ArchiveError(str(path), f"not a readable mbox file ({exc})") from None
    try:
        if keys:
            _check_not_truncated(path, len(keys), box[keys[-1]])
        for key in keys:
            yield box[key]
    finally:
        box.close()


def _check_not_truncated(path: Path, number: int, last: Message) -> None:
    """A file cut short leaves its last message's MIME parts unclosed: say so before importing."""
    if any(isinstance(d, errors.CloseBoundaryNotFoundDefect) for d in _defects(last)):
        raise ArchiveError(
            str(path),
            f"message {number} (the last) ends before its MIME parts close: "
            "the file looks truncated",
        )


def _defects(msg: Message) -> Iterator[object]:
    for part in msg.walk():
        yield from part.defects


def _parent(mail: _Mail, seen: dict[str, _Seen], subjects: dict[str, str]) -> _Seen | None:
    for ref in (*mail.in_reply_to, *reversed(mail.references)):
        if ref in seen:
            return seen[ref]
    if mail.is_reply and mail.topic and mail.topic in subjects:
        # Only the subject ties it to a thread: it answers whoever started it.
        return seen[subjects[mail.topic]]
    return None


@dataclass(slots=True)
class _Mail:
    message_id: str
    author_id: str | None
    author_name: str
    subject: str
    topic: str
    is_reply: bool
    sent_at: datetime
    body: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    list_id: str
    tag: str

    @classmethod
    def read(cls, path: Path, number: int, msg: mailbox.mboxMessage) -> _Mail:
        if not any(msg.get(h) for h in ("From", "Date", "Message-ID", "Subject")):
            raise ArchiveError(
                str(path), f"message {number} has no From, Date, Message-ID or Subject header"
            )
        subject = header_text(msg.get("Subject"))
        address, name = _sender(msg)
        message_id = _message_id(msg, subject)
        list_id = _list_id(msg)
        return cls(
            message_id=message_id,
            author_id=_person_id(address) if address else None,
            author_name=name or (address.split("@", 1)[0] if address else ""),
            subject=subject,
            topic=topic_of(subject),
            is_reply=bool(_REPLY_PREFIX_RE.match(subject)),
            sent_at=_sent_at(path, number, message_id, msg),
            body=mail_markdown(body_text(msg)),
            in_reply_to=tuple(_ids(msg.get("In-Reply-To"))),
            references=tuple(_ids(msg.get("References"))),
            list_id=list_id,
            tag=("list-" + _SLUG_RE.sub("-", list_id.split(".", 1)[0].lower()).strip("-"))[:64]
            if list_id
            else "",
        )

    def thread(self, licence: str) -> ThreadRecord:
        title = " ".join(_without_prefixes(self.subject).split()) or title_from(self.body)
        return ThreadRecord(
            source_id=self.message_id,
            author_id=self.author_id,
            kind="question" if title.endswith("?") or _asks(self.body) else "discussion",
            title=title[:300],
            body=self.body or "(no text)",
            created_at=self.sent_at,
            tags=(self.tag,) if self.tag else (),
            licence=licence,
        )

    def reply(self, parent: _Seen, licence: str) -> Iterator[Record]:
        yield ReplyRecord(
            source_id=self.message_id,
            thread_id=parent.thread_id,
            author_id=self.author_id,
            body=self.body or "(no text)",
            created_at=self.sent_at,
            licence=licence,
        )
        target = parent.author_id
        if self.author_id is not None and target is not None and target != self.author_id:
            yield InteractionRecord(
                key=f"replied:{self.message_id}",
                actor_id=self.author_id,
                target_id=target,
                verb="replied",
                occurred_at=self.sent_at,
                thread_id=parent.thread_id,
                object_type="reply",
                object_id=self.message_id,
            )


def _asks(body: str) -> bool:
    """Whether the sender's own words (quotes left aside) end with a question mark."""
    own = [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith(">")]
    return bool(own) and own[-1].rstrip().endswith("?")


def topic_of(subject: str) -> str:
    """A subject without list tags and reply or forward prefixes, folded: threads by subject."""
    return " ".join(_without_prefixes(subject).lower().split())


def _without_prefixes(subject: str) -> str:
    while True:
        stripped = _STRIP_RE.sub("", subject, count=1)
        if stripped == subject:
            return subject
        subject = stripped


def _sender(msg: Message) -> tuple[str, str]:
    """The sender's address (lower case) and display name, decoded."""
    raw = str(msg.get("From") or "")
    name, address = parseaddr(raw)
    obfuscated = _OBFUSCATED_RE.match(raw)
    if "@" not in address and obfuscated:
        # List archives write "bob at example.org (Bob)" to put off harvesters.
        address = f"{obfuscated.group(1)}@{obfuscated.group(2)}"
    return address.strip().lower(), header_text(name).strip("\"' ")


def _person_id(address: str) -> str:
    return "addr-" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _message_id(msg: Message, subject: str) -> str:
    found = _ids(msg.get("Message-ID"))
    if found:
        return found[0]
    # No Message-ID: derive a stable one, so that a second import finds it again.
    basis = "\n".join(str(msg.get(h) or "") for h in ("From", "Date")) + "\n" + subject
    return "no-id-" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def _ids(raw: object) -> list[str]:
    return [_fit(found) for found in _ID_RE.findall(str(raw or ""))]


def _fit(message_id: str) -> str:
    if len(message_id) <= SOURCE_ID_LENGTH:
        return message_id
    return "sha256-" + hashlib.sha256(message_id.encode()).hexdigest()


def _list_id(msg: Message) -> str:
    match = _LIST_ID_RE.search(str(msg.get("List-Id") or ""))
    return match.group(1).lower() if match else ""


def _sent_at(path: Path, number: int, message_id: str, msg: mailbox.mboxMessage) -> datetime:
    raw = header_text(msg.get("Date"))
    for candidate in (raw, _envelope_date(msg)):
        if not candidate:
            continue
        try:
            moment = parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError):
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ArchiveError(
        str(path), f"message {number} <{message_id}>: Date {raw[:40]!r} is not a date"
    )


def _envelope_date(msg: mailbox.mboxMessage) -> str:
    # The "From bob@example.org Mon Jan  3 10:00:00 2011" line mbox puts before each message.
    parts = msg.get_from().split()
    if len(parts) < 6:
        return ""
    weekday, month, day, clock, year = parts[-5:]
    return f"{weekday}, {day} {month} {year} {clock} +0000"
