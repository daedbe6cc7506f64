"""The text the index holds, and the snippets shown from it.

Both databases index the same cleaned text: HTML tags of imported posts
removed (so that ``code`` or ``href`` do not match every post), entities
decoded, and lines quoted with ``>`` (mail replies quoting earlier messages)
moved to a separate, low-weighted column so they never show in snippets.
SQLite runs the Python functions below from its triggers (registered on each
connection); PostgreSQL runs SQL functions written to give the same result
(see ``backends/postgres.py``).
"""

from __future__ import annotations

import html
import re

#: Marks around matched words in snippets from either database; stripped from
#: every indexed text so a post can never forge one.
MARK_START = "\ue000"
MARK_END = "\ue001"

#: Tags of the HTML that imports carry. Only known names are removed, so that
#: text like ``List<String>`` or ``a <b and c> d`` in Markdown keeps its words.
HTML_TAGS = (
    "a|abbr|b|blockquote|br|caption|cite|code|dd|del|details|div|dl|dt|em|figcaption|figure|"
    "font|h1|h2|h3|h4|h5|h6|hr|i|img|ins|kbd|li|ol|p|pre|q|s|samp|script|small|span|strike|"
    "strong|style|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var"
)
#: Written so that Python's ``re`` and PostgreSQL's regular expressions read it
#: alike: no lazy quantifiers, whose meaning differs between the two.
TAG_PATTERN = r"<!--[^<>]*-->|</?(?:" + HTML_TAGS + r")(?:\s[^<>]*)?/?>"
QUOTED_LINE_PATTERN = r"^[ \t]*>[^\n]*"
QUOTED_TEXT_PATTERN = r"^[ \t]*>([^\n]*)"

_TAG_RE = re.compile(TAG_PATTERN, re.IGNORECASE)
_QUOTED_LINE_RE = re.compile(QUOTED_LINE_PATTERN, re.MULTILINE)
_QUOTED_TEXT_RE = re.compile(QUOTED_TEXT_PATTERN, re.MULTILINE)
_MARKS_RE = re.compile(f"[{MARK_START}{MARK_END}]")
_SPACE_RE = re.compile(r"\s+")


# SQLite's triggers and bulk imports run these for every thread and reply, so
# each step is skipped when the character it looks for is absent (a tag starts
# with "<", an entity with "&", a quoted line holds ">"): same result, less work.
# ``str.split()`` splits on exactly the characters ``\s`` matches.


def _flatten(text: str) -> str:
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if MARK_START in text or MARK_END in text:
        text = _MARKS_RE.sub("", text)
    return " ".join(text.split())


def indexed_text(raw: str | None) -> str:
    """What a post says in its own words: no quoted lines, no tags, one line."""
    raw = raw or ""
    return _flatten(_QUOTED_LINE_RE.sub("", raw) if ">" in raw else raw)


def quoted_text(raw: str | None) -> str:
    """The lines a post quotes from others (``> ...``), flattened the same way."""
    if not raw or ">" not in raw:
        return ""
    return _flatten(" ".join(m.group(1) for m in _QUOTED_TEXT_RE.finditer(raw)))


def snippet_html(marked: str) -> str:
    """Escape a snippet and turn the database's match marks into ``<mark>``.

    Everything between marks is escaped, and marks are only ever emitted in
    balanced pairs, so no text in a post can open or close an element.
    """
    out: list[str] = []
    inside = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked or ""):
        if piece == MARK_START:
            if not inside:
                out.append("<mark>")
                inside = True
        elif piece == MARK_END:
            if inside:
                out.append("</mark>")
                inside = False
        elif piece:
            out.append(html.escape(piece, quote=True))
    if inside:
        out.append("</mark>")
    return "".join(out).replace("<mark></mark>", "")
