"""The edit history of a thread as a reader sees it: what each edit changed.

A ``Revision`` keeps what a thread or reply said *before* an edit. What it said
after is the next newer revision of the same item, or the item as it is now.
Pure functions over plain values, so they are tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

Op = Literal["same", "added", "removed"]

#: Thread fields in the order a reader meets them, with their names on the page.
THREAD_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("body", "Body"),
    ("context", "Context"),
    ("what_happened", "What happened"),
    ("learned", "What we learned"),
    ("differently", "What we would do differently"),
    ("tags", "Tags"),
)
REPLY_FIELDS: tuple[tuple[str, str], ...] = (("body", "Body"),)

_TOKEN_RE = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class FieldChange:
    label: str
    segments: tuple[Segment, ...]


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def word_diff(before: str, after: str) -> tuple[Segment, ...]:
    """Words kept, removed and added between two texts (white space kept as is)."""
    old = _TOKEN_RE.findall(before)
    new = _TOKEN_RE.findall(after)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(new[j1:j2])))
    return tuple(segments)


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Sequence[tuple[str, str]]
) -> list[FieldChange]:
    """The fields that differ between two versions, each as a word diff."""
    found = []
    for name, label in fields:
        if name not in before:
            continue  # older snapshots may not have every field
        old, new = _as_text(before.get(name)), _as_text(after.get(name))
        if old != new:
            found.append(FieldChange(label=label, segments=word_diff(old, new)))
    return found


def pair_versions(
    snapshots: Sequence[Mapping[str, Any]], current: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """For snapshots newest first, the version that followed each one."""
    return [current, *snapshots[:-1]] if snapshots else []
