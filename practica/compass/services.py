"""Writes of the compass: computing and storing snapshots, and the stewards' settings.

A refresh reads the clock and the watermark first, loads the community's activity
(only what was appended since the last run, when nothing else changed: see
``rows``), computes everything in memory, and only then writes, in one
transaction: the months that changed, the rows read, the new watermark and the
snapshot. A failure anywhere before the commit leaves the previous snapshot,
months and rows exactly as they were.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.communities.selectors import is_steward
from practica.compass.adapter import Loaded, activity_read
from practica.compass.analysis.activity import Window, to_seconds
from practica.compass.analysis.compute import Options, run
from practica.compass.analysis.rules import ARCHETYPE_LABELS, ASPIRATION_ARCHETYPE
from practica.compass.analysis.rules import fingerprint as rules_fingerprint
from practica.compass.clock import clock_read
from practica.compass.models import CompassMonth, CompassSettings, CompassSnapshot, CompassState
from practica.compass.rows import rows_load, rows_store
from practica.compass.selectors import settings_for, snapshot_for
from practica.compass.watermark import Watermark, signals_load, watermark_of, watermark_read
from practica.core.errors import InvalidInput, NotAllowed
from practica.exchange.models import Thread

#: Snapshots kept per community and window; older ones are removed when a new one is stored.
SNAPSHOTS_KEPT = 5
#: The shape of a stored compass; a snapshot of another shape is computed again.
FORMAT = 1


@dataclass(frozen=True)
class Refresh:
    snapshot: CompassSnapshot
    #: False when the stored snapshot was already up to date and nothing was computed.
    computed: bool
    seconds: float
    reused_months: int = 0


def compass_settings_update(
    *,
    community: Community,
    actor: User,
    members_see_aggregate: bool,
    members_see_people: bool,
    unanswered_days: int,
) -> CompassSettings:
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can change what the compass shares")
    if not 1 <= unanswered_days <= 365:
        raise InvalidInput("unanswered days must be between 1 and 365", field="unanswered_days")
    if members_see_people and not members_see_aggregate:
        raise InvalidInput(
            "share the aggregate compass with members before sharing person-level detail",
            field="members_see_people",
        )
    settings = settings_for(community)
    settings.members_see_aggregate = members_see_aggregate
    settings.members_see_people = members_see_people
    settings.unanswered_days = unanswered_days
    settings.updated_at = timezone.now()
    settings.save(
        update_fields=[
            "members_see_aggregate",
            "members_see_people",
            "unanswered_days",
            "updated_at",
        ]
    )
    return settings


def _check_window(since: datetime | None, until: datetime | None) -> None:
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and timezone.is_naive(moment):
            raise InvalidInput(f"{name} must carry a time zone", field=name)
    if since is not None and until is not None and since >= until:
        raise InvalidInput("since must be before until", field="since")


def compass_refresh(
    *,
    community: Community,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: User | None = None,
    force: bool = False,
    seed: int = 0,
) -> Refresh:
    """Bring the community's compass for this window up to date, and store it.

    ``actor`` is the person asking (a steward); commands run by the operator pass
    ``None``. Without ``force``, a snapshot whose watermark and options match
    the present is returned as it is.
    """
    if actor is not None and not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can recompute the compass")
    _check_window(since, until)
    started = time.perf_counter()
    # The clock first: a change made while this run reads is then seen by the next one.
    token = clock_read(community.pk)
    # The other apps' signals are read once: for the watermark, and to compute with.
    extra = signals_load(community.pk)
    mark = watermark_read(community=community, signals=extra, clock=token)
    options = Options(seed=seed, unanswered_days=settings_for(community).unanswered_days)
    latest = snapshot_for(community=community, since=since, until=until)
    if (
        not force
        and latest is not None
        and watermark_of(latest).same_as(mark)
        and latest.result.get("options") == asdict(options)
        and latest.result.get("fingerprint") == _fingerprint()
    ):
        return Refresh(latest, computed=False, seconds=time.perf_counter() - started)
    watermark_seconds = time.perf_counter() - started
    state = CompassState.objects.filter(community=community).first()
    stored = {m.month: m.row for m in CompassMonth.objects.filter(community=community)}
    same_rules = state is not None and state.fingerprint == _fingerprint()
    reading = time.perf_counter()
    # Only rows appended since the last run are read, when nothing else changed (``rows``).
    kept = None if force else rows_load(community, state)
    loaded = activity_read(community.pk, kept=kept, clock=token)
    read_seconds = time.perf_counter() - reading
    mark = replace(
        mark,
        thread_count=int(loaded.activity.thread_ids.shape[0]),
        reply_count=int(loaded.activity.reply_ids.shape[0]),
    )
    # Stored months are reused only when the rows were: months before the earliest time
    # anything new can change stay as they were.
    earliest = loaded.earliest_change if same_rules and loaded.based_on is not None else None
    outcome = run(
        loaded.activity,
        Window(to_seconds(since), to_seconds(until)),
        options=options,
        extra=extra,
        stored_months=stored,
        earliest_change=earliest,
    )
    finishing = time.perf_counter()
    result = _finish(community, outcome.result, options, mark)
    seconds = time.perf_counter() - started
    result["duration_seconds"] = round(seconds, 3)
    timings = {
        "watermark": watermark_seconds,
        "read_activity": read_seconds,
        **outcome.timings,
        "names": time.perf_counter() - finishing,
    }
    result["timings"] = {k: round(v, 4) for k, v in timings.items()}
    snapshot = _store(community, since, until, seed, mark, result, outcome.months, stored, loaded)
    seconds = time.perf_counter() - started
    snapshot.duration_seconds = seconds
    CompassSnapshot.objects.filter(pk=snapshot.pk).update(duration_seconds=seconds)
    return Refresh(snapshot, True, seconds, outcome.reused_months)


def _fingerprint() -> str:
    return f"{FORMAT}-{rules_fingerprint()}"


def _finish(
    community: Community, result: dict[str, Any], options: Options, mark: Watermark
) -> dict[str, Any]:
    """Add who and what the compass is about, and the names its detail refers to."""
    people, threads = _referenced(result)
    archetype = ASPIRATION_ARCHETYPE.get(community.aspiration)
    chosen = result["archetypes"].get(archetype or "", {})
    return {
        "community": community.slug,
        "community_name": community.name,
        "computed_at": timezone.now().isoformat(),
        **result,
        "aspiration": {
            "chosen": community.aspiration,
            "archetype": archetype,
            "label": ARCHETYPE_LABELS.get(archetype or "", ""),
            "score": chosen.get("score"),
            "level": chosen.get("level"),
        },
        "options": asdict(options),
        "format": FORMAT,
        "fingerprint": _fingerprint(),
        "watermark": mark.as_json(),
        "names": {"people": _people_names(people), "threads": _thread_titles(threads)},
    }


def _referenced(result: dict[str, Any]) -> tuple[set[int], set[int]]:
    people: set[int] = set()
    threads: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in {"person", "helper", "helped"} and isinstance(item, int):
                    people.add(item)
                elif key == "people" and isinstance(item, list):
                    people.update(i for i in item if isinstance(i, int))
                elif key == "thread" and isinstance(item, int):
                    threads.add(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(result.get("detail"))
    walk(result.get("next_steps"))
    walk(result.get("roster"))
    people.update(node[0] for node in result.get("map", {}).get("nodes", []))
    return people, threads


def _people_names(ids: set[int]) -> dict[str, dict[str, str]]:
    """Name and username (for links to profiles) of each person the detail refers to."""
    names: dict[str, dict[str, str]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5_000):
        for user in User.objects.filter(pk__in=ordered[start : start + 5_000]).only(
            "pk", "display_name", "first_name", "last_name", "username"
        ):
            names[str(user.pk)] = {"name": user.name, "username": user.username}
    return names


def _thread_titles(ids: set[int]) -> dict[str, str]:
    return {
        str(pk): title
        for pk, title in Thread.objects.filter(pk__in=sorted(ids)).values_list("pk", "title")
    }


@transaction.atomic
def _store(
    community: Community,
    since: datetime | None,
    until: datetime | None,
    seed: int,
    mark: Watermark,
    result: dict[str, Any],
    months: list[dict[str, Any]],
    stored: dict[str, dict[str, Any]],
    loaded: Loaded,
) -> CompassSnapshot:
    fresh = {row["month"]: row for row in months}
    changed = [m for m, row in fresh.items() if stored.get(m) != row]
    gone = [m for m in stored if m not in fresh]
    now = timezone.now()
    CompassMonth.objects.filter(community=community, month__in=[*changed, *gone]).delete()
    CompassMonth.objects.bulk_create(
        [
            CompassMonth(community=community, month=m, row=fresh[m], computed_at=now)
            for m in changed
        ],
        batch_size=1000,
    )
    reach = rows_store(
        community, based_on=loaded.based_on, new=loaded.new, every=loaded.rows, reach=loaded.reach
    )
    CompassState.objects.update_or_create(
        community=community,
        defaults={**asdict(mark), **reach, "fingerprint": _fingerprint(), "updated_at": now},
    )
    snapshot = CompassSnapshot.objects.create(
        community=community,
        since=since,
        until=until,
        computed_at=now,
        seed=seed,
        stage=result["stage"]["name"],
        result=result,
        **asdict(mark),
    )
    old = CompassSnapshot.objects.filter(community=community, since=since, until=until).order_by(
        "-computed_at", "-id"
    )[SNAPSHOTS_KEPT:]
    CompassSnapshot.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return snapshot
