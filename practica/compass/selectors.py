"""Reads of the compass: who may see it, how much of it, and the latest snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from practica.communities.models import Community
from practica.communities.selectors import (
    AnyUser,
    community_get_readable,
    is_member,
    is_steward,
)
from practica.compass.models import CompassSettings, CompassSnapshot
from practica.compass.visibility import aggregate_only, with_detail
from practica.core.errors import NotAllowed


@dataclass(frozen=True)
class CompassAccess:
    """What one person may see of one community's compass."""

    community: Community
    settings: CompassSettings
    is_steward: bool
    person_level: bool


def settings_for(community: Community) -> CompassSettings:
    settings, _ = CompassSettings.objects.get_or_create(community=community)
    return settings


def compass_access(*, slug: str, user: AnyUser) -> CompassAccess:
    """The one permission funnel for the compass (page, API, downloads).

    People who may not read the community get NotFound, as for its threads;
    readers who are not stewards get the compass only when the stewards share
    it with members, and person-level detail only when they allow that too.
    """
    community = community_get_readable(slug=slug, user=user)
    settings = settings_for(community)
    if is_steward(community=community, user=user):
        return CompassAccess(community, settings, is_steward=True, person_level=True)
    if not is_member(community=community, user=user):
        raise NotAllowed(f"the compass of {community.name} is for its members")
    if not settings.members_see_aggregate:
        raise NotAllowed(f"the stewards of {community.name} have not shared the compass")
    return CompassAccess(
        community, settings, is_steward=False, person_level=settings.members_see_people
    )


def snapshot_for(
    *, community: Community, since: datetime | None = None, until: datetime | None = None
) -> CompassSnapshot | None:
    """The latest stored compass of this community for exactly this window."""
    return (
        CompassSnapshot.objects.filter(community=community, since=since, until=until)
        .order_by("-computed_at", "-id")
        .first()
    )


def compass_as_seen(*, access: CompassAccess, snapshot: CompassSnapshot) -> dict[str, Any]:
    """The snapshot's compass as this person may see it."""
    result = snapshot.result
    return with_detail(result) if access.person_level else aggregate_only(result)
