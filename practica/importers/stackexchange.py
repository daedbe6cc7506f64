"""Parser for Stack Exchange data dumps: a site's folder of XML files, or its ``.7z``.

``parse(path, site=None)`` yields records (see ``records.py``), streaming each
file once, in this order: people (Users.xml), threads and their answers
(Posts.xml), tag descriptions (Tags.xml with the excerpt posts), comments
(Comments.xml), links (PostLinks.xml), acceptances (Votes.xml). Tag records
come after the threads that name them; the loader creates tags on the spot.

Files: Users.xml and Posts.xml are required; Comments, Votes, PostLinks and
Tags are read when present (every real dump has them; a dump without one
simply has no comments, acceptance dates, links or tag descriptions).
PostHistory and Badges are not read. Every file present is checked before the
first record is yielded (is it XML, the right root element, no DTD).

What becomes what:

- Users.xml: every row a person (``se-<site>-<Id>``); Id -1, the site's
  Community process, is kept as a system actor.
- Posts.xml: questions (PostTypeId 1) are threads, answers (2) replies. Tag
  wiki excerpts (4) become the description of their tag. Tag wiki bodies (5),
  moderator nominations (6), wiki placeholders (7), privilege wikis (8) and
  any other type are skipped and counted. An answer whose question is not in
  the dump is skipped.
- Comments.xml: a comment is a reply of kind comment, with source id
  ``c<Id>`` (comment ids and post ids overlap); on a question its parent is
  None, on an answer the answer. A comment on a post that is not an imported
  question or answer (missing from the dump, a tag wiki, a nomination) is
  skipped and counted.
- PostLinks.xml: LinkTypeId 3 is a duplicate link, 1 a related one, when both
  posts are questions in the dump; the rest is skipped and counted.
- Ledger events, at their original times: ``answered`` (answerer to asker,
  key ``answer:<Id>``), ``commented`` (commenter to the author of the post,
  ``comment:<Id>``), ``mentioned`` (a comment's ``@name`` matching, without
  spaces and case, the display name of someone who already took part in the
  thread, ``mention:<comment Id>:<user Id>``), ``accepted`` (asker to
  answerer, ``accept:<answer Id>``). The dump dates the acceptance vote
  (VoteTypeId 1) to the day only, so its time is that day or, when later, the
  answer's creation time; without the vote, the answer's creation time.
- Licence: the row's ContentLicense, else by date (CC BY-SA 2.5 before
  2011-04-08, 3.0 before 2018-05-02, 4.0 from then on).

Bad input raises ``ArchiveError`` naming the file and the line.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from practica.importers.errors import ArchiveError
from practica.importers.formats import Archive
from practica.importers.records import (
    InteractionRecord,
    LinkRecord,
    PersonRecord,
    ReplyRecord,
    SkippedRecord,
    TagRecord,
    ThreadRecord,
)
from practica.importers.xmlrows import check_prolog, iter_rows

REQUIRED = ("Users.xml", "Posts.xml")
OPTIONAL = ("Tags.xml", "Comments.xml", "PostLinks.xml", "Votes.xml")
LINK_KINDS = {1: "related", 3: "duplicate"}
SKIPPED_TYPES = {
    5: "tag wiki body",
    6: "moderator nomination",
    7: "wiki placeholder",
    8: "privilege wiki",
}
LICENCE_3_FROM = datetime(2011, 4, 8, tzinfo=UTC)
LICENCE_4_FROM = datetime(2018, 5, 2, tzinfo=UTC)
_HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_MENTION_RE = re.compile(r"@([\w.'\-]+)")
_OLD_TAGS_RE = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class Site:
    host: str

    @property
    def short(self) -> str:
        stem = self.host.removesuffix(".stackexchange.com").removesuffix(".com")
        return stem.replace(".", "-")

    @property
    def name(self) -> str:
        if self.host.endswith(".stackexchange.com"):
            words = self.host.removesuffix(".stackexchange.com").split(".")
            return " ".join(w.capitalize() for w in words) + " Stack Exchange"
        return self.host

    @property
    def url(self) -> str:
        return f"https://{self.host}/"


def site_of(path: Path, host: str | None = None) -> Site:
    """The site a dump is from: given, or read from the folder or archive name."""
    name = (host or path.name.removesuffix(".7z")).strip().lower()
    if not _HOST_RE.match(name):
        raise ArchiveError(
            path.name,
            "cannot tell which site this dump is from; name the folder after the site "
            "(beer.stackexchange.com) or give --site",
        )
    return Site(name)


def licence_for(when: datetime, given: str | None) -> str:
    if given:
        return given
    if when < LICENCE_3_FROM:
        return "CC BY-SA 2.5"
    return "CC BY-SA 3.0" if when < LICENCE_4_FROM else "CC BY-SA 4.0"


def parse(path: Path, *, site: str | None = None) -> Iterator[Any]:
    """Records of the dump at ``path`` (a folder or a ``.7z``), in dependency order."""
    with StackExchangeDump(path, site=site) as dump:
        yield from dump.records()


@dataclass(slots=True)
class _Post:
    thread: int
    owner: int | None
    is_question: bool


@dataclass
class _State:
    """What the parser remembers between files: ids and small facts, never text."""

    names: dict[int, str] = field(default_factory=dict)
    posts: dict[int, _Post] = field(default_factory=dict)
    other_posts: set[int] = field(default_factory=set)
    participants: dict[int, list[int]] = field(default_factory=dict)
    accepted: dict[int, int] = field(default_factory=dict)
    answer_times: dict[int, datetime] = field(default_factory=dict)
    excerpts: dict[int, str] = field(default_factory=dict)


class _Rows:
    """Typed reads of one file's rows; every bad value names the file and line."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, el: etree._Element, problem: str) -> ArchiveError:
        row = el.get("Id")
        where = f"row Id={row}: " if row is not None else "row: "
        return ArchiveError(self.name, where + problem, line=el.sourceline)

    def num(self, el: etree._Element, attr: str) -> int:
        value = el.get(attr)
        if value is None:
            raise self.fail(el, f"{attr} is missing")
        try:
            return int(value)
        except ValueError:
            raise self.fail(el, f"{attr} is not a number: {value[:40]!r}") from None

    def opt_num(self, el: etree._Element, attr: str) -> int | None:
        return None if el.get(attr) in (None, "") else self.num(el, attr)

    def date(self, el: etree._Element, attr: str) -> datetime:
        value = el.get(attr)
        if value is None:
            raise self.fail(el, f"{attr} is missing")
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(el, f"{attr} is not a date: {value[:40]!r}") from None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

    def opt_date(self, el: etree._Element, attr: str) -> datetime | None:
        return None if el.get(attr) in (None, "") else self.date(el, attr)


class StackExchangeDump:
    """A dump opened for reading; a ``.7z`` is unpacked to a temporary folder first."""

    def __init__(self, path: Path, *, site: str | None = None) -> None:
        self.path = Path(path)
        self.site = site_of(self.path, site)
        self.rows_read = 0
        self._tmp: str | None = None
        self.folder = self.path

    def __enter__(self) -> StackExchangeDump:
        if not self.path.exists():
            raise ArchiveError(str(self.path), "no such file or folder")
        if self.path.is_file():
            if self.path.suffix != ".7z":
                raise ArchiveError(
                    self.path.name,
                    "a Stack Exchange dump is a folder of XML files or a site's .7z archive",
                )
            self._tmp = tempfile.mkdtemp(prefix="practica-se-")
            self.folder = _unpack(self.path, Path(self._tmp))
        self.files = self._find_files()
        for name, file in self.files.items():
            check_prolog(file, name=name, root=name.removesuffix(".xml").lower())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _find_files(self) -> dict[str, Path]:
        present = {p.name.lower(): p for p in self.folder.iterdir() if p.is_file()}
        files = {}
        for name in (*REQUIRED, *OPTIONAL):
            if name.lower() in present:
                files[name] = present[name.lower()]
            elif name in REQUIRED:
                others = ", ".join(sorted(p.name for p in present.values())[:5]) or "nothing"
                raise ArchiveError(
                    name,
                    f"missing from {self.path.name}: not a Stack Exchange dump? (found {others})",
                )
        return files

    def estimate_rows(self) -> int:
        """Rows in the files this parser reads, counted fast, for a progress bar."""
        total = 0
        for file in self.files.values():
            with file.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    total += chunk.count(b"<row ")
        return total

    def _rows(self, name: str) -> Iterator[etree._Element]:
        file = self.files.get(name)
        if file is None:
            return
        for el in iter_rows(file, name=name, root=name.removesuffix(".xml").lower()):
            self.rows_read += 1
            yield el

    def records(self) -> Iterator[Any]:
        state = _State()
        wanted_excerpts = self._tag_excerpts()
        yield from self._users(state)
        yield from self._posts(state, set(wanted_excerpts.values()))
        for name, excerpt in wanted_excerpts.items():
            yield TagRecord(name=name, description=state.excerpts.get(excerpt, ""))
        yield from self._comments(state)
        yield from self._links(state)
        yield from self._acceptances(state)

    # Files, in the order they are read ------------------------------------------

    def _tag_excerpts(self) -> dict[str, int]:
        rows = _Rows("Tags.xml")
        tags: dict[str, int] = {}
        for el in self._rows("Tags.xml"):
            name = el.get("TagName")
            if not name:
                raise rows.fail(el, "TagName is missing")
            tags[name] = rows.opt_num(el, "ExcerptPostId") or 0
        return tags

    def _users(self, state: _State) -> Iterator[PersonRecord]:
        rows = _Rows("Users.xml")
        prefix = f"se-{self.site.short}-"
        for el in self._rows("Users.xml"):
            uid = rows.num(el, "Id")
            name = el.get("DisplayName") or f"user{uid}"
            state.names[uid] = "".join(name.split()).lower()
            yield PersonRecord(
                source_id=str(uid),
                username=f"{prefix}{uid}",
                display_name=name,
                created_at=rows.opt_date(el, "CreationDate"),
                bio=el.get("AboutMe") or "",
                location=el.get("Location") or "",
                website=el.get("WebsiteUrl") or "",
                is_system=uid < 0,
            )

    def _owner(self, state: _State, rows: _Rows, el: etree._Element, attr: str) -> int | None:
        uid = rows.opt_num(el, attr)
        return uid if uid is not None and uid in state.names else None

    def _posts(self, state: _State, excerpt_ids: set[int]) -> Iterator[Any]:
        rows = _Rows("Posts.xml")
        waiting: dict[int, list[tuple[ReplyRecord, int | None]]] = {}
        for el in self._rows("Posts.xml"):
            pid = rows.num(el, "Id")
            kind = rows.num(el, "PostTypeId")
            created = rows.date(el, "CreationDate")
            if kind == 1:
                yield self._question(state, rows, el, pid, created)
                for answer, owner in waiting.pop(pid, []):
                    yield from self._answer(state, answer, owner, pid)
            elif kind == 2:
                parent = rows.num(el, "ParentId")
                owner = self._owner(state, rows, el, "OwnerUserId")
                answer = ReplyRecord(
                    source_id=str(pid),
                    thread_id=str(parent),
                    author_id=_ref(owner),
                    body=el.get("Body") or "",
                    created_at=created,
                    kind="answer",
                    edited_at=rows.opt_date(el, "LastEditDate"),
                    score=rows.opt_num(el, "Score") or 0,
                    licence=licence_for(created, el.get("ContentLicense")),
                )
                if parent in state.posts and state.posts[parent].is_question:
                    yield from self._answer(state, answer, owner, parent)
                else:
                    # Dumps list posts by id, so answers follow their question;
                    # an answer that comes first waits for it.
                    waiting.setdefault(parent, []).append((answer, owner))
            elif kind == 4 and pid in excerpt_ids:
                state.excerpts[pid] = el.get("Body") or ""
                state.other_posts.add(pid)
            else:
                state.other_posts.add(pid)
                reason = SKIPPED_TYPES.get(kind, f"post type {kind}")
                if kind == 4:
                    reason = "tag wiki excerpt of no tag"
                yield SkippedRecord("post", str(pid), reason)
        for answers in waiting.values():
            for answer, _ in answers:
                yield SkippedRecord("answer", answer.source_id, "its question is not in the dump")

    def _question(
        self, state: _State, rows: _Rows, el: etree._Element, pid: int, created: datetime
    ) -> ThreadRecord:
        owner = self._owner(state, rows, el, "OwnerUserId")
        state.posts[pid] = _Post(thread=pid, owner=owner, is_question=True)
        state.participants[pid] = [owner] if owner is not None else []
        accepted = rows.opt_num(el, "AcceptedAnswerId")
        if accepted is not None:
            state.accepted[accepted] = pid
        return ThreadRecord(
            source_id=str(pid),
            author_id=_ref(owner),
            kind="question",
            title=el.get("Title") or f"(untitled question {pid})",
            body=el.get("Body") or "",
            created_at=created,
            tags=_tags(el.get("Tags") or ""),
            edited_at=rows.opt_date(el, "LastEditDate"),
            score=rows.opt_num(el, "Score") or 0,
            view_count=rows.opt_num(el, "ViewCount") or 0,
            licence=licence_for(created, el.get("ContentLicense")),
            accepted_reply_id=_ref(accepted),
        )

    def _answer(
        self, state: _State, answer: ReplyRecord, owner: int | None, question: int
    ) -> Iterator[Any]:
        pid = int(answer.source_id)
        state.posts[pid] = _Post(thread=question, owner=owner, is_question=False)
        if owner is not None:
            state.participants[question].append(owner)
        if pid in state.accepted:
            state.answer_times[pid] = answer.created_at
        yield answer
        asker = state.posts[question].owner
        if owner is not None and asker is not None and owner != asker:
            yield InteractionRecord(
                key=f"answer:{pid}",
                actor_id=str(owner),
                target_id=str(asker),
                verb="answered",
                occurred_at=answer.created_at,
                thread_id=str(question),
                object_type="reply",
                object_id=answer.source_id,
            )

    def _comments(self, state: _State) -> Iterator[Any]:
        rows = _Rows("Comments.xml")
        for el in self._rows("Comments.xml"):
            cid = rows.num(el, "Id")
            post_id = rows.num(el, "PostId")
            created = rows.date(el, "CreationDate")
            post = state.posts.get(post_id)
            if post is None:
                why = (
                    "on a tag wiki or other post that is not imported"
                    if post_id in state.other_posts
                    else "on a post that is not in the dump"
                )
                yield SkippedRecord("comment", str(cid), why)
                continue
            author = self._owner(state, rows, el, "UserId")
            text = el.get("Text") or ""
            comment = ReplyRecord(
                source_id=f"c{cid}",
                thread_id=str(post.thread),
                author_id=_ref(author),
                body=text,
                created_at=created,
                kind="comment",
                parent_id=None if post.is_question else str(post_id),
                score=rows.opt_num(el, "Score") or 0,
                licence=licence_for(created, el.get("ContentLicense")),
            )
            yield comment
            if author is None:
                continue

            if post.owner is not None and post.owner != author:
                yield _about(comment, f"comment:{cid}", author, post.owner, "commented")
            people = state.participants[post.thread]
            for target in _mentioned(text, people, state.names):
                if target != author:
                    yield _about(comment, f"mention:{cid}:{target}", author, target, "mentioned")
            people.append(author)

    def _links(self, state: _State) -> Iterator[Any]:
        rows = _Rows("PostLinks.xml")
        for el in self._rows("PostLinks.xml"):
            lid = rows.num(el, "Id")
            ends = rows.num(el, "PostId"), rows.num(el, "RelatedPostId")
            kind = LINK_KINDS.get(rows.num(el, "LinkTypeId"))
            created = rows.opt_date(el, "CreationDate")
            if kind is None:
                yield SkippedRecord("link", str(lid), "unknown link type")
            elif not all(e in state.posts and state.posts[e].is_question for e in ends):
                yield SkippedRecord("link", str(lid), "a linked post is not a question in the dump")
            else:
                yield LinkRecord(str(lid), str(ends[0]), str(ends[1]), kind, created)

    def _acceptances(self, state: _State) -> Iterator[Any]:
        rows = _Rows("Votes.xml")
        voted: dict[int, datetime] = {}
        for el in self._rows("Votes.xml"):
            if el.get("VoteTypeId") == "1":
                voted[rows.num(el, "PostId")] = rows.date(el, "CreationDate")
        for answer_id, question in sorted(state.accepted.items()):
            answer = state.posts.get(answer_id)
            if answer is None or answer.is_question or answer.thread != question:
                continue
            asker = state.posts[question].owner
            if answer.owner is None or asker is None or answer.owner == asker:
                continue
            answered = state.answer_times[answer_id]
            when = max(voted.get(answer_id, answered), answered)
            yield InteractionRecord(
                key=f"accept:{answer_id}",
                actor_id=str(asker),
                target_id=str(answer.owner),
                verb="accepted",
                occurred_at=when,
                thread_id=str(question),
                object_type="reply",
                object_id=str(answer_id),
            )


def _about(comment: ReplyRecord, key: str, actor: int, target: int, verb: str) -> Any:
    """A ledger event about a comment, at its time."""
    return InteractionRecord(
        key=key,
        actor_id=str(actor),
        target_id=str(target),
        verb=verb,
        occurred_at=comment.created_at,
        thread_id=comment.thread_id,
        object_type="reply",
        object_id=comment.source_id,
    )


def _ref(value: int | None) -> str | None:
    return None if value is None else str(value)


def _tags(raw: str) -> tuple[str, ...]:
    """``<a><b>`` (older dumps) or ``|a|b|`` (newer ones)."""
    if raw.startswith("<"):
        return tuple(_OLD_TAGS_RE.findall(raw))
    return tuple(t for t in raw.split("|") if t)


def _mentioned(text: str, people: list[int], names: dict[int, str]) -> list[int]:
    if "@" not in text:
        return []
    found: list[int] = []
    for match in _MENTION_RE.finditer(text):
        typed = match.group(1).rstrip(".'-").lower()
        for person in people:
            if names.get(person) == typed and person not in found:
                found.append(person)
    return found


def _unpack(archive: Path, into: Path) -> Path:
    """Extract the dump's XML files from a ``.7z``, refusing archives that do not fit on disk."""
    import py7zr

    wanted = {n.lower() for n in (*REQUIRED, *OPTIONAL)}
    try:
        with py7zr.SevenZipFile(archive, mode="r") as z:
            members = [
                info
                for info in z.list()
                if not info.is_directory and Path(info.filename).name.lower() in wanted
            ]
            size = sum(info.uncompressed or 0 for info in members)
            free = shutil.disk_usage(into).free
            if size > free:
                raise ArchiveError(
                    archive.name, f"unpacks to {size} bytes, more than the {free} free on disk"
                )
            z.extract(path=into, targets=[info.filename for info in members])
    except ArchiveError:
        raise
    except Exception as exc:  # py7zr raises many kinds: all mean a bad archive.
        raise ArchiveError(archive.name, f"not a readable 7z archive ({exc})") from None
    for found in into.rglob("*.xml"):
        if found.parent != into:
            found.rename(into / found.name)
    return into


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--site",
        help="the site's host (beer.stackexchange.com) when the folder or archive is not "
        "named after it",
    )


def open_archive(path: Path, options: Mapping[str, Any]) -> Archive:
    dump = StackExchangeDump(path, site=options.get("site"))
    dump.__enter__()
    return Archive(
        source=dump.site.host,
        community_name=dump.site.name,
        source_url=dump.site.url,
        records=dump.records,
        estimate_rows=dump.estimate_rows,
        rows_read=lambda: dump.rows_read,
        close=lambda: dump.__exit__(None, None, None),
    )
