"""A small reader of a Stack Exchange dump, for the evaluation harness only.

It yields the labels (PostLinks pairs, accepted answers) that only the
harness may read, and the same corpus as engine records, so that the
rankers can be developed and checked even without the importer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from practica.weaving.engine.records import Corpus, PersonDoc, ReplyDoc, ThreadDoc


class DumpError(ValueError):
    """A dump folder that cannot be read, with the file named."""


@dataclass(frozen=True, slots=True)
class LinkPair:
    from_post: int
    to_post: int
    kind: int  # 1 related, 3 duplicate


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        raise DumpError(f"{path}: missing")
    try:
        for _, element in etree.iterparse(str(path), events=("end",), tag="row"):
            yield dict(element.attrib)
            element.clear()
    except etree.XMLSyntaxError as exc:
        raise DumpError(f"{path}: line {exc.lineno}: {exc.msg}") from exc


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _tags(raw: str) -> tuple[str, ...]:
    # Older dumps write <a><b>, newer ones |a|b|.
    cleaned = raw.replace("><", "|").strip("<>|")
    return tuple(t for t in cleaned.split("|") if t)


def read_corpus(folder: Path) -> Corpus:
    corpus = Corpus()
    answers: list[ReplyDoc] = []
    for row in _rows(folder / "Posts.xml"):
        kind = row.get("PostTypeId")
        owner = int(row["OwnerUserId"]) if row.get("OwnerUserId") else None
        if kind == "1":
            accepted = row.get("AcceptedAnswerId")
            corpus.threads.append(
                ThreadDoc(
                    key=int(row["Id"]),
                    source_id=row["Id"],
                    title=row.get("Title", ""),
                    body=row.get("Body", ""),
                    created_at=parse_time(row["CreationDate"]),
                    tags=_tags(row.get("Tags", "")),
                    author=owner,
                    accepted_reply=int(accepted) if accepted else None,
                )
            )
        elif kind == "2" and row.get("ParentId"):
            answers.append(
                ReplyDoc(
                    key=int(row["Id"]),
                    thread=int(row["ParentId"]),
                    body=row.get("Body", ""),
                    created_at=parse_time(row["CreationDate"]),
                    author=owner,
                    score=int(row.get("Score", "0")),
                )
            )
    thread_of = {t.key: t.key for t in corpus.threads}
    thread_of.update({a.key: a.thread for a in answers if a.thread in thread_of})
    corpus.replies = [a for a in answers if a.thread in thread_of]
    for row in _rows(folder / "Comments.xml"):
        post = int(row["PostId"])
        if post not in thread_of:
            continue
        corpus.replies.append(
            ReplyDoc(
                key=-int(row["Id"]),  # comments and posts share no id space in a dump
                thread=thread_of[post],
                body=row.get("Text", ""),
                created_at=parse_time(row["CreationDate"]),
                kind="comment",
                author=int(row["UserId"]) if row.get("UserId") else None,
                score=int(row.get("Score", "0")),
            )
        )
    for row in _rows(folder / "Users.xml"):
        key = int(row["Id"])
        corpus.people.append(
            PersonDoc(
                key=key, source_id=row["Id"], name=row.get("DisplayName", ""), is_system=key < 0
            )
        )
    return corpus


def read_links(folder: Path) -> list[LinkPair]:
    return [
        LinkPair(int(row["PostId"]), int(row["RelatedPostId"]), int(row["LinkTypeId"]))
        for row in _rows(folder / "PostLinks.xml")
        if row.get("LinkTypeId") in {"1", "3"}
    ]


def read_acceptance_days(folder: Path, corpus: Corpus) -> dict[int, datetime]:
    """Per question (dump id), the day its answer was accepted, from Votes.xml (the dump
    gives acceptance votes a day, not a time). Empty when the dump has no Votes.xml."""
    if not (folder / "Votes.xml").exists():
        return {}
    accepted_on = {
        int(row["PostId"]): parse_time(row["CreationDate"])
        for row in _rows(folder / "Votes.xml")
        if row.get("VoteTypeId") == "1" and row.get("PostId") and row.get("CreationDate")
    }
    return {
        t.key: accepted_on[t.accepted_reply]
        for t in corpus.threads
        if t.accepted_reply is not None and t.accepted_reply in accepted_on
    }
