"""``practica export``: one community as JSON Lines, byte-identical for identical data.

The format is documented in ``docs/export-format.md``. What goes out is decided
in one place, ``export_scope``: everything is derived from the threads the
funnel lets through (their replies, links between them, acknowledgements of
them, ledger events about them). Threads of private and confidential circles
never pass (``communities.circles.exportable_threads``); threads of open and
members' circles leave with their circle. Under the Chatham House rule an
export is outside the circle: its threads and replies leave without their
authors, and the acknowledgements and ledger events that would name the
people taking part stay behind.

Order is fixed (see ``natural``), keys are sorted, and nothing about the export
itself (its time, this database's ids of imported rows) is written, so two
exports of the same data are the same bytes.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.db.models import Q, QuerySet

from practica.accounts.models import User
from practica.communities.circles import EXPORTED_TIERS, exportable_threads
from practica.communities.models import Circle, Community, Membership
from practica.exchange.models import Acknowledgement, Reply, Tag, Thread, ThreadLink
from practica.importers.models import ExportOrigin
from practica.ledger.models import LedgerEvent

FORMAT = "practica-export"
VERSION = 1
CHUNK = 2000
PERSON_FIELDS = (
    "display_name", "bio", "interests", "offers", "learning", "sector", "discipline", "region",
    "role_in_practice", "location", "website", "is_system", "source", "source_id", "licence",
)  # fmt: skip
THREAD_FIELDS = (
    "kind", "title", "body", "context", "what_happened", "learned", "differently", "score",
    "view_count", "licence",
)  # fmt: skip
REPLY_FIELDS = ("kind", "body", "score", "licence")
COMMUNITY_FIELDS = (
    "name", "domain", "purpose", "aspiration", "visibility", "source", "source_id", "licence",
    "source_url",
)  # fmt: skip
_NUMBERED = re.compile(r"^(\D*)(\d+)$")

ThreadFunnel = Callable[[QuerySet[Thread]], QuerySet[Thread]]
Ref = tuple[str, str]


def every_thread(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """The admin's funnel: the whole community, except private and confidential circles.

    Open and members' circles are exported with their circle (and restored into
    it), so what they hold stays as guarded after a restore. Who is in a circle
    is not exported: open and members' circles follow the community's own
    membership.
    """
    return exportable_threads(threads)


@dataclass
class Scope:
    """What one export may contain, all derived from the funnelled threads."""

    community: Community
    threads: QuerySet[Thread]
    replies: QuerySet[Reply]
    links: QuerySet[ThreadLink]
    acknowledgements: QuerySet[Acknowledgement]
    memberships: QuerySet[Membership]
    events: QuerySet[LedgerEvent]
    tags: QuerySet[Tag]
    circles: QuerySet[Circle]
    #: Threads under the Chatham House rule: exported without naming anyone.
    unattributed: frozenset[int]


def export_scope(community: Community, *, funnel: ThreadFunnel = every_thread) -> Scope:
    # Whatever the funnel, closed circles stay behind.
    threads = exportable_threads(funnel(Thread.objects.filter(community=community)))
    thread_ids = threads.values("pk")
    chatham = threads.filter(circle__chatham_house=True).values("pk")
    named_ids = threads.exclude(circle__chatham_house=True).values("pk")
    circle_ids = threads.exclude(circle=None).values("circle_id")
    return Scope(
        community=community,
        threads=threads,
        replies=Reply.objects.filter(thread__in=thread_ids),
        links=ThreadLink.objects.filter(from_thread__in=thread_ids, to_thread__in=thread_ids),
        acknowledgements=Acknowledgement.objects.filter(thread__in=named_ids),
        memberships=Membership.objects.filter(community=community),
        events=LedgerEvent.objects.filter(community=community).filter(
            Q(thread_id__isnull=True) | Q(thread_id__in=named_ids)
        ),
        # A tag used only inside circles that stay behind would tell what they talk about.
        tags=Tag.objects.filter(community=community)
        .filter(Q(threads__isnull=True) | Q(threads__in=thread_ids))
        .distinct(),
        circles=Circle.objects.filter(
            Q(pk__in=circle_ids) | Q(community=community, tier__in=EXPORTED_TIERS)
        ),
        unattributed=frozenset(chatham.values_list("pk", flat=True)),
    )


def natural(source: str, source_id: str) -> tuple[str, str, int, str]:
    """Sort key: by source, then ids in numeric order where they are numbers (c9 < c10)."""
    match = _NUMBERED.match(source_id)
    if match:
        return (source, match.group(1), int(match.group(2)), source_id)
    return (source, source_id, -1, source_id)


def when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def origin_of(community: Community) -> str:
    origin = ExportOrigin.objects.filter(community=community).first()
    if origin is None:
        origin, _ = ExportOrigin.objects.get_or_create(
            community=community, defaults={"token": secrets.token_hex(8)}
        )
    return f"practica:{origin.token}"


def community_export(
    community: Community, out: IO[str], *, funnel: ThreadFunnel = every_thread
) -> dict[str, int]:
    """Write the export to ``out``; returns the number of lines of each type."""
    return _Exporter(export_scope(community, funnel=funnel), origin_of(community)).write(out)


def community_export_to_path(
    community: Community, path: Path, *, funnel: ThreadFunnel = every_thread
) -> dict[str, int]:
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        counts = community_export(community, out, funnel=funnel)
    tmp.replace(path)
    return counts


class _Exporter:
    def __init__(self, scope: Scope, origin: str) -> None:
        self.scope = scope
        self.origin = origin
        self.thread_refs: dict[int, Ref] = {}
        self.reply_refs: dict[int, Ref] = {}
        self.usernames: dict[int, str] = {}

    def ref(self, source: str, source_id: str, pk: int) -> Ref:
        return (source, source_id) if source else (self.origin, str(pk))

    def write(self, out: IO[str]) -> dict[str, int]:
        s = self.scope
        for pk, source, sid in s.threads.values_list("pk", "source", "source_id"):
            self.thread_refs[pk] = self.ref(source, sid, pk)
        for pk, source, sid in s.replies.values_list("pk", "source", "source_id"):
            self.reply_refs[pk] = self.ref(source, sid, pk)
        self._people_ids()
        sections: list[tuple[str, Iterable[dict[str, Any]]]] = [
            ("community", [self._community()]),
            ("person", self._people()),
            ("tag", self._tags()),
            ("circle", self._circles()),
            ("thread", self._threads()),
            ("reply", self._replies()),
            ("link", self._links()),
            ("acknowledgement", self._acknowledgements()),
            ("membership", self._memberships()),
            ("event", self._events()),
        ]
        counts = {
            "person": len(self.usernames),
            "tag": s.tags.count(),
            "circle": s.circles.count(),
            "thread": len(self.thread_refs),
            "reply": len(self.reply_refs),
            "link": s.links.count(),
            "acknowledgement": s.acknowledgements.count(),
            "membership": s.memberships.count(),
            "event": s.events.count(),
        }
        header = {"format": FORMAT, "version": VERSION, "community": s.community.slug}
        out.write(_line({**header, "counts": counts}))
        for kind, lines in sections:
            for item in lines:
                out.write(_line({"type": kind, **item}))
        return counts

    def _people_ids(self) -> None:
        s = self.scope
        ids: set[int] = set(s.memberships.values_list("user_id", flat=True))
        for qs, names in (
            (s.threads.exclude(pk__in=s.unattributed), ("author_id",)),
            (s.replies.exclude(thread_id__in=s.unattributed), ("author_id",)),
            (s.acknowledgements, ("person_id",)),
            (s.events, ("actor_id", "target_id")),
        ):
            for name in names:
                ids.update(qs.exclude(**{name: None}).values_list(name, flat=True).distinct())
        self.usernames = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))

    def _community(self) -> dict[str, Any]:
        c = self.scope.community
        return {
            "slug": c.slug,
            "created_at": when(c.created_at),
            **{name: getattr(c, name) for name in COMMUNITY_FIELDS},
        }

    def _people(self) -> Iterator[dict[str, Any]]:
        order = sorted(self.usernames, key=self.usernames.__getitem__)
        for part in _chunks(order):
            rows = {u.pk: u for u in User.objects.filter(pk__in=part)}
            for pk in part:
                u = rows[pk]
                yield {
                    "username": u.username,
                    "date_joined": when(u.date_joined),
                    **{name: getattr(u, name) for name in PERSON_FIELDS},
                }

    def _tags(self) -> Iterator[dict[str, Any]]:
        for name, description in self.scope.tags.order_by().values_list("name", "description"):
            yield {"name": name, "description": description}

    def _circles(self) -> Iterator[dict[str, Any]]:
        for c in self.scope.circles.order_by("slug"):
            yield {
                "slug": c.slug,
                "name": c.name,
                "description": c.description,
                "tier": c.tier,
                "chatham_house": c.chatham_house,
                "created_at": when(c.created_at),
            }

    def _author(self, thread_id: int, author_id: int | None) -> str | None:
        """Nobody is named under the Chatham House rule: an export is outside the circle."""
        return None if thread_id in self.scope.unattributed else self._person(author_id)

    def _ordered(self, refs: dict[int, Ref]) -> list[int]:
        return sorted(refs, key=lambda pk: natural(*refs[pk]))

    def _threads(self) -> Iterator[dict[str, Any]]:
        through = Thread.tags.through
        for part in _chunks(self._ordered(self.thread_refs)):
            rows = {t.pk: t for t in Thread.objects.filter(pk__in=part).select_related("circle")}
            tags: dict[int, list[str]] = {}
            for thread_id, name in through.objects.filter(thread_id__in=part).values_list(
                "thread_id", "tag__name"
            ):
                tags.setdefault(thread_id, []).append(name)
            for pk in part:
                t = rows[pk]
                yield {
                    "ref": list(self.thread_refs[pk]),
                    "author": self._author(pk, t.author_id),
                    "circle": t.circle.slug if t.circle is not None else None,
                    "tags": sorted(tags.get(pk, [])),
                    "accepted_reply": self._reply(t.accepted_reply_id),
                    "created_at": when(t.created_at),
                    "edited_at": when(t.edited_at),
                    "last_activity_at": when(t.last_activity_at),
                    **{name: getattr(t, name) for name in THREAD_FIELDS},
                }

    def _replies(self) -> Iterator[dict[str, Any]]:
        parents = dict(self.scope.replies.values_list("pk", "parent_id"))
        # Answers before comments, so that a restore meets every parent first.
        order = sorted(
            self.reply_refs,
            key=lambda pk: (parents[pk] is not None, natural(*self.reply_refs[pk])),
        )
        for part in _chunks(order):
            rows = {r.pk: r for r in Reply.objects.filter(pk__in=part)}
            for pk in part:
                r = rows[pk]
                yield {
                    "ref": list(self.reply_refs[pk]),
                    "thread": list(self.thread_refs[r.thread_id]),
                    "parent": self._reply(r.parent_id),
                    "author": self._author(r.thread_id, r.author_id),
                    "created_at": when(r.created_at),
                    "edited_at": when(r.edited_at),
                    **{name: getattr(r, name) for name in REPLY_FIELDS},
                }

    def _links(self) -> Iterator[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {
                "from": list(self.thread_refs[link.from_thread_id]),
                "to": list(self.thread_refs[link.to_thread_id]),
                "kind": link.kind,
                "source": link.source,
                "source_id": link.source_id,
                "licence": link.licence,
                "created_at": when(link.created_at),
            }
            for link in self.scope.links.order_by()
        ]
        items.sort(key=lambda i: (natural(*i["from"]), natural(*i["to"]), i["kind"]))
        yield from items

    def _acknowledgements(self) -> Iterator[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {
                "person": self.usernames[a.person_id],
                "thread": list(self.thread_refs[a.thread_id]),
                "reply": self._reply(a.reply_id),
                "created_at": when(a.created_at),
            }
            for a in self.scope.acknowledgements.order_by()
        ]
        items.sort(
            key=lambda i: (
                i["person"],
                natural(*i["thread"]),
                natural(*i["reply"]) if i["reply"] else (),
            )
        )
        yield from items

    def _memberships(self) -> Iterator[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {
                "person": self.usernames[m.user_id],
                "role": m.role,
                "status": m.status,
                "joined_at": when(m.joined_at),
            }
            for m in self.scope.memberships.order_by()
        ]
        yield from sorted(items, key=lambda i: i["person"])

    def event_key(self, key: str, pk: int) -> str:
        """Imported and restored keys carry their origin (``source|key``); native ones get ours."""
        return key if "|" in key else f"{self.origin}|{key or f'event:{pk}'}"

    def _events(self) -> Iterator[dict[str, Any]]:
        keys = {
            pk: self.event_key(key, pk) for pk, key in self.scope.events.values_list("pk", "key")
        }
        order = sorted(keys, key=keys.__getitem__)
        for part in _chunks(order):
            rows = {e.pk: e for e in LedgerEvent.objects.filter(pk__in=part)}
            for pk in part:
                e = rows[pk]
                objects = {"thread": self._thread, "reply": self._reply}.get(e.object_type)
                yield {
                    "key": keys[pk],
                    "actor": self._person(e.actor_id),
                    "target": self._person(e.target_id),
                    "verb": e.verb,
                    "object_type": e.object_type,
                    "object": objects(e.object_id) if objects else None,
                    "thread": self._thread(e.thread_id),
                    "occurred_at": when(e.occurred_at),
                }

    def _person(self, pk: int | None) -> str | None:
        return None if pk is None else self.usernames.get(pk)

    def _thread(self, pk: int | None) -> list[str] | None:
        ref = None if pk is None else self.thread_refs.get(pk)
        return None if ref is None else list(ref)

    def _reply(self, pk: int | None) -> list[str] | None:
        ref = None if pk is None else self.reply_refs.get(pk)
        return None if ref is None else list(ref)


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
