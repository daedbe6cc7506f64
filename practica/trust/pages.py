"""Reads behind the trust pages, composed for one viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.communities.pages import Viewer, viewer_of_content
from practica.communities.selectors import AnyUser
from practica.core.errors import NotAllowed, NotFound
from practica.exchange.models import Reply, Thread
from practica.exchange.selectors import reply_get, thread_get
from practica.trust.adapter import figures_for
from practica.trust.capabilities import refusal
from practica.trust.models import TrustLevel
from practica.trust.rules import CAPABILITY_LEVEL, CAPABILITY_WORDS, Assessment, Level, assess
from practica.trust.selectors import is_small, level_row, suspension_message, suspension_of


def steward_viewer(*, slug: str, user: AnyUser, doing: str) -> Viewer:
    """A community page only its stewards may open: 404 when unreadable, 403 for others."""
    viewer = viewer_of_content(slug=slug, user=user)
    if not viewer.is_steward:
        raise NotAllowed(f"only stewards of {viewer.community.name} can {doing}")
    return viewer


def member_viewer(*, slug: str, user: AnyUser, doing: str) -> Viewer:
    viewer = viewer_of_content(slug=slug, user=user)
    if not viewer.is_member and not viewer.is_steward:
        raise NotAllowed(f"join {viewer.community.name} to {doing}")
    return viewer


def target_get(
    *, community: Community, kind: str, item_id: int, user: AnyUser
) -> tuple[Thread, Reply | None]:
    """A thread or reply of this community the person may read (NotFound otherwise)."""
    if kind == "thread":
        thread = thread_get(thread_id=item_id, user=user)
        reply = None
    elif kind == "reply":
        reply = reply_get(reply_id=item_id, user=user)
        thread = reply.thread
    else:
        raise NotFound(f"nothing to moderate called {kind!r}", field="kind")
    if thread.community_id != community.pk:
        raise NotFound(f"no {kind} {item_id} in {community.name}", field="id")
    return thread, reply


@dataclass(frozen=True)
class Capability:
    name: str
    words: str
    level: Level
    allowed: bool
    why_not: str


@dataclass(frozen=True)
class StandingPage:
    """A person's standing in a community: level, figures, what the next level needs."""

    person: User
    row: TrustLevel | None
    assessment: Assessment
    capabilities: list[Capability]
    small_community: bool
    suspended: str

    @property
    def level(self) -> Level:
        return self.row.effective if self.row is not None else self.assessment.level

    @property
    def overridden(self) -> bool:
        return self.row is not None and self.row.override_level is not None


_SHOWN = ("post_links", "post_freely", "edit_tags", "distil", "hide_spam")


def standing_page(*, person: User, community: Community) -> StandingPage:
    """Figures computed now; the stored level is refreshed if stale, as when the person acts."""
    figures = figures_for(community.pk, [person.pk], now=timezone.now())[person.pk]
    suspension = suspension_of(person, community)
    capabilities = []
    for name in _SHOWN:
        why = refusal(person, name, community) if suspension is None else "suspended"
        capabilities.append(
            Capability(
                name=name,
                words=CAPABILITY_WORDS[name],
                level=CAPABILITY_LEVEL[name],
                allowed=why is None,
                why_not=why or "",
            )
        )
    return StandingPage(
        person=person,
        row=level_row(person, community),
        assessment=assess(figures),
        capabilities=capabilities,
        small_community=is_small(community),
        suspended=suspension_message(suspension) if suspension else "",
    )
