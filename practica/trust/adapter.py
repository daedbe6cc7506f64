"""From the database to ``Figures``: the one place that reads participation for trust.

Sources:

- the ledger: replies given and received (``replied``, ``answered``,
  ``commented``), answers accepted and acknowledgements received; it only
  holds interactions between two different people, so replying to yourself
  earns nothing;
- threads, replies and ledger events as actor, for the days a person was active;
- memberships, for how long someone has been in the community;
- flags upheld against a person's content in the last ``FLAG_MEMORY_DAYS`` days.

Every query is grouped by person and restricted to one chunk of people, so a
community of a hundred thousand imported members is read in a few hundred
queries, each using the person indexes, and memory holds one chunk at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from django.db.models import Count, DateField, Min, Q
from django.db.models.functions import Cast

from practica.communities.models import Membership, MembershipStatus
from practica.core.queries import of_community
from practica.exchange.models import Reply, Thread
from practica.ledger.models import LedgerEvent, Verb
from practica.trust.models import Flag, FlagStatus
from practica.trust.rules import FLAG_MEMORY_DAYS, Figures

REPLY_VERBS = (Verb.REPLIED, Verb.ANSWERED, Verb.COMMENTED)
#: People per chunk: small enough for SQLite's limit on query parameters.
CHUNK = 500


def member_ids(community_id: int) -> Iterator[list[int]]:
    """The community's active members, in chunks of ``CHUNK`` ids (keyset pagination)."""
    last = 0
    while True:
        ids = list(
            Membership.objects.filter(
                community_id=community_id, status=MembershipStatus.ACTIVE, user_id__gt=last
            )
            .order_by("user_id")
            .values_list("user_id", flat=True)[:CHUNK]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _between(field: str, ids: Sequence[int]) -> dict[str, int]:
    """The chunk as an id range: cheaper to build than 500 values, and an index range scan.
    People in the range who are not in the chunk are read too, and ignored."""
    return {f"{field}__gte": min(ids), f"{field}__lte": max(ids)}


def _day(field: str) -> Cast:
    # The database's own date() (UTC, as stored): TruncDate would call back into Python
    # for every row on SQLite, four times slower on a large import.
    return Cast(field, DateField())


def _active_days(community_id: int, ids: Sequence[int]) -> dict[int, set[date]]:
    days: dict[int, set[date]] = defaultdict(set)
    sources = (
        of_community(Thread.objects.all(), community_id)
        .filter(**_between("author_id", ids))
        .values_list("author_id", _day("created_at")),
        of_community(Reply.objects.all(), community_id, field="thread__community_id")
        .filter(**_between("author_id", ids))
        .values_list("author_id", _day("created_at")),
        of_community(LedgerEvent.objects.all(), community_id)
        .filter(**_between("actor_id", ids))
        .values_list("actor_id", _day("occurred_at")),
    )
    for rows in sources:
        for person, day in rows.order_by().distinct():
            if person is not None and day is not None:
                days[person].add(day)
    return days


def _ledger_counts(community_id: int, ids: Sequence[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ledger = of_community(LedgerEvent.objects.all(), community_id)
    given = (
        ledger.filter(**_between("actor_id", ids), verb__in=REPLY_VERBS)
        .values_list("actor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for person, n in given:
        counts[person]["replies_given"] += n
    received = (
        ledger.filter(
            **_between("target_id", ids),
            verb__in=(*REPLY_VERBS, Verb.ACCEPTED, Verb.ACKNOWLEDGED),
        )
        .values_list("target_id", "verb")
        .annotate(n=Count("id"))
        .order_by()
    )
    names = {Verb.ACCEPTED: "accepted_answers", Verb.ACKNOWLEDGED: "acknowledgements_received"}
    for person, verb, n in received:
        counts[person][names.get(verb, "replies_received")] += n
    return counts


def _flags_upheld(community_id: int, ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Distinct threads and replies of each person whose flags a steward upheld, recently."""
    rows = (
        Flag.objects.filter(
            community_id=community_id,
            **_between("author_id", ids),
            status=FlagStatus.UPHELD,
            resolved_at__gte=now - timedelta(days=FLAG_MEMORY_DAYS),
        )
        .values_list("author_id")
        .annotate(
            replies=Count("reply", distinct=True),
            threads=Count("thread", distinct=True, filter=Q(reply__isnull=True)),
        )
        .order_by()
    )
    return {person: replies + threads for person, replies, threads in rows}


def _joined(community_id: int, ids: Sequence[int]) -> dict[int, datetime]:
    rows = (
        Membership.objects.filter(community_id=community_id, **_between("user_id", ids))
        .values_list("user_id")
        .annotate(first=Min("joined_at"))
        .order_by()
    )
    return dict(rows)


def figures_for(community_id: int, ids: Sequence[int], *, now: datetime) -> dict[int, Figures]:
    """The figures of each person in ``ids`` (at most ``CHUNK``) in one community."""
    days = _active_days(community_id, ids)
    counts = _ledger_counts(community_id, ids)
    flags = _flags_upheld(community_id, ids, now)
    joined = _joined(community_id, ids)
    out: dict[int, Figures] = {}
    for person in ids:
        active = days.get(person, set())
        # Imported people joined "when the import ran"; their first post says more.
        starts = [d for d in (joined.get(person),) if d is not None]
        if active:
            first = min(active)
            starts.append(datetime(first.year, first.month, first.day, tzinfo=now.tzinfo))
        since = min(starts) if starts else now
        tally = counts.get(person, {})
        out[person] = Figures(
            days_active=len(active),
            replies_given=tally.get("replies_given", 0),
            replies_received=tally.get("replies_received", 0),
            acknowledgements_received=tally.get("acknowledgements_received", 0),
            accepted_answers=tally.get("accepted_answers", 0),
            days_in_community=max(0, (now - since).days),
            flags_upheld=flags.get(person, 0),
        )
    return out


def posts_since(community_id: int, person_id: int, since: datetime) -> list[datetime]:
    """When this person started threads or replied in the community since ``since``."""
    threads = (
        of_community(Thread.objects.all(), community_id)
        .filter(author_id=person_id, created_at__gte=since)
        .values_list("created_at", flat=True)
    )
    replies = (
        of_community(Reply.objects.all(), community_id, field="thread__community_id")
        .filter(author_id=person_id, created_at__gte=since)
        .values_list("created_at", flat=True)
    )
    return sorted([*threads, *replies])
