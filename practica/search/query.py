"""What a person typed in the search box, read into a query no database can choke on.

The language is small and forgiving:

- words are all required: ``sourdough starter``;
- ``"rye flour"`` is a phrase (a missing closing quote ends it at the end);
- ``-wheat`` or ``NOT wheat`` leaves out threads that say it;
- ``bread OR cake`` accepts either; ``AND`` is allowed and changes nothing;
- little words (``the``, ``how``, ``to``) are left out unless they are all
  there is, or part of a phrase: PostgreSQL ignores them, and on SQLite they
  would make a thread that phrases things differently not match.

Anything else (brackets, stars, colons, stray quotes) is punctuation and is
ignored. Only runs of letters and digits ever reach a database, and each
backend quotes them in its own syntax (``backends/``), so no input can be read
as an operator there. A query with nothing to look for is empty, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Longer input is cut: nobody types more, and it bounds the work per query.
MAX_QUERY_CHARS = 500
MAX_ITEMS = 16
MAX_WORD_CHARS = 64

#: English function words: too common to tell threads apart.
STOPWORDS = frozenset({
    "a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "do", "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is",
    "it", "its", "me", "my", "no", "of", "on", "or", "our", "should", "so", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "to", "too", "was", "we",
    "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you",
    "your",
})  # fmt: skip

#: Letters and digits in any script; ``_`` and other punctuation separate words,
#: as they do in both databases' tokenizers.
_WORD_RE = re.compile(r"[^\W_]+")
_CHUNK_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Item:
    """One thing to find: a word, or several words in a row (a phrase)."""

    #: Lower-case runs of letters and digits, as FTS5's tokenizer splits them.
    words: tuple[str, ...]
    #: The same chunk with its inner punctuation kept (``node.js``, ``e-mail``),
    #: for PostgreSQL, whose parser keeps such tokens whole. Never holds a quote.
    text: str


@dataclass(frozen=True)
class ParsedQuery:
    #: Every group must match; a group matches when any of its items does.
    groups: tuple[tuple[Item, ...], ...] = ()
    excluded: tuple[Item, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        # Leaving words out needs something to leave them out of.
        return not self.groups

    def text(self) -> str:
        """The query as it was understood, to show back to the person."""
        parts = [" OR ".join(_show(item) for item in group) for group in self.groups]
        parts += [f"-{_show(item)}" for item in self.excluded]
        return " ".join(parts)


def _show(item: Item) -> str:
    return item.text if item.words == (item.text,) else f'"{item.text}"'


#: Characters no database or page should receive: quotes (they delimit items),
#: control characters (NUL included) and halves of surrogate pairs.
_UNWANTED_RE = re.compile(r'["\x00-\x1f\x7f\ud800-\udfff]')


def _item(chunk: str) -> Item | None:
    lowered = chunk.lower()
    words = tuple(w[:MAX_WORD_CHARS] for w in _WORD_RE.findall(lowered))
    if not words:
        return None
    text = " ".join(_UNWANTED_RE.sub(" ", lowered).split())
    return Item(words=words, text=text[: MAX_WORD_CHARS * len(words)])


def parse_query(raw: str | None) -> ParsedQuery:
    """Read the search box; never raises, whatever it holds."""
    groups: list[list[Item]] = []
    excluded: list[Item] = []
    pending_or = False
    negate_next = False
    for match in _CHUNK_RE.finditer((raw or "")[:MAX_QUERY_CHARS]):
        minus, phrase, bare = match.groups()
        if bare in {"AND", "OR", "NOT"}:
            pending_or = bare == "OR" and bool(groups)
            negate_next = bare == "NOT"
            continue
        negated = negate_next
        negate_next = False
        if phrase is not None:
            negated = negated or minus == "-"
            item = _item(phrase)
        else:
            if bare.startswith("-"):
                negated, bare = True, bare.lstrip("-")
            item = _item(bare)
        if item is None or sum(map(len, groups)) + len(excluded) >= MAX_ITEMS:
            pending_or = False
            continue
        if negated:
            if all(item.words != e.words for e in excluded):
                excluded.append(item)
        elif pending_or:
            if all(item.words != i.words for i in groups[-1]):
                groups[-1].append(item)
        elif all(len(g) > 1 or g[0].words != item.words for g in groups):
            groups.append([item])
        pending_or = False
    groups = _without_little_words(groups)
    sought = {i.words for g in groups for i in g}
    return ParsedQuery(
        groups=tuple(tuple(g) for g in groups),
        # "bread -bread" asks for nothing; keep the bread.
        excluded=tuple(e for e in excluded if e.words not in sought and not _is_little_word(e)),
    )


def _is_little_word(item: Item) -> bool:
    return len(item.words) == 1 and item.words[0] in STOPWORDS


def _without_little_words(groups: list[list[Item]]) -> list[list[Item]]:
    meaningful = [g for g in groups if not all(_is_little_word(i) for i in g)]
    return meaningful or groups
