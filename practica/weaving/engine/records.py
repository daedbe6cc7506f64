"""What the rankers read: plain, frozen records with no tie to the database."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ThreadDoc:
    """A thread as evidence. ``key`` is our id (the archive's id in evaluation)."""

    key: int
    title: str
    body: str
    created_at: datetime
    kind: str = "question"
    tags: tuple[str, ...] = ()
    author: int | None = None
    accepted_reply: int | None = None
    source_id: str = ""


@dataclass(frozen=True, slots=True)
class ReplyDoc:
    """An answer or a comment, with what the community said of it."""

    key: int
    thread: int
    body: str
    created_at: datetime
    kind: str = "answer"
    author: int | None = None
    score: int = 0
    acknowledgements: int = 0


@dataclass(frozen=True, slots=True)
class PersonDoc:
    key: int
    name: str = ""
    source_id: str = ""
    is_system: bool = False


@dataclass(slots=True)
class Corpus:
    """Everything a community has said, as the rankers see it."""

    threads: list[ThreadDoc] = field(default_factory=list)
    replies: list[ReplyDoc] = field(default_factory=list)
    people: list[PersonDoc] = field(default_factory=list)

    def before(self, moment: datetime) -> Corpus:
        """Only what existed before ``moment`` (acceptances of later answers dropped)."""
        replies = [r for r in self.replies if r.created_at < moment]
        kept = {r.key for r in replies}
        threads = [
            t if t.accepted_reply is None or t.accepted_reply in kept else _without_acceptance(t)
            for t in self.threads
            if t.created_at < moment
        ]
        return Corpus(threads=threads, replies=replies, people=list(self.people))

    def without_acceptances(self, threads: Collection[int]) -> Corpus:
        """The same, with the acceptance of the ``threads`` (keys) forgotten."""
        return Corpus(
            threads=[_without_acceptance(t) if t.key in threads else t for t in self.threads],
            replies=self.replies,
            people=self.people,
        )


def _without_acceptance(thread: ThreadDoc) -> ThreadDoc:
    return ThreadDoc(
        key=thread.key,
        title=thread.title,
        body=thread.body,
        created_at=thread.created_at,
        kind=thread.kind,
        tags=thread.tags,
        author=thread.author,
        accepted_reply=None,
        source_id=thread.source_id,
    )
