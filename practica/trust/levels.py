"""Computing and storing trust levels: for one person when they act, for everyone by command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.trust.adapter import figures_for, member_ids
from practica.trust.models import TrustLevel
from practica.trust.rules import Figures, level_for

#: A stored level older than this is recomputed the next time the person acts.
REFRESH = timedelta(hours=6)


def _rows(community: Community, figures: dict[int, Figures], now: datetime) -> list[TrustLevel]:
    return [
        TrustLevel(
            community_id=community.pk,
            person_id=person,
            level=int(level_for(f)),
            computed_at=now,
            figures=f.as_dict(),
        )
        for person, f in figures.items()
    ]


def _store(rows: list[TrustLevel]) -> None:
    # An upsert keeps a steward's override (and its note) untouched.
    TrustLevel.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["community", "person"],
        update_fields=["level", "computed_at", "figures"],
    )


def trust_level_get(
    *, person: User, community: Community, now: datetime | None = None
) -> TrustLevel:
    """This person's stored level, recomputed first when missing or older than ``REFRESH``.

    Called when a person acts: a handful of indexed queries at most every few hours.
    """
    now = now or timezone.now()
    row = TrustLevel.objects.filter(person=person, community=community).first()
    if row is not None and now - row.computed_at < REFRESH:
        return row
    figures = figures_for(community.pk, [person.pk], now=now)
    _store(_rows(community, figures, now))
    return TrustLevel.objects.get(person=person, community=community)


@dataclass(frozen=True)
class RecomputeReport:
    community: str
    people: int
    by_level: dict[str, int]
    seconds: float


def trust_recompute(
    *,
    community: Community,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> RecomputeReport:
    """Recompute every active member's level, a chunk of people per transaction."""
    started = timezone.now()
    now = now or started
    people = 0
    by_level: dict[str, int] = {}
    for ids in member_ids(community.pk):
        figures = figures_for(community.pk, ids, now=now)
        rows = _rows(community, figures, now)
        with transaction.atomic():
            _store(rows)
        people += len(rows)
        for row in rows:
            label = row.effective.label
            by_level[label] = by_level.get(label, 0) + 1
        if progress is not None:
            progress(people)
    seconds = (timezone.now() - started).total_seconds()
    return RecomputeReport(
        community=community.slug, people=people, by_level=by_level, seconds=seconds
    )
