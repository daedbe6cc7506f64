"""Reads of the compass: who may see it, how much of it, and the latest snapshot.

Whether a snapshot is still up to date is in ``practica.compass.watermark``."""

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
from practica.exchange.models import Thread


@dataclass(frozen=True)
class CompassAccess:
    """What one person may see of one community's compass."""

    community: Community
    settings: CompassSettings
    is_steward: bool
    person_level: bool
    #: Whose view this is: detail names only threads this person may read.
    viewer: AnyUser = None


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
        return CompassAccess(community, settings, is_steward=True, person_level=True, viewer=user)
    if not is_member(community=community, user=user):
        raise NotAllowed(f"the compass of {community.name} is for its members")
    if not settings.members_see_aggregate:
        raise NotAllowed(f"the stewards of {community.name} have not shared the compass")
    return CompassAccess(
        community,
        settings,
        is_steward=False,
        person_level=settings.members_see_people,
        viewer=user,
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
    if not access.person_level:
        return aggregate_only(result)
    return _readable_detail(with_detail(result), access.viewer)


def _thread_of(item: Any) -> int | None:
    found = item.get("thread") if isinstance(item, dict) else None
    return found if isinstance(found, int) else None


def _readable_detail(result: dict[str, Any], viewer: AnyUser) -> dict[str, Any]:
    """Leave out of the detail the threads the viewer may not read (the funnel decides).

    A stored compass is shared by every viewer; a steward outside a private circle
    must not learn the titles of its threads from the next steps. The steps' counts
    stay: they are aggregates, which the compass may report for every circle.
    """
    titles: dict[str, str] = result.get("names", {}).get("threads", {})
    mentioned = {int(pk) for pk in titles}
    for step in result.get("next_steps", []):
        mentioned |= {t for t in map(_thread_of, step.get("items", [])) if t is not None}
    if not mentioned:
        return result
    readable = set(
        Thread.objects.visible_to(viewer).filter(pk__in=mentioned).values_list("pk", flat=True)
    )
    if readable == mentioned:
        return result
    out = dict(result)
    out["names"] = {
        **result.get("names", {}),
        "threads": {pk: t for pk, t in titles.items() if int(pk) in readable},
    }
    out["next_steps"] = [
        {
            **step,
            "items": [
                i
                for i in step.get("items", [])
                if _thread_of(i) is None or _thread_of(i) in readable
            ],
        }
        if "items" in step
        else step
        for step in result.get("next_steps", [])
    ]
    return out
