"""Reads behind the community pages: the selectors, composed for one viewer.

Each function answers what one page needs in a fixed, small number of
queries. Content always goes through ``readable_by`` / ``visible_to``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from practica.communities.models import Community, Membership, MembershipStatus, Role
from practica.communities.selectors import (
    AnyUser,
    can_read,
    community_get,
    community_get_readable,
    membership_of,
)
from practica.core.errors import NotFound


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a community, and what that lets them do."""

    community: Community
    membership: Membership | None
    can_read: bool
    is_superuser: bool = False

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.PENDING

    @property
    def is_steward(self) -> bool:
        if self.is_superuser:
            return True
        return (
            self.is_member and self.membership is not None and self.membership.role == Role.STEWARD
        )

    def context(self) -> dict[str, object]:
        """Template context every community page shares (the header and tabs read it)."""
        return {
            "community": self.community,
            "membership": self.membership,
            "can_read": self.can_read,
            "viewer": self,
        }


def _viewer(community: Community, user: AnyUser, *, readable: bool | None = None) -> Viewer:
    return Viewer(
        community=community,
        membership=membership_of(community=community, user=user),
        can_read=can_read(community=community, user=user) if readable is None else readable,
        is_superuser=bool(user is not None and user.is_authenticated and user.is_superuser),
    )


def viewer_of_card(*, slug: str, user: AnyUser) -> Viewer:
    """For pages that show a community's card to anyone (its home, joining)."""
    return _viewer(community_get(slug=slug, user=user), user)


def viewer_of_content(*, slug: str, user: AnyUser) -> Viewer:
    """For pages that show what is said inside: NotFound unless the person may read it."""
    return _viewer(community_get_readable(slug=slug, user=user), user, readable=True)


def communities_for_home(*, user: AnyUser) -> QuerySet[Community]:
    # Cards only (``visible_to``); people waiting for a steward are not counted yet.
    active = Q(memberships__status=MembershipStatus.ACTIVE)
    return (
        Community.objects.visible_to(user)
        .annotate(member_count=Count("memberships", filter=active, distinct=True))
        .order_by("name")
    )


def memberships_by_community(*, user: AnyUser) -> dict[int, Membership]:
    """The viewer's memberships, to mark their communities in a list."""
    if user is None or not user.is_authenticated:
        return {}
    return {m.community_id: m for m in Membership.objects.filter(user=user)}


def membership_get(*, community: Community, username: str) -> Membership:
    """A membership (active or pending) in this community, by the member's username."""
    membership = (
        Membership.objects.filter(community=community, user__username=username)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFound(f"{username} has no membership in {community.name}", field="user")
    return membership
