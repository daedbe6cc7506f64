"""The tabs of a community's pages, and the place where other apps add theirs.

Every page about a community shows the same row of tabs (Threads, Members,
Search, ...). An app that adds a page to communities (the compass, the
experiments board) registers a tab once, from its ``AppConfig.ready()``::

    from practica.communities.tabs import CommunityTab, register_tab

    register_tab(CommunityTab(
        key="compass",
        label="Compass",
        path="compass/",               # relative to /c/<slug>/
        order=40,
        shown=lambda page: page.is_steward,
    ))

and renders its page with ``community`` and ``active_tab = "compass"`` in the
template context; ``base.html`` then draws the community's header and tabs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from practica.communities.models import Community, Membership, MembershipStatus, Role


@dataclass(frozen=True)
class TabContext:
    """What a tab may look at to decide whether it is shown."""

    community: Community
    membership: Membership | None
    can_read: bool

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.ACTIVE

    @property
    def is_steward(self) -> bool:
        return (
            self.is_member and self.membership is not None and self.membership.role == Role.STEWARD
        )


@dataclass(frozen=True)
class CommunityTab:
    key: str
    label: str
    #: Relative to the community's own URL (``/c/<slug>/``); "" is the community page.
    path: str
    order: int = 50
    shown: Callable[[TabContext], bool] | None = None

    def url(self, community: Community) -> str:
        return reverse("communities:detail", args=[community.slug]) + self.path


@dataclass(frozen=True)
class ShownTab:
    key: str
    label: str
    url: str


_TABS: dict[str, CommunityTab] = {}


def register_tab(tab: CommunityTab) -> None:
    """Add (or replace, by key) a tab; safe to call again when an app reloads."""
    _TABS[tab.key] = tab


def tabs_for(context: TabContext) -> list[ShownTab]:
    """The tabs this person sees. Content tabs need read access to the community."""
    shown = []
    for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key)):
        visible = tab.shown(context) if tab.shown is not None else context.can_read
        if visible:
            shown.append(ShownTab(key=tab.key, label=tab.label, url=tab.url(context.community)))
    return shown


def _always(context: TabContext) -> bool:
    return True


register_tab(CommunityTab(key="threads", label="Threads", path="", order=10, shown=_always))
register_tab(CommunityTab(key="members", label="Members", path="members/", order=20))
register_tab(CommunityTab(key="search", label="Search", path="search/", order=30))
register_tab(CommunityTab(key="circles", label="Circles", path="circles/", order=35))
