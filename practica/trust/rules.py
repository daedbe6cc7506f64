"""Trust levels as a pure rule over a person's participation figures.

No Django here: the adapter (``practica.trust.adapter``) reads the figures
from the ledger, threads and replies; this module decides what they earn.
docs/trust.md gives the reasons behind each threshold.

The rule has two properties the tests check for every input:

- more of any positive signal (days active, replies, acknowledgements, ...)
  never lowers a level;
- each flag upheld against a person (recently) lowers it by one, down to
  newcomer, and never raises it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import IntEnum
from html.parser import HTMLParser
from urllib.parse import urlsplit


class Level(IntEnum):
    NEWCOMER = 0
    MEMBER = 1
    REGULAR = 2
    TRUSTED = 3
    LEADER = 4

    @property
    def label(self) -> str:
        return self.name.lower()


LEVEL_CHOICES = [(level.value, level.label.capitalize()) for level in Level]


@dataclass(frozen=True)
class Figures:
    """What a person did in one community. Every figure is a count, 0 or more."""

    days_active: int = 0
    replies_given: int = 0
    replies_received: int = 0
    acknowledgements_received: int = 0
    accepted_answers: int = 0
    days_in_community: int = 0
    #: Flags that stewards upheld against this person's content, in the last
    #: ``FLAG_MEMORY_DAYS`` days (so that a person can earn their way back).
    flags_upheld: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{f.name} must be a whole number, 0 or more; got {value!r}")

    @property
    def helped(self) -> int:
        """Times others said this person helped them, or accepted their answer."""
        return self.acknowledgements_received + self.accepted_answers

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Figures:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})  # type: ignore[arg-type]


FLAG_MEMORY_DAYS = 180


@dataclass(frozen=True)
class Requirement:
    figure: str
    #: How the page says it: "days active", "times others said you helped".
    words: str
    need: int
    value: Callable[[Figures], int]

    def met(self, figures: Figures) -> bool:
        return self.value(figures) >= self.need


def _figure(name: str, words: str, need: int) -> Requirement:
    return Requirement(name, words, need, lambda f: int(getattr(f, name)))


def _helped(need: int) -> Requirement:
    return Requirement(
        "helped", "times others said you helped or accepted your answer", need, lambda f: f.helped
    )


#: What each level asks for, on top of the levels below it. docs/trust.md says why.
REQUIREMENTS: dict[Level, tuple[Requirement, ...]] = {
    Level.MEMBER: (
        _figure("days_in_community", "days since joining", 2),
        _figure("days_active", "days active", 2),
        _figure("replies_given", "replies to others", 2),
    ),
    Level.REGULAR: (
        _figure("days_in_community", "days since joining", 30),
        _figure("days_active", "days active", 8),
        _figure("replies_given", "replies to others", 8),
        _figure("replies_received", "replies from others", 3),
        _helped(3),
    ),
    Level.TRUSTED: (
        _figure("days_in_community", "days since joining", 90),
        _figure("days_active", "days active", 20),
        _figure("replies_given", "replies to others", 30),
        _figure("replies_received", "replies from others", 10),
        _helped(10),
    ),
    Level.LEADER: (
        _figure("days_in_community", "days since joining", 365),
        _figure("days_active", "days active", 50),
        _figure("replies_given", "replies to others", 100),
        _figure("replies_received", "replies from others", 30),
        _helped(30),
    ),
}


@dataclass(frozen=True)
class Shortfall:
    figure: str
    words: str
    have: int
    need: int

    @property
    def more(self) -> int:
        return self.need - self.have

    def sentence(self) -> str:
        return f"{self.more} more {self.words} ({self.have} of {self.need})"


@dataclass(frozen=True)
class Assessment:
    """What the figures earn, what the flags take away, and what the next level needs."""

    figures: Figures
    earned: Level
    level: Level
    next_level: Level | None
    missing: tuple[Shortfall, ...]

    @property
    def demoted_by(self) -> int:
        return int(self.earned) - int(self.level)


def earned_level(figures: Figures) -> Level:
    """The highest level whose requirements, and those of every level below, are all met."""
    earned = Level.NEWCOMER
    for level in sorted(REQUIREMENTS):
        if not all(r.met(figures) for r in REQUIREMENTS[level]):
            break
        earned = level
    return earned


def level_for(figures: Figures) -> Level:
    """The earned level, one step lower for each recently upheld flag (never below newcomer)."""
    return Level(max(Level.NEWCOMER, earned_level(figures) - figures.flags_upheld))


def shortfalls(figures: Figures, level: Level) -> tuple[Shortfall, ...]:
    """What is still missing to earn ``level`` (empty when it is earned)."""
    needs: dict[str, Shortfall] = {}
    for lower in sorted(REQUIREMENTS):
        if lower > level:
            break
        for r in REQUIREMENTS[lower]:
            have = r.value(figures)
            if have < r.need:
                needs[r.figure] = Shortfall(r.figure, r.words, have, r.need)
    return tuple(needs.values())


def assess(figures: Figures) -> Assessment:
    level = level_for(figures)
    next_level = Level(level + 1) if level < Level.LEADER else None
    missing: tuple[Shortfall, ...] = ()
    if next_level is not None and figures.flags_upheld == 0:
        missing = shortfalls(figures, next_level)
    return Assessment(
        figures=figures,
        earned=earned_level(figures),
        level=level,
        next_level=next_level,
        missing=missing,
    )


# Capabilities ------------------------------------------------------------------------

#: The level each capability needs. Stewards may do everything; see capabilities.py for
#: the exemptions (stewards, small communities).
CAPABILITY_LEVEL: dict[str, Level] = {
    "post": Level.NEWCOMER,
    "reply": Level.NEWCOMER,
    "acknowledge": Level.NEWCOMER,
    "join": Level.NEWCOMER,
    "flag": Level.NEWCOMER,
    "edit": Level.NEWCOMER,
    # Newcomers post with few links and at a limited rate; members are free of both.
    "post_links": Level.MEMBER,
    "post_freely": Level.MEMBER,
    "edit_tags": Level.REGULAR,
    "distil": Level.REGULAR,
    "hide_spam": Level.TRUSTED,
}

#: What a person may do, in words, for refusals ("regulars can <words>").
CAPABILITY_WORDS: dict[str, str] = {
    "post": "start threads",
    "reply": "reply",
    "acknowledge": "say that something helped them",
    "join": "join",
    "flag": "flag posts",
    "edit": "edit",
    "post_links": "include any number of links",
    "post_freely": "post without an hourly limit",
    "edit_tags": "change the tags of other people's threads",
    "distil": "distil threads into practices",
    "hide_spam": "hide spam with their flags",
}

NEWCOMER_LINKS = 2
NEWCOMER_POSTS_PER_HOUR = 5

_LINK_RE = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)[^\s<>\"'()\[\]]+")


class _LinkCounter(HTMLParser):
    """Counts, in the HTML a post renders to, the links and images that lead off the site,
    and the addresses written as plain text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links = 0
        self._anchors: list[bool] = []  # for each open <a>: does it count already?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        target = dict(attrs).get("href" if tag == "a" else "src") or ""
        leaves = tag in {"a", "img"} and _leaves_site(target)
        if leaves:
            self.links += 1
        if tag == "a":
            self._anchors.append(leaves)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchors:
            self._anchors.pop()

    def handle_data(self, data: str) -> None:
        if not any(self._anchors):  # a link's own text does not count twice
            self.links += len(_LINK_RE.findall(data))


def _leaves_site(address: str) -> bool:
    """Whether a link's address leads to another site: it has a scheme (``https:``,
    ``http:a.example``, ``mailto:``) or is protocol-relative (``//a.example``)."""
    address = address.strip().replace("\\", "/")
    return address.startswith("//") or bool(urlsplit(address).scheme)


def count_links(text: str) -> int:
    """Links to other sites in a post, counted in the HTML it renders to (what readers can
    click): Markdown and HTML links and images whose address has a scheme or starts with
    ``//``, however it is spelt (entities, reference links), plus ``scheme://...`` and
    ``www....`` addresses written as plain text.

    A Markdown link counts once, even when its text is its address; relative links
    (to pages of this site) are not counted.
    """
    from practica.core.text import render_markdown  # Markdown and nh3; no Django

    counter = _LinkCounter()
    counter.feed(render_markdown(text or ""))
    counter.close()
    return counter.links


def link_refusal(text: str, level: Level) -> str | None:
    if level >= CAPABILITY_LEVEL["post_links"]:
        return None
    links = count_links(text)
    if links <= NEWCOMER_LINKS:
        return None
    return f"newcomers can include at most {NEWCOMER_LINKS} links; you have {links}"


def rate_refusal(posted_last_hour: int, minutes_to_wait: int, level: Level) -> str | None:
    if level >= CAPABILITY_LEVEL["post_freely"] or posted_last_hour < NEWCOMER_POSTS_PER_HOUR:
        return None
    wait = max(1, minutes_to_wait)
    return (
        f"newcomers can post at most {NEWCOMER_POSTS_PER_HOUR} threads and replies an hour; "
        f"you can post again in {wait} minute{'s' if wait != 1 else ''}"
    )
