"""Reads about communities and their members."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from practica.accounts.models import User
from practica.communities.models import Community, Membership, MembershipStatus, Role
from practica.core.errors import NotFound

AnyUser = User | AnonymousUser | None


def community_list(*, user: AnyUser) -> QuerySet[Community]:
    return (
        Community.objects.visible_to(user)
        .annotate(
            # People waiting for a steward are not members yet.
            member_count=Count(
                "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE), distinct=True
            )
        )
        .order_by("name", "pk")
    )  # Django drops Meta.ordering from aggregated queries


def community_get(*, slug: str, user: AnyUser) -> Community:
    """A community a person may see, or NotFound."""
    community = Community.objects.visible_to(user).filter(slug=slug).first()
    if community is None:
        raise NotFound(f"no community {slug!r}", field="slug")
    return community


def community_get_readable(*, slug: str, user: AnyUser) -> Community:
    """A community whose content the person may read, or NotFound (missing and hidden alike)."""
    community = Community.objects.readable_by(user).filter(slug=slug).first()
    if community is None:
        raise NotFound(f"no community {slug!r}", field="slug")
    return community


def can_read(*, community: Community, user: AnyUser) -> bool:
    return Community.objects.readable_by(user).filter(pk=community.pk).exists()


def membership_of(*, community: Community, user: AnyUser) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(community=community, user=user).first()


def is_member(*, community: Community, user: AnyUser) -> bool:
    membership = membership_of(community=community, user=user)
    return membership is not None and membership.status == MembershipStatus.ACTIVE


def is_steward(*, community: Community, user: AnyUser) -> bool:
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    membership = membership_of(community=community, user=user)
    return (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.role == Role.STEWARD
    )


def member_list(*, community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("-role", "user__display_name", "user__username")
    )


def pending_members(*, community: Community) -> QuerySet[Membership]:
    return Membership.objects.filter(
        community=community, status=MembershipStatus.PENDING
    ).select_related("user")
