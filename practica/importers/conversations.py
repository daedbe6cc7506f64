"""Conversations inferred from a chat room's stream of messages (Gitter, Slack).

A chat archive has rooms and messages, and nothing that says which message
answers which. ``Room`` turns one room's messages, taken in time order, into
threads (a conversation's first message) and replies (the rest), with the
rule documented in docs/importers.md ("Chat conversations"):

- a message that @mentions someone who wrote in a conversation active in the
  last ``reach`` joins that conversation;
- otherwise it joins the room's most recent conversation if that one was
  active in the last ``gap``;
- otherwise, or when the conversation it would join already holds
  ``max_messages``, it starts a new conversation.

The rule only looks backwards, so importing a longer archive of the same room
later leaves every earlier conversation as it was (the loader can re-run).
Slack's explicit threads use the same bookkeeping through ``start_thread`` and
``reply_in``, so who-replied-to-whom is decided the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from practica.importers.records import InteractionRecord, ReplyRecord, ThreadRecord

ChatRecord = ThreadRecord | ReplyRecord | InteractionRecord

TITLE_LENGTH = 120
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_SPACE_RE = re.compile(r"\s+")
# Markdown decoration that reads badly in a one-line title.
_DECORATION_RE = re.compile(r"^[#>*\-+\s]+|\*\*|`+")


@dataclass(frozen=True)
class ConversationRule:
    """The numbers behind the rule; docs/importers.md explains the choice of each."""

    gap: timedelta = timedelta(minutes=30)
    reach: timedelta = timedelta(hours=3)
    max_messages: int = 100


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message, ready for grouping. ``mentions`` are people's source ids, in order."""

    source_id: str
    author_id: str | None
    text: str
    sent_at: datetime
    mentions: tuple[str, ...] = ()


@dataclass(slots=True)
class Conversation:
    thread_id: str
    last_at: datetime
    size: int = 1
    last_author: str | None = None
    # The most recent author other than ``last_author``: whom a follow-up by
    # ``last_author`` answers.
    other_author: str | None = None

    def add(self, author: str | None, at: datetime) -> None:
        if author != self.last_author:
            self.other_author = self.last_author
            self.last_author = author
        self.last_at = max(self.last_at, at)
        self.size += 1

    def answered_by(self, author: str | None) -> str | None:
        """Whose message a new one by ``author`` answers: the last one by someone else."""
        return self.other_author if author == self.last_author else self.last_author


@dataclass
class Room:
    """Groups one room's messages; feed them in time order."""

    tags: tuple[str, ...] = ()
    licence: str = ""
    rule: ConversationRule = field(default_factory=ConversationRule)
    _latest: Conversation | None = None
    _by_author: dict[str, Conversation] = field(default_factory=dict)
    _explicit: dict[str, Conversation] = field(default_factory=dict)

    def message(self, msg: ChatMessage) -> list[ChatRecord]:
        """An ordinary message: it joins a conversation or starts one."""
        others = _others(msg)
        joined = self._conversation_for(msg, others)
        if joined is None:
            records, self._latest = self._start(msg, others)
        else:
            records = self._reply(joined, msg, others)
            self._latest = joined
        if msg.author_id is not None:
            self._by_author[msg.author_id] = self._latest
        return records

    def start_thread(self, key: str, msg: ChatMessage) -> list[ChatRecord]:
        """A message the archive itself marks as the start of a thread (Slack)."""
        records, self._explicit[key] = self._start(msg, _others(msg))
        return records

    def has_thread(self, key: str) -> bool:
        return key in self._explicit

    def reply_in(self, key: str, msg: ChatMessage) -> list[ChatRecord]:
        """A reply the archive places in the thread started with ``start_thread(key, ...)``."""
        return self._reply(self._explicit[key], msg, _others(msg))

    def _conversation_for(self, msg: ChatMessage, others: list[str]) -> Conversation | None:
        rule = self.rule
        for person in others:
            spoken_in = self._by_author.get(person)
            if spoken_in is not None and _is_open(spoken_in, msg.sent_at, rule.reach, rule):
                return spoken_in
        latest = self._latest
        if latest is not None and _is_open(latest, msg.sent_at, rule.gap, rule):
            return latest
        return None

    def _start(self, msg: ChatMessage, others: list[str]) -> tuple[list[ChatRecord], Conversation]:
        records: list[ChatRecord] = [
            ThreadRecord(
                source_id=msg.source_id,
                author_id=msg.author_id,
                kind=thread_kind(msg.text),
                title=title_from(msg.text),
                body=msg.text,
                created_at=msg.sent_at,
                tags=self.tags,
                licence=self.licence,
            )
        ]
        if others and msg.author_id is not None:
            records += _mentioned(msg, msg.author_id, others, msg.source_id, "thread")
        started = Conversation(msg.source_id, msg.sent_at, last_author=msg.author_id)
        return records, started

    def _reply(
        self, conversation: Conversation, msg: ChatMessage, others: list[str]
    ) -> list[ChatRecord]:
        thread_id = conversation.thread_id
        author = msg.author_id
        records: list[ChatRecord] = [
            ReplyRecord(
                source_id=msg.source_id,
                thread_id=thread_id,
                author_id=author,
                body=msg.text,
                created_at=msg.sent_at,
                licence=self.licence,
            )
        ]
        target = others[0] if others else conversation.answered_by(author)
        if author is not None and target is not None and target != author:
            records.append(
                InteractionRecord(
                    key=f"replied:{msg.source_id}",
                    actor_id=author,
                    target_id=target,
                    verb="replied",
                    occurred_at=msg.sent_at,
                    thread_id=thread_id,
                    object_type="reply",
                    object_id=msg.source_id,
                )
            )
        if others and author is not None:
            records += _mentioned(msg, author, others, thread_id, "reply")
        conversation.add(author, msg.sent_at)
        return records


def _is_open(
    conversation: Conversation, at: datetime, within: timedelta, rule: ConversationRule
) -> bool:
    return conversation.size < rule.max_messages and at - conversation.last_at <= within


def _others(msg: ChatMessage) -> list[str]:
    """The people a message mentions, without repeats and without its author."""
    if not msg.mentions:
        return []
    return [p for p in dict.fromkeys(msg.mentions) if p != msg.author_id]


def _mentioned(
    msg: ChatMessage, author: str, others: list[str], thread_id: str, object_type: str
) -> list[InteractionRecord]:
    return [
        InteractionRecord(
            key=f"mentioned:{msg.source_id}:{person}",
            actor_id=author,
            target_id=person,
            verb="mentioned",
            occurred_at=msg.sent_at,
            thread_id=thread_id,
            object_type=object_type,
            object_id=msg.source_id,
        )
        for person in others
    ]


def thread_kind(text: str) -> str:
    """A conversation that opens with a question is a question; any other, a discussion."""
    return "question" if text.rstrip().endswith("?") else "discussion"


def title_from(text: str, limit: int = TITLE_LENGTH) -> str:
    """A one-line title: the first line that says something, cut at a word near ``limit``."""
    line = ""
    # Only the opening lines can hold the title; a long paste need not be split whole.
    for raw in text.split("\n", 40)[:40]:
        if _FENCE_RE.match(raw):
            continue
        line = _SPACE_RE.sub(" ", _DECORATION_RE.sub("", raw)).strip()
        if line:
            break
    if not line:
        return "(no text)"
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"
