"""Slack's message markup ("mrkdwn") to the Markdown Practica renders.

Slack writes people, channels and links as ``<...>`` tokens (``<@U024BE7LH>``,
``<#C024BE7LR|general>``, ``<https://x.org|label>``) and escapes ``&``, ``<``
and ``>`` as entities. Outside code, the entities are kept: Markdown shows
them as the characters, and a stray ``<b>`` stays text. Inside code, where
Markdown shows entities literally, they are turned back into characters.
"""

from __future__ import annotations

import html
import re

_CODE_RE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
_TOKEN_RE = re.compile(r"<([^<>\n]+)>")
# Slack's *bold* is Markdown's **bold** (a single star would be italics).
_BOLD_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def slack_markdown(text: str, handles: dict[str, str]) -> tuple[str, list[str]]:
    """The text as Markdown, and the ids of the people it mentions, in order."""
    mentioned: list[str] = []
    pieces: list[str] = []
    position = 0
    for code in _CODE_RE.finditer(text):
        pieces.append(_prose(text[position : code.start()], handles, mentioned))
        pieces.append(html.unescape(code.group(0)))
        position = code.end()
    pieces.append(_prose(text[position:], handles, mentioned))
    return "".join(pieces), mentioned


def _prose(text: str, handles: dict[str, str], mentioned: list[str]) -> str:
    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            person = target[1:]
            mentioned.append(person)
            return "@" + handles.get(person, label or person)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            return _SPECIAL.get(word, label or word)
        if label:
            safe_label = label.replace("[", "\\[").replace("]", "\\]")
            return f"[{safe_label}]({_url(target)})"
        return f"<{target}>"

    return _BOLD_RE.sub(r"**\1**", _TOKEN_RE.sub(token, text))


def _url(target: str) -> str:
    # Parentheses and spaces would end a Markdown link early.
    return target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
