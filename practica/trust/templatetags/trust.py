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
