"""Template helpers for trust levels: ``{% load trust %}``."""

from __future__ import annotations

from typing import Any

from django import template

from practica.trust.rules import Figures, Level

register = template.Library()


@register.filter
def level_label(level: Any) -> str:
    """``2`` or ``Level.REGULAR`` → "regular"; nothing for an unknown level."""
    try:
        return Level(int(level)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


@register.filter
def helped(figures: dict[str, Any]) -> int:
    return Figures.from_dict(figures or {}).helped


@register.inclusion_tag("trust/_badge.html")
def trust_badge(item: Any) -> dict[str, Any]:
    """Beside an author's name: their level in the community, when the page's query read it
    (``author_trust``). Newcomers are marked so others can welcome them, and regulars and up
    for what they earned; "member", the usual case, goes unsaid."""
    level = getattr(item, "author_trust", None)
    if level is None or level == Level.MEMBER:
        return {"label": ""}
    return {"label": level_label(level)}
