"""Text to index terms: HTML stripped, links to other questions removed, stemmed.

Links to other threads are removed from everything we index because they are
exactly what the "related" and "duplicate" labels of an archive are derived
from; keeping them would let the ranking read the answer key.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

# An anchor whose target is another question or answer on a Q&A site, with its text.
_THREAD_LINK_RE = re.compile(
    r"<a\b[^>]*href=\"[^\"]*/(?:questions|q|a|t|c/[^\"/]+/t)/\d+[^\"]*\"[^>]*>.*?</a>",
    re.IGNORECASE | re.DOTALL,
)
_MARKDOWN_THREAD_LINK_RE = re.compile(
    r"\[[^\]]*\]\([^)]*/(?:questions|q|a|t)/\d+[^)]*\)", re.IGNORECASE
)
_URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")

STOPWORDS: frozenset[str] = frozenset(STOPWORDS_EN)


def clean_text(text: str) -> str:
    """Plain text without markup, links to other threads, or bare URLs."""
    if not text:
        return ""
    # Each pattern only where it can match: most texts have no markup or links at all.
    if "<a" in text or "<A" in text:
        text = _THREAD_LINK_RE.sub(" ", text)
    if "](" in text:
        text = _MARKDOWN_THREAD_LINK_RE.sub(" ", text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "://" in text:
        text = _URL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case word tokens without English stop words (the plain BM25 analyser)."""
    return [w for w in _TOKEN_RE.findall(text.lower()) if w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Stemmed word tokens: what our indexes store and queries are matched on."""
    found = words(text)
    return _stemmer().stemWords(found) if found else []


def terms_of_many(texts: Iterable[str]) -> list[list[str]]:
    """``terms`` of many texts (for building indexes): each distinct word is stemmed once,
    and stop words map to nothing."""
    tokens = [_TOKEN_RE.findall(t.lower()) for t in texts]
    vocabulary: set[str] = set().union(*tokens)
    plain = [w for w in vocabulary if w not in STOPWORDS]
    stems: dict[str, str] = dict(zip(plain, _stemmer().stemWords(plain), strict=True))
    stems.update(dict.fromkeys(vocabulary & STOPWORDS, ""))
    stem = stems.__getitem__
    return [list(filter(None, map(stem, found))) for found in tokens]
