"""The shapes of the demo's content: plain, frozen records, free of Django.

Times are offsets from ``DEMO_START`` (days for threads and joins, hours
after the thread for replies), so the same content gets the same dates on
every machine and every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

#: Day 0 of the demo. Content spreads over the following ~18 months, up to
#: shortly before ``DEMO_END``. Fixed on purpose: a demo seeded today and one
#: seeded next year show the same dates, so screenshots and tests agree.
DEMO_START = datetime(2025, 5, 12, 9, 0, tzinfo=UTC)
DEMO_END = DEMO_START + timedelta(days=560)

DEMO_PASSWORD = "practica-demo"
DEMO_EMAIL_DOMAIN = "demo.practica.example"


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    bio: str
    interests: str
    offers: str
    learning: str
    sector: str
    discipline: str
    region: str
    role_in_practice: str
    location: str
    joined_day: int

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Comment:
    """A comment on an answer, ``hours`` after the thread started."""

    author: str
    hours: float
    body: str
    helped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A top-level reply, ``hours`` after the thread started.

    ``accepted`` marks the answer the asker accepted; ``helped`` names the
    people who said it helped them.
    """

    author: str
    hours: float
    body: str
    comments: tuple[Comment, ...] = ()
    accepted: bool = False
    helped: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoThread:
    kind: str
    author: str
    day: int
    hour: int
    title: str
    body: str = ""
    tags: tuple[str, ...] = ()
    context: str = ""
    what_happened: str = ""
    learned: str = ""
    differently: str = ""
    answers: tuple[Answer, ...] = ()
    #: People a story helped (acknowledgements of the story itself).
    helped: tuple[str, ...] = ()
    #: Slug of the circle the thread is posted in; empty for the whole community.
    circle: str = ""

    @property
    def started_at(self) -> datetime:
        return DEMO_START + timedelta(days=self.day, hours=self.hour)


@dataclass(frozen=True)
class DemoCircle:
    """A space inside a community; ``members`` are invited by the community's founder."""

    slug: str
    name: str
    tier: str
    description: str
    created_day: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class DemoIntroduction:
    """``introducer`` connects ``person_a`` and ``person_b`` with a note."""

    introducer: str
    person_a: str
    person_b: str
    day: int
    hour: int
    note: str

    @property
    def made_at(self) -> datetime:
        return DEMO_START + timedelta(days=self.day, hours=self.hour)


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    domain: str
    purpose: str
    aspiration: str
    visibility: str
    created_day: int
    stewards: tuple[str, ...]
    members: tuple[str, ...]
    #: People who asked to join and wait for a steward (members-only communities).
    pending: tuple[str, ...] = ()
    threads: tuple[DemoThread, ...] = field(default=())
    #: The community's agreements (version 1), accepted by everyone who joins.
    agreement: str = ""
    circles: tuple[DemoCircle, ...] = ()
    introductions: tuple[DemoIntroduction, ...] = ()
    practices: tuple[DemoPractice, ...] = ()
    experiments: tuple[DemoExperiment, ...] = ()
    agenda: tuple[DemoAgendaItem, ...] = ()
    #: Stories or threads distilled into practice drafts: (person, day, thread title).
    distilled: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True)
class DemoObservation:
    """A participant's check-in; ``feedback`` is (author, body), a few hours later each."""

    person: str
    day: int
    what_we_did: str
    what_happened: str
    measures: tuple[tuple[str, float], ...] = ()
    surprises: str = ""
    feedback: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DemoCycle:
    """One turn of an experiment: check-ins, then (once it ends) a reflection and a decision."""

    observations: tuple[DemoObservation, ...]
    reflect_day: int | None = None
    reflected_by: str = ""
    learned: str = ""
    differences: str = ""
    decide_day: int | None = None
    decision: str = ""
    decision_note: str = ""


@dataclass(frozen=True)
class DemoExperiment:
    proposer: str
    day: int
    title: str
    question: str
    hypothesis: str
    plan: str
    #: (name, unit, "higher" or "lower" is better)
    measures: tuple[tuple[str, str, str], ...]
    #: (person, day joined, organisation, setting, scale)
    participants: tuple[tuple[str, int, str, str, str], ...]
    cycles: tuple[DemoCycle, ...]
    #: Name of the practice it tries (a ``DemoPractice`` of the same community).
    practice: str = ""
    #: Titles of the threads that inspired it.
    inspired_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoPractice:
    author: str
    day: int
    name: str
    summary: str
    when_to_use: str = ""
    how: str = ""
    watch_for: str = ""
    #: Titles of the threads and stories behind its first version.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoAgendaItem:
    author: str
    day: int
    question: str
