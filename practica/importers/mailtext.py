"""The text of an email, made ready to store as Markdown.

- ``header_text``: a header decoded (RFC 2047 encoded words, any charset).
- ``body_text``: the text/plain part, or the text/html one turned to text.
- ``mail_markdown``: plain mail text as Markdown that renders as it reads:
  quoted lines (``>``) and the attribution line before them ("On ... wrote:")
  become blockquotes, set apart from the reply by blank lines, and what
  Markdown would misread (``#`` at a line's start, ``---`` under a line, a
  ``<word>`` taken for HTML) is escaped.

Search leaves quoted text out of its snippets by dropping the lines whose
first character other than a space is ``>``: after ``mail_markdown`` every
quoted line, attribution included, is one of those.
"""

from __future__ import annotations

import contextlib
import re
from email.header import decode_header, make_header
from email.message import Message
from html.parser import HTMLParser

_QUOTE_RE = re.compile(r"^\s*>")
_ATTRIBUTION_RE = re.compile(
    r"(\bwrote|\bschrieb|\ba écrit|\bescribió|\bskrev|\bschreef)\s*:\s*$"
    r"|^-{2,}\s*Original Message\s*-{2,}$",
    re.IGNORECASE,
)
_ATTRIBUTION_START_RE = re.compile(r"^(On|Le|Am|El|Den|Op)\s", re.IGNORECASE)
_HEADING_RE = re.compile(r"^(\s{0,3})(#)")
_UNDERLINE_RE = re.compile(r"^(\s{0,3})([=-]+\s*)$")
# "<" that does not open an autolink would be read as an HTML tag and dropped.
_ANGLE_RE = re.compile(r"<(?!(?:https?://|mailto:)[^\s<>]*>)")


def header_text(raw: object) -> str:
    """A header as text: encoded words decoded, folding undone; never raises."""
    if raw is None:
        return ""
    value = str(raw)
    # A header that cannot be decoded stays as it came: readable, if not pretty.
    with contextlib.suppress(LookupError, UnicodeError, ValueError, AssertionError):
        value = str(make_header(decode_header(value)))
    return " ".join(value.split())


def decoded_payload(part: Message) -> str:
    """A leaf part's text in its declared charset, falling back safely."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    # Windows-1252 is what undeclared eight-bit mail most often is.
    return payload.decode("cp1252", errors="replace")


def body_text(msg: Message) -> str:
    """The message's text: plain preferred, else HTML turned to text; attachments named."""
    plain: str | None = None
    html: str | None = None
    attachments: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            attachments.append(header_text(part.get_filename()) or part.get_content_type())
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and not (plain or "").strip():
            plain = decoded_payload(part)
        elif kind == "text/html" and html is None:
            html = decoded_payload(part)
    if plain and plain.strip():
        text = plain
    elif html is not None:
        text = html_to_text(html)
    else:
        text = plain or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if attachments:
        text = text.rstrip() + "\n\n" + "\n".join(f"(attachment: {a})" for a in attachments)
    return text


def mail_markdown(text: str) -> str:
    """Plain mail text as Markdown; see the module docstring."""
    lines = [line.rstrip() for line in text.split("\n")]
    quoted = [bool(_QUOTE_RE.match(line)) for line in lines]
    _mark_attributions(lines, quoted)
    out: list[str] = []
    for index, line in enumerate(lines):
        if quoted[index]:
            if out and out[-1] and not _QUOTE_RE.match(out[-1]):
                out.append("")
            out.append(_escape(line if _QUOTE_RE.match(line) else "> " + line))
            continue
        if line and out and _QUOTE_RE.match(out[-1]):
            out.append("")
        out.append(_escape(line))
    return "\n".join(out).strip("\n")


def _mark_attributions(lines: list[str], quoted: list[bool]) -> None:
    """Count an attribution line (and its first half, when wrapped) as part of the quote."""
    for index, line in enumerate(lines):
        if quoted[index] or not _ATTRIBUTION_RE.search(line.strip()):
            continue
        after = index + 1
        while after < len(lines) and not lines[after].strip():
            after += 1
        if after >= len(lines) or not quoted[after]:
            continue
        quoted[index] = True
        before = index - 1
        if (
            before >= 0
            and not quoted[before]
            and _ATTRIBUTION_START_RE.match(lines[before].strip())
            and not _ATTRIBUTION_START_RE.match(line.strip())
        ):
            quoted[before] = True


def _escape(line: str) -> str:
    line = _ANGLE_RE.sub(r"\\<", line)
    body = line
    prefix = ""
    match = re.match(r"^(\s*(?:>\s?)+)", line)
    if match:
        prefix, body = line[: match.end()], line[match.end() :]
    body = _HEADING_RE.sub(r"\1\\\2", body)
    body = _UNDERLINE_RE.sub(r"\1\\\2", body)
    return prefix + body


_SKIP = {"script", "style", "head", "title"}
# Blocks set apart by a blank line, and tags that only end a line.
_PARAGRAPHS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol", "hr",
    "blockquote", "section", "article", "header", "footer",
}  # fmt: skip
_LINES = {"br", "li", "tr"}


class _TextFromHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.blank_before = False
        self.depth = 0  # blockquote nesting
        self.skipping = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def end_line(self) -> None:
        text = " ".join("".join(self.line).split())
        self.line = []
        if not text:
            return
        if self.blank_before and self.lines and self.lines[-1]:
            self.lines.append("")
        self.lines.append("> " * self.depth + text)
        self.blank_before = False

    def end_paragraph(self) -> None:
        self.end_line()
        self.blank_before = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _PARAGRAPHS:
            self.end_paragraph()
            if tag == "blockquote":
                self.depth += 1
        elif tag in _LINES:
            self.end_line()
            if tag == "li":
                self.line.append("- ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _PARAGRAPHS:
            self.end_paragraph()
            if tag == "blockquote":
                self.depth = max(0, self.depth - 1)
        elif tag in _LINES:
            self.end_line()
        elif tag == "a" and self.href:
            shown = "".join(self.link_text).strip()
            if self.href.startswith(("http://", "https://")) and self.href != shown:
                self.line.append(f" <{self.href}>")
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.line.append(data)
        if self.href is not None:
            self.link_text.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML mail part: blocks on their own lines, quotes as ``>``."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    parser.end_line()
    return "\n".join(parser.lines).strip()
