"""``practica import practica PATH [--community SLUG]``: restore an export.

Two passes over the file. The first checks every line (JSON, a known type,
the fields it needs with the right types, references to people, threads and
replies the file defines) and writes nothing, so a damaged file leaves the
database as it was. The second writes through the same ``Writer`` as every
importer, in batches, so a restore can be run again (nothing changes) or
after being killed (it completes).

People are matched by username, or by provenance when imported; threads and
replies by their ``ref`` stored as provenance (see ``export.py``); the rest
by natural keys. The community is the one the export names, or ``--community``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from practica.communities.circles import EXPORTED_TIERS
from practica.communities.models import (
    CLOSED_TIERS,
    Aspiration,
    Circle,
    CircleTier,
    Community,
    MembershipStatus,
    Role,
    Visibility,
)
from practica.communities.services import SLUG_RE
from practica.exchange.models import LinkKind, ReplyKind, Thread, ThreadKind
from practica.importers.errors import ArchiveError
from practica.importers.export import COMMUNITY_FIELDS, FORMAT, PERSON_FIELDS, VERSION
from practica.importers.formats import Outcome
from practica.importers.loader import DEFAULT_BATCH
from practica.importers.records import ImportStats
from practica.importers.services import check_slug
from practica.importers.writer import (
    AckRow,
    EventRow,
    LinkRow,
    MembershipRow,
    PersonRow,
    ReplyRow,
    ThreadRow,
    Writer,
)

ORDER = (
    "community", "person", "tag", "circle", "thread", "reply", "link", "acknowledgement",
    "membership", "event",
)  # fmt: skip
TEXT, NUMBER, FLAG, TIME, REF, NAME = "text", "number", "flag", "time", "ref", "name"
CIRCLE = "circle"
#: Fields later versions of the format added; files written before them leave them out.
OPTIONAL = frozenset({("thread", "circle")})
SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    # field: (kind, may be null)
    "community": {
        "slug": (TEXT, False), "created_at": (TIME, False),
        **{f: (TEXT, False) for f in COMMUNITY_FIELDS},
    },
    "person": {
        "username": (TEXT, False), "date_joined": (TIME, False),
        **{f: (TEXT, False) for f in PERSON_FIELDS if f != "is_system"}, "is_system": (FLAG, False),
    },
    "tag": {"name": (TEXT, False), "description": (TEXT, False)},
    "circle": {
        "slug": (TEXT, False), "name": (TEXT, False), "description": (TEXT, False),
        "tier": (TEXT, False), "chatham_house": (FLAG, False), "created_at": (TIME, False),
    },
    "thread": {
        "ref": (REF, False), "author": (NAME, True), "circle": (CIRCLE, True),
        "tags": ("tags", False),
        "accepted_reply": (REF, True), "created_at": (TIME, False), "edited_at": (TIME, True),
        "last_activity_at": (TIME, False), "kind": (TEXT, False), "title": (TEXT, False),
        "body": (TEXT, False), "context": (TEXT, False), "what_happened": (TEXT, False),
        "learned": (TEXT, False), "differently": (TEXT, False), "score": (NUMBER, False),
        "view_count": (NUMBER, False), "licence": (TEXT, False),
    },
    "reply": {
        "ref": (REF, False), "thread": (REF, False), "parent": (REF, True), "author": (NAME, True),
        "created_at": (TIME, False), "edited_at": (TIME, True), "kind": (TEXT, False),
        "body": (TEXT, False), "score": (NUMBER, False), "licence": (TEXT, False),
    },
    "link": {
        "from": (REF, False), "to": (REF, False), "kind": (TEXT, False), "source": (TEXT, False),
        "source_id": (TEXT, False), "licence": (TEXT, False), "created_at": (TIME, False),
    },
    "acknowledgement": {
        "person": (NAME, False), "thread": (REF, False), "reply": (REF, True),
        "created_at": (TIME, False),
    },
    "membership": {
        "person": (NAME, False), "role": (TEXT, False), "status": (TEXT, False),
        "joined_at": (TIME, False),
    },
    "event": {
        "key": (TEXT, False), "actor": (NAME, True), "target": (NAME, True), "verb": (TEXT, False),
        "object_type": (TEXT, False), "object": (REF, True), "thread": (REF, True),
        "occurred_at": (TIME, False),
    },
}  # fmt: skip


CHOICES: dict[tuple[str, str], list[str]] = {
    ("community", "aspiration"): list(Aspiration.values),
    ("community", "visibility"): list(Visibility.values),
    # Private and confidential circles never leave a database, so no file may bring one.
    ("circle", "tier"): sorted(EXPORTED_TIERS),
    ("thread", "kind"): list(ThreadKind.values),
    ("reply", "kind"): list(ReplyKind.values),
    ("link", "kind"): list(LinkKind.values),
    ("membership", "role"): list(Role.values),
    ("membership", "status"): list(MembershipStatus.values),
}
#: From the most open tier to the most closed.
TIER_RANK = {tier: rank for rank, tier in enumerate(CircleTier.values)}
#: Which kind of line a reference must name, and that it must come before.
REFERS: dict[tuple[str, str], str] = {
    ("reply", "thread"): "thread",
    ("reply", "parent"): "reply",
    ("link", "from"): "thread",
    ("link", "to"): "thread",
    ("acknowledgement", "thread"): "thread",
    ("acknowledgement", "reply"): "reply",
    ("event", "thread"): "thread",
}


def add_arguments(parser: Any) -> None:
    """Nothing beyond --community: the export names its community."""


def run_import(
    path: Path,
    options: Mapping[str, Any],
    progress: Callable[[int, int | None], None] | None,
) -> Outcome:
    name = Path(path).name
    if not Path(path).is_file():
        raise ArchiveError(name, "no such file (a Practica export is one .jsonl file)")
    card, total = _validate(Path(path), name)
    slug = options.get("community") or card["slug"]
    check_slug(slug)
    community = _community(slug, card)
    writer = Writer(community)
    batch: list[dict[str, Any]] = []
    kind = ""
    done = 0
    batch_size = int(options.get("batch_size") or DEFAULT_BATCH)
    for _, item in _lines(Path(path), name):
        if item.get("type") in (None, "community"):
            continue
        if batch and (item["type"] != kind or len(batch) >= batch_size):
            _flush(writer, kind, batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)
            batch = []
        kind = item["type"]
        batch.append(item)
    _flush(writer, kind, batch)
    with transaction.atomic():
        writer.finish_accepted()
    if progress is not None:
        progress(total, total)
    created, updated, unchanged = writer.counts()
    return Outcome(
        community=community,
        stats=ImportStats(
            created=created,
            updated=updated,
            unchanged=unchanged,
            rows=total,
            skipped=dict(writer.skipped),
        ),
    )


def _lines(path: Path, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    item = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ArchiveError(name, f"not JSON ({exc.msg})", line=number) from None
                if not isinstance(item, dict):
                    raise ArchiveError(name, "each line must be a JSON object", line=number)
                yield number, item
    except UnicodeDecodeError as exc:
        raise ArchiveError(name, f"not UTF-8 text (byte {exc.start})") from None


def _validate(path: Path, name: str) -> tuple[dict[str, Any], int]:
    """Check the whole file before anything is written; returns the community card."""
    seen: dict[str, set[Any]] = {"person": set(), "thread": set(), "reply": set(), "circle": set()}
    card: dict[str, Any] | None = None
    rank = 0
    count = 0
    accepted: list[tuple[int, tuple[str, ...]]] = []
    for number, item in _lines(path, name):
        if number == 1:
            if item.get("format") != FORMAT:
                raise ArchiveError(name, f"not a Practica export (no {FORMAT!r} header)", line=1)
            if item.get("version") != VERSION:
                raise ArchiveError(
                    name, f"export version {item.get('version')!r}; this Practica reads {VERSION}",
                    line=1,
                )  # fmt: skip
            continue
        kind = item.get("type")
        if kind not in SCHEMA:
            raise ArchiveError(name, f"unknown line type {kind!r}", line=number)
        if ORDER.index(kind) < rank:
            raise ArchiveError(name, f"a {kind} line after the {ORDER[rank]} lines", line=number)
        rank = ORDER.index(kind)
        for field, (shape, nullable) in SCHEMA[kind].items():
            value = item.get(field, ...)
            if value is ... and (kind, field) in OPTIONAL:
                continue
            problem = _check(value, shape, nullable, seen)
            allowed = CHOICES.get((kind, field))
            if not problem and allowed and value not in allowed:
                problem = f"{value!r} is not one of {', '.join(allowed)}"
            if not problem and (kind, field) == ("circle", "slug") and not SLUG_RE.match(value):
                problem = f"{value!r} is not a slug (lower-case letters, digits, hyphens)"
            target = REFERS.get((kind, field))
            if not problem and target and value is not None and tuple(value) not in seen[target]:
                problem = f"names a {target} the file does not define before it"
            if problem:
                raise ArchiveError(name, f"{kind} {field}: {problem}", line=number)
        if kind == "thread" and item["accepted_reply"] is not None:
            accepted.append((number, tuple(item["accepted_reply"])))
        if kind == "community":
            card = item
        elif kind == "person":
            seen["person"].add(item["username"])
        elif kind in ("thread", "reply"):
            seen[kind].add(tuple(item["ref"]))
        elif kind == "circle":
            seen["circle"].add(item["slug"])
        count += 1
    if card is None:
        raise ArchiveError(name, "no community line: the file is empty or cut short")
    # Accepted replies are named before the replies come: check them at the end.
    for number, ref in accepted:
        if ref not in seen["reply"]:
            raise ArchiveError(
                name, "thread accepted_reply: no such reply in the file", line=number
            )
    return card, count


def _check(value: Any, shape: str, nullable: bool, seen: dict[str, set[Any]]) -> str | None:
    if value is ...:
        return "missing"
    if value is None:
        return None if nullable else "must not be null"
    if shape == TEXT and not isinstance(value, str):
        return "must be text"
    if shape == NUMBER and (not isinstance(value, int) or isinstance(value, bool)):
        return "must be a whole number"
    if shape == FLAG and not isinstance(value, bool):
        return "must be true or false"
    if shape == "tags" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return "must be a list of names"
    if shape == TIME:
        if not isinstance(value, str):
            return "must be a date"
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return f"not a date: {value[:40]!r}"
        if parsed.tzinfo is None:
            return "a date needs its time zone"
    if shape == REF and not (
        isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
    ):
        return "must be a [source, id] pair"
    if shape == NAME:
        if not isinstance(value, str):
            return "must be a username"
        if value not in seen["person"]:
            return f"names {value!r}, who has no person line"
    if shape == CIRCLE and (not isinstance(value, str) or value not in seen["circle"]):
        return f"names {value!r}, which has no circle line before it"
    return None


def _community(slug: str, card: dict[str, Any]) -> Community:
    values = {name: card[name] for name in COMMUNITY_FIELDS}
    values["created_at"] = datetime.fromisoformat(card["created_at"])
    community, created = Community.objects.get_or_create(slug=slug, defaults=values)
    if not created:
        changed = [k for k, v in values.items() if getattr(community, k) != v]
        for k in changed:
            setattr(community, k, values[k])
        if changed:
            community.save(update_fields=changed)
    return community


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _ref(value: list[str] | None) -> str | None:
    return None if value is None else f"{value[0]}\x1f{value[1]}"


def _flush(writer: Writer, kind: str, items: list[dict[str, Any]]) -> None:
    if not items:
        return
    with transaction.atomic():
        if kind == "person":
            writer.write_people([_person(i) for i in items])
        elif kind == "tag":
            writer.write_tags([(i["name"], i["description"]) for i in items])
        elif kind == "circle":
            _write_circles(writer.community, items)
        elif kind == "thread":
            rows = [_thread(i) for i in items]
            writer.write_threads(rows)
            _place_in_circles(writer, rows, items)
        elif kind == "reply":
            writer.write_replies([_reply(i) for i in items])
        elif kind == "link":
            writer.write_links([_link(i) for i in items])
        elif kind == "acknowledgement":
            writer.write_acknowledgements([_ack(i) for i in items])
        elif kind == "membership":
            writer.write_memberships([_membership(i) for i in items])
        elif kind == "event":
            writer.write_events([_event(i) for i in items])


def _write_circles(community: Community, items: list[dict[str, Any]]) -> None:
    """Circles by slug. A restore never loosens a circle that is already here: a stricter
    tier, or the Chatham House rule, stays."""
    for i in items:
        circle, created = Circle.objects.get_or_create(
            community=community,
            slug=i["slug"],
            defaults={
                "name": i["name"],
                "description": i["description"],
                "tier": i["tier"],
                "chatham_house": i["chatham_house"],
                "created_at": datetime.fromisoformat(i["created_at"]),
            },
        )
        if created:
            continue
        changed: list[str] = []
        if TIER_RANK[circle.tier] < TIER_RANK[i["tier"]]:
            circle.tier, changed = i["tier"], [*changed, "tier"]
        if i["chatham_house"] and not circle.chatham_house:
            circle.chatham_house, changed = True, [*changed, "chatham_house"]
        if changed:
            circle.save(update_fields=changed)


def _place_in_circles(writer: Writer, rows: list[ThreadRow], items: list[dict[str, Any]]) -> None:
    """Put restored threads into their circles. A thread is never taken out of a circle, nor
    moved out of a private or confidential one, by a restore."""
    wanted: dict[str, str] = {
        r.ref: i["circle"] for r, i in zip(rows, items, strict=True) if i.get("circle")
    }
    if not wanted:
        return
    circles = dict(
        Circle.objects.filter(
            community=writer.community, slug__in=set(wanted.values())
        ).values_list("slug", "pk")
    )
    movable = ~Q(circle__tier__in=CLOSED_TIERS) | Q(circle__isnull=True)
    for ref, slug in wanted.items():
        Thread.objects.filter(movable, pk=writer.threads[ref]).exclude(
            circle_id=circles[slug]
        ).update(circle_id=circles[slug])


def _person(i: dict[str, Any]) -> PersonRow:
    fields = {name: i[name] for name in PERSON_FIELDS if name not in ("source", "source_id")}
    return PersonRow(
        ref=i["username"],
        username=i["username"],
        source=i["source"],
        source_id=i["source_id"],
        fields=fields,
        joined_at=datetime.fromisoformat(i["date_joined"]),
    )


def _thread(i: dict[str, Any]) -> ThreadRow:
    names = ("kind", "title", "body", "context", "what_happened", "learned", "differently",
             "score", "view_count", "licence")  # fmt: skip
    fields = {name: i[name] for name in names}
    for name in ("created_at", "edited_at", "last_activity_at"):
        fields[name] = _time(i[name])
    return ThreadRow(
        ref=_ref(i["ref"]) or "",
        source=i["ref"][0],
        source_id=i["ref"][1],
        author_ref=i["author"],
        fields=fields,
        tags=tuple(i["tags"]),
        accepted_ref=_ref(i["accepted_reply"]),
        derive_activity=False,
    )


def _reply(i: dict[str, Any]) -> ReplyRow:
    fields = {name: i[name] for name in ("kind", "body", "score", "licence")}
    fields["created_at"] = _time(i["created_at"])
    fields["edited_at"] = _time(i["edited_at"])
    return ReplyRow(
        ref=_ref(i["ref"]) or "",
        source=i["ref"][0],
        source_id=i["ref"][1],
        thread_ref=_ref(i["thread"]) or "",
        parent_ref=_ref(i["parent"]),
        author_ref=i["author"],
        fields=fields,
    )


def _link(i: dict[str, Any]) -> LinkRow:
    return LinkRow(
        from_ref=_ref(i["from"]) or "",
        to_ref=_ref(i["to"]) or "",
        kind=i["kind"],
        fields={
            "source": i["source"],
            "source_id": i["source_id"],
            "licence": i["licence"],
            "created_at": _time(i["created_at"]),
        },
    )


def _ack(i: dict[str, Any]) -> AckRow:
    return AckRow(
        person_ref=i["person"],
        thread_ref=_ref(i["thread"]) or "",
        reply_ref=_ref(i["reply"]),
        created_at=datetime.fromisoformat(i["created_at"]),
    )


def _membership(i: dict[str, Any]) -> MembershipRow:
    return MembershipRow(
        i["person"], i["role"], i["status"], datetime.fromisoformat(i["joined_at"])
    )


def _event(i: dict[str, Any]) -> EventRow:
    return EventRow(
        key=i["key"],
        actor_ref=i["actor"],
        target_ref=i["target"],
        verb=i["verb"],
        occurred_at=datetime.fromisoformat(i["occurred_at"]),
        object_type=i["object_type"],
        object_ref=_ref(i["object"]),
        thread_ref=_ref(i["thread"]),
    )
