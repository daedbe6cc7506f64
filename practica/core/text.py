"""Text helpers: safe Markdown, @mentions, plain-text excerpts."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

MENTION_RE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][A-Za-z0-9_.\-]{0,149})")

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},
}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML stays on so imported posts (already HTML) render; nh3 then
    # removes everything that is not on the allow-list.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown (or imported HTML) to sanitised HTML, safe to mark as safe in templates."""
    html = _markdown().render(text or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def find_mentions(text: str) -> list[str]:
    """Usernames mentioned as ``@name``, in order of first appearance, without repeats."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        seen.setdefault(match.group(1).rstrip(".-"), None)
    return list(seen)


_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """Text without HTML tags and with runs of white space folded."""
    return _SPACE_RE.sub(" ", _TAG_RE.sub(" ", text or "")).strip()


def excerpt(text: str, length: int = 200) -> str:
    flat = plain_text(text)
    if len(flat) <= length:
        return flat
    return flat[: length - 1].rsplit(" ", 1)[0] + "…"
