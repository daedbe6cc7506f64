"""The write side shared by every importer and by restore: batched, keyed upserts.

Front ends (``loader.load`` for parsers' records, ``restore`` for Practica
exports) turn what they read into the rows below, naming other rows by a
*ref* of their own choosing (a source id, a username). ``Writer`` resolves
refs to primary keys, finds the rows already stored under the same natural
key, and then creates what is missing, updates what differs and leaves the
rest alone, counting each outcome. Running it twice over the same input
changes nothing the second time; a run killed half way leaves whole batches
behind (each batch is one transaction), which the next run finds and
completes. Both together make every import idempotent and resumable.

Natural keys: people by (source, source_id) when imported, by username when
native; threads and replies by (community, source, source_id); tags by name;
links by (from, to, kind); ledger events by key; memberships by person;
acknowledgements by (person, thread, reply).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Max, Min, Q

from practica.accounts.models import User
from practica.communities.models import Community, Membership, MembershipStatus, Role
from practica.exchange.models import Acknowledgement, Reply, Tag, Thread, ThreadLink
from practica.importers.errors import ArchiveError
from practica.importers.fastsql import insert_rows, select_in, update_rows
from practica.ledger.models import LedgerEvent
from practica.ledger.services import EventSpec, events_record_bulk

#: Lookups by key are split so that no query exceeds SQLite's parameter limit.
IN_CHUNK = 900
#: Joined-at for a person with no date and no activity: fixed, so re-runs agree.
NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)
UNUSABLE_PASSWORD = "!"
Values = dict[str, Any]
_THREAD_TABLE = Thread._meta.db_table


@dataclass(slots=True)
class PersonRow:
    ref: str
    username: str
    source: str = ""
    source_id: str = ""
    fields: Values = field(default_factory=dict)
    #: With no date, date_joined is derived from the person's first activity.
    joined_at: datetime | None = None


@dataclass(slots=True)
class ThreadRow:
    ref: str
    source: str
    source_id: str
    author_ref: str | None
    fields: Values
    tags: tuple[str, ...] = ()
    accepted_ref: str | None = None
    #: Restore gives last_activity_at; imports derive it from the replies.
    derive_activity: bool = True


@dataclass(slots=True)
class ReplyRow:
    ref: str
    source: str
    source_id: str
    thread_ref: str
    parent_ref: str | None
    author_ref: str | None
    fields: Values


@dataclass(slots=True)
class LinkRow:
    from_ref: str
    to_ref: str
    kind: str
    fields: Values


@dataclass(slots=True)
class EventRow:
    key: str
    actor_ref: str | None
    target_ref: str | None
    verb: str
    occurred_at: datetime
    object_type: str = ""
    object_ref: str | None = None
    thread_ref: str | None = None


@dataclass(slots=True)
class MembershipRow:
    person_ref: str
    role: str
    status: str
    joined_at: datetime


@dataclass(slots=True)
class AckRow:
    person_ref: str
    thread_ref: str
    reply_ref: str | None
    created_at: datetime


@dataclass(slots=True)
class Tally:
    """What happened to the rows of one kind in this run (primary keys, or event keys)."""

    seen: set[Any] = field(default_factory=set)
    created: set[Any] = field(default_factory=set)
    updated: set[Any] = field(default_factory=set)

    def created_now(self, key: Any) -> None:
        """``record(key, "created")``, for the hot path."""
        self.seen.add(key)
        self.created.add(key)

    def record(self, key: Any, outcome: str) -> None:
        self.seen.add(key)
        if outcome == "created":
            self.created.add(key)
        elif outcome == "updated" and key not in self.created:
            self.updated.add(key)


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def changed(current: Values, wanted: Values) -> list[str]:
    return [name for name, value in wanted.items() if current.get(name) != value]


class Writer:
    """Upserts rows into one community, batch by batch; see the module docstring."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.people: dict[str, int] = {}
        self.threads: dict[str, int] = {}
        self.replies: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.tally: dict[str, Tally] = defaultdict(Tally)
        self.skipped: dict[str, int] = defaultdict(int)
        self._accepted: dict[int, str | None] = {}
        self._activity: set[int] = set()
        self._undated: set[int] = set()
        self._links_seen: set[tuple[int, int, str]] = set()
        self._reply_keys: dict[str, dict[str, int]] = {}

    def skip(self, what: str) -> None:
        self.skipped[what] += 1

    def person_pk(self, ref: str | None) -> int | None:
        return None if ref is None else self.people.get(ref)

    # People ---------------------------------------------------------------

    def write_people(self, rows: Sequence[PersonRow]) -> None:
        if not rows:
            return
        by_username = {r.username: r for r in rows}
        found: dict[str, Values] = {}
        imported = [r for r in rows if r.source]
        names = list(by_username)
        wanted_fields = sorted({name for r in rows for name in r.fields} | {"date_joined"})
        columns = ["pk", "username", "source", "source_id", *wanted_fields]
        users = User._meta.db_table
        # Keys first, in plain SQL (most people of an import are new); then the
        # stored values of those found. NOT (source = ''): the term that lets
        # the database use the partial unique index on (source, source_id).
        pks = {
            pk for (pk,) in select_in(f"SELECT id FROM {users} WHERE username {{in}}", [], names)
        }
        keys = {(r.source, r.source_id) for r in imported}
        for source in {r.source for r in imported}:
            ids = [r.source_id for r in imported if r.source == source]
            sql = (
                f"SELECT id FROM {users} "
                "WHERE source = %s AND NOT (source = '') AND source_id {in}"
            )
            pks.update(pk for (pk,) in select_in(sql, [source], ids))
        by_source: dict[tuple[str, str], Values] = {}
        for part in chunks(sorted(pks)):
            for row in User.objects.filter(pk__in=part).order_by().values(*columns):
                if row["username"] in by_username:
                    found[row["username"]] = row
                if (row["source"], row["source_id"]) in keys:
                    by_source[(row["source"], row["source_id"])] = row
        creates: list[tuple[PersonRow, Values]] = []
        updates: list[tuple[User, list[str]]] = []
        for r in rows:
            current = by_source.get((r.source, r.source_id)) if r.source else None
            holder = found.get(r.username)
            if current is None and holder is not None:
                if (holder["source"], holder["source_id"]) != (r.source, r.source_id):
                    raise ArchiveError(
                        "people",
                        f"person {r.ref}: the username {r.username!r} belongs to another account",
                    )
                current = holder
            wanted = dict(r.fields, username=r.username)
            if r.joined_at is not None:
                wanted["date_joined"] = r.joined_at
            if current is None:
                values = dict(
                    wanted, source=r.source, source_id=r.source_id, password=UNUSABLE_PASSWORD
                )
                values.setdefault("date_joined", NO_DATE)
                creates.append((r, values))
                continue
            self.people[r.ref] = current["pk"]
            if r.joined_at is None:
                self._undated.add(current["pk"])
            diff = changed(current, wanted)
            if diff and holder is not None and holder["pk"] != current["pk"] and "username" in diff:
                raise ArchiveError(
                    "people",
                    f"person {r.ref}: the username {r.username!r} belongs to another account",
                )
            if diff:
                user = User(pk=current["pk"], **wanted)
                updates.append((user, diff))
            self.tally["people"].record(current["pk"], "updated" if diff else "unchanged")
        made = dict(
            (username, pk)
            for pk, username in insert_rows(User, [v for _, v in creates], ("id", "username"))
        )
        for r, _ in creates:
            pk = made[r.username]
            self.people[r.ref] = pk
            if r.joined_at is None:
                self._undated.add(pk)
            self.tally["people"].record(pk, "created")
        self._bulk_update(User, updates)

    # Tags -------------------------------------------------------------------

    def tag_pks(self, names: Iterable[str]) -> list[int]:
        """Primary keys of these tags, creating the ones the community lacks."""
        names = list(dict.fromkeys(names))
        wanted = [n for n in names if n not in self.tags]
        if wanted:
            for tag in Tag.objects.filter(community=self.community, name__in=wanted):
                self.tags[tag.name] = tag.pk
            missing = [Tag(community=self.community, name=n) for n in wanted if n not in self.tags]
            Tag.objects.bulk_create(missing)
            for tag in missing:
                self.tags[tag.name] = tag.pk
                self.tally["tags"].record(tag.pk, "created")
        return [self.tags[n] for n in names]

    def write_tags(self, described: Sequence[tuple[str, str]]) -> None:
        if not described:
            return
        pks = self.tag_pks(name for name, _ in described)
        current = dict(Tag.objects.filter(pk__in=pks).values_list("pk", "description"))
        updates = []
        for pk, (_, description) in zip(pks, described, strict=True):
            diff = current[pk] != description
            if diff:
                updates.append((Tag(pk=pk, description=description), ["description"]))
            self.tally["tags"].record(pk, "updated" if diff else "unchanged")
        self._bulk_update(Tag, updates)

    # Threads ----------------------------------------------------------------

    def write_threads(self, rows: Sequence[ThreadRow]) -> None:
        if not rows:
            return
        fields = sorted({name for r in rows for name in r.fields} | {"author_id"})
        current = self._existing_threads(rows, ["pk", *fields])
        creates: list[tuple[ThreadRow, Values]] = []
        updates: list[tuple[Thread, list[str]]] = []
        for r in rows:
            wanted = dict(r.fields, author_id=self.person_pk(r.author_ref))
            if r.derive_activity and "last_activity_at" not in wanted:
                stamps = [wanted.get("created_at"), wanted.get("edited_at")]
                first_guess = max(s for s in stamps if s is not None)
            else:
                first_guess = wanted.get("last_activity_at")
            found = current.get((r.source, r.source_id))
            if found is None:
                values = dict(
                    wanted, community_id=self.community.pk, source=r.source, source_id=r.source_id
                )
                values["last_activity_at"] = first_guess
                creates.append((r, values))
                continue
            self._thread_seen(r, found["pk"])
            diff = changed(found, wanted)
            if diff:
                updates.append((Thread(pk=found["pk"], **wanted), diff))
            self.tally["threads"].record(found["pk"], "updated" if diff else "unchanged")
        made = self._insert_keyed(Thread, [v for _, v in creates])
        for r, _ in creates:
            pk = made[(r.source, r.source_id)]
            self._thread_seen(r, pk)
            self.tally["threads"].record(pk, "created")
        self._bulk_update(Thread, updates)
        self._sync_thread_tags(rows)

    def _thread_seen(self, row: ThreadRow, pk: int) -> None:
        self.threads[row.ref] = pk
        self._accepted[pk] = row.accepted_ref
        if row.derive_activity:
            self._activity.add(pk)

    def _sync_thread_tags(self, rows: Sequence[ThreadRow]) -> None:
        through = Thread.tags.through
        pks = [self.threads[r.ref] for r in rows]
        have: dict[int, set[int]] = defaultdict(set)
        for thread_id, tag_id in select_in(
            f"SELECT thread_id, tag_id FROM {through._meta.db_table} WHERE thread_id {{in}}",
            [],
            pks,
        ):
            have[thread_id].add(tag_id)
        adds, drops = [], []
        for r, pk in zip(rows, pks, strict=True):
            want = set(self.tag_pks(r.tags)) if r.tags else set()
            if want == have[pk]:
                continue
            adds += [{"thread_id": pk, "tag_id": t} for t in sorted(want - have[pk])]
            drops += [(pk, t) for t in have[pk] - want]
            self.tally["threads"].record(pk, "updated")
        insert_rows(through, adds, ("id",))
        for pk, tag_id in drops:
            through.objects.filter(thread_id=pk, tag_id=tag_id).delete()

    # Replies ----------------------------------------------------------------

    def write_replies(self, rows: Sequence[ReplyRow]) -> None:
        # Answers first, so that comments in the same batch find their parent.
        self._write_reply_layer([r for r in rows if r.parent_ref is None])
        self._write_reply_layer([r for r in rows if r.parent_ref is not None])

    def _write_reply_layer(self, rows: Sequence[ReplyRow]) -> None:
        threads, replies, people = self.threads, self.replies, self.people
        placed: list[tuple[ReplyRow, Values]] = []
        for r in rows:
            thread_pk = threads.get(r.thread_ref)
            parent_pk = None if r.parent_ref is None else replies.get(r.parent_ref)
            if thread_pk is None:
                self.skip("reply: its thread is not in the archive")
                continue
            if r.parent_ref is not None and parent_pk is None:
                self.skip("reply: the reply it comments on is not in the archive")
                continue
            author = r.author_ref
            wanted = {
                **r.fields,
                "thread_id": thread_pk,
                "parent_id": parent_pk,
                "author_id": None if author is None else people.get(author),
            }
            placed.append((r, wanted))
        if not placed:
            return
        fields = sorted(set().union(*(w for _, w in placed)))
        current = self._existing_replies([r for r, _ in placed], ["pk", *fields])
        creates: list[tuple[ReplyRow, Values]] = []
        updates: list[tuple[Reply, list[str]]] = []
        for r, wanted in placed:
            found = current.get((r.source, r.source_id)) if current else None
            if found is None:
                # ``wanted`` is this row's own dictionary: it becomes the insert's.
                wanted["source"] = r.source
                wanted["source_id"] = r.source_id
                creates.append((r, wanted))
                continue
            replies[r.ref] = found["pk"]
            diff = changed(found, wanted)
            if diff:
                updates.append((Reply(pk=found["pk"], **wanted), diff))
            self.tally["replies"].record(found["pk"], "updated" if diff else "unchanged")
        made = self._insert_keyed(Reply, [v for _, v in creates])
        tally = self.tally["replies"]
        for r, _ in creates:
            pk = made[(r.source, r.source_id)]
            replies[r.ref] = pk
            self._stored_replies(r.source)[r.source_id] = pk
            tally.created_now(pk)
        self._bulk_update(Reply, updates)

    # Links ------------------------------------------------------------------

    def write_links(self, rows: Sequence[LinkRow]) -> None:
        placed: list[tuple[tuple[int, int, str], LinkRow]] = []
        for r in rows:
            ends = self.threads.get(r.from_ref), self.threads.get(r.to_ref)
            if ends[0] is None or ends[1] is None:
                self.skip("link: a linked thread is not in the archive")
                continue
            key = (ends[0], ends[1], r.kind)
            if key in self._links_seen:
                self.skip("link: the same link twice")
                continue
            self._links_seen.add(key)
            placed.append((key, r))
        if not placed:
            return
        self._date_links(placed)
        fields = sorted({name for _, r in placed for name in r.fields})
        current: dict[tuple[int, int, str], Values] = {}
        from_pks = sorted({k[0] for k, _ in placed})
        for part in chunks(from_pks):
            for row in ThreadLink.objects.filter(from_thread_id__in=part).values(
                "pk", "from_thread_id", "to_thread_id", "kind", *fields
            ):
                current[(row["from_thread_id"], row["to_thread_id"], row["kind"])] = row
        creates: list[Values] = []
        updates: list[tuple[ThreadLink, list[str]]] = []
        for key, r in placed:
            found = current.get(key)
            if found is None:
                creates.append(
                    dict(r.fields, from_thread_id=key[0], to_thread_id=key[1], kind=key[2])
                )
                continue
            diff = changed(found, r.fields)
            if diff:
                updates.append((ThreadLink(pk=found["pk"], **r.fields), diff))
            self.tally["links"].record(found["pk"], "updated" if diff else "unchanged")
        for (pk,) in insert_rows(ThreadLink, creates, ("id",)):
            self.tally["links"].record(pk, "created")
        self._bulk_update(ThreadLink, updates)

    @staticmethod
    def _date_links(placed: Sequence[tuple[tuple[int, int, str], LinkRow]]) -> None:
        """An undated link takes the date of the later of its two threads (stable on re-runs)."""
        undated = [(key, r) for key, r in placed if "created_at" not in r.fields]
        if not undated:
            return
        pks = sorted({pk for key, _ in undated for pk in key[:2]})
        created: dict[int, datetime] = {}
        for part in chunks(pks):
            created.update(Thread.objects.filter(pk__in=part).values_list("pk", "created_at"))
        for key, r in undated:
            r.fields["created_at"] = max(created[key[0]], created[key[1]])

    # Ledger -----------------------------------------------------------------

    def write_events(self, rows: Sequence[EventRow]) -> None:
        """Append the events not yet in the ledger. Events are never changed once written."""
        specs: dict[str, EventSpec] = {}
        people, threads, replies = self.people, self.threads, self.replies
        community_id = self.community.pk
        for r in rows:
            actor = None if r.actor_ref is None else people.get(r.actor_ref)
            target = None if r.target_ref is None else people.get(r.target_ref)
            if actor is None or target is None or actor == target:
                self.skip("event: not between two known people")
                continue
            objects = threads if r.object_type == "thread" else replies
            specs[r.key] = EventSpec(
                community_id,
                actor,
                target,
                r.verb,
                r.object_type,
                None if r.object_ref is None else objects.get(r.object_ref),
                None if r.thread_ref is None else threads.get(r.thread_ref),
                r.occurred_at,
                r.key,
            )
        keys = list(specs)
        # NOT (key = ''): the term that lets the database use the partial unique
        # index on (community, key) rather than read all the community's events.
        stored = {
            key
            for (key,) in select_in(
                f'SELECT "key" FROM {LedgerEvent._meta.db_table} WHERE community_id = %s '
                """AND NOT ("key" = '') AND "key" {in}""",
                [self.community.pk],
                keys,
            )
        }
        events_record_bulk(spec for key, spec in specs.items() if key not in stored)
        tally = self.tally["events"]
        for key in keys:
            if key in stored:
                tally.record(key, "unchanged")
            else:
                tally.created_now(key)

    # Memberships and acknowledgements -----------------------------------------

    def write_memberships(self, rows: Sequence[MembershipRow]) -> None:
        wanted: dict[int, MembershipRow] = {}
        for r in rows:
            pk = self.people.get(r.person_ref)
            if pk is None:
                self.skip("membership: person not in the archive")
                continue
            wanted[pk] = r
        current: dict[int, Any] = {}
        for part in chunks(list(wanted)):
            for row in Membership.objects.filter(community=self.community, user_id__in=part).values(
                "pk", "user_id", "role", "status", "joined_at"
            ):
                current[row["user_id"]] = row
        creates, updates = [], []
        for pk, r in wanted.items():
            values = {"role": r.role, "status": r.status, "joined_at": r.joined_at}
            found = current.get(pk)
            if found is None:
                creates.append(Membership(community=self.community, user_id=pk, **values))
                continue
            diff = changed(found, values)
            if diff:
                updates.append((Membership(pk=found["pk"], **values), diff))
            self.tally["memberships"].record(found["pk"], "updated" if diff else "unchanged")
        Membership.objects.bulk_create(creates)
        for membership in creates:
            self.tally["memberships"].record(membership.pk, "created")
        self._bulk_update(Membership, updates)

    def write_acknowledgements(self, rows: Sequence[AckRow]) -> None:
        for r in rows:
            person = self.people.get(r.person_ref)
            thread = self.threads.get(r.thread_ref)
            reply = None if r.reply_ref is None else self.replies.get(r.reply_ref)
            if person is None or thread is None or (r.reply_ref is not None and reply is None):
                self.skip("acknowledgement: what it names is not in the archive")
                continue
            key: dict[str, Any] = {"person_id": person, "thread_id": thread, "reply_id": reply}
            ack, created = Acknowledgement.objects.get_or_create(
                **key, defaults={"created_at": r.created_at}
            )
            outcome = "created" if created else "unchanged"
            if not created and ack.created_at != r.created_at:
                ack.created_at = r.created_at
                ack.save(update_fields=["created_at"])
                outcome = "updated"
            self.tally["acknowledgements"].record(ack.pk, outcome)

    # Passes after every batch -------------------------------------------------

    def finish_accepted(self) -> None:
        """Point each thread at its accepted reply, now that every reply is stored."""
        pks = list(self._accepted)
        current: dict[int, int | None] = {}
        for part in chunks(pks):
            current.update(
                Thread.objects.filter(pk__in=part).values_list("pk", "accepted_reply_id")
            )
        updates = []
        for pk, ref in self._accepted.items():
            wanted = None if ref is None else self.replies.get(ref)
            if ref is not None and wanted is None:
                self.skip("acceptance: the accepted reply is not in the archive")
            if current.get(pk) != wanted:
                updates.append((pk, wanted))
                self.tally["threads"].record(pk, "updated")
        update_rows(Thread, ["accepted_reply_id"], updates)

    def finish_activity(self) -> None:
        """A thread's last activity: its latest edit or reply, as the archive dates them."""
        if not self._activity:
            return
        latest = dict(
            Reply.objects.filter(thread__community=self.community)
            .values("thread_id")
            .annotate(last=Max("created_at"))
            .values_list("thread_id", "last")
        )
        updates = []
        pks = sorted(self._activity)
        for part in chunks(pks):
            for pk, created, edited, last in Thread.objects.filter(pk__in=part).values_list(
                "pk", "created_at", "edited_at", "last_activity_at"
            ):
                wanted = max(s for s in (created, edited, latest.get(pk)) if s is not None)
                if wanted != last:
                    updates.append((pk, wanted))
                    self.tally["threads"].record(pk, "updated")
        update_rows(Thread, ["last_activity_at"], updates)

    def finish_people(self) -> None:
        """Date the undated (chat people) by their first activity; make everyone a member."""
        if self._undated:
            first: dict[int, datetime] = {}
            for model in (Thread, Reply):
                scope = (
                    Q(community=self.community)
                    if model is Thread
                    else Q(thread__community=self.community)
                )
                for author, when in (
                    model.objects.filter(scope, author__isnull=False)
                    .values("author_id")
                    .annotate(first=Min("created_at"))
                    .values_list("author_id", "first")
                ):
                    if author in self._undated and (author not in first or when < first[author]):
                        first[author] = when
            updates = []
            pks = sorted(self._undated)
            for part in chunks(pks):
                for pk, joined in User.objects.filter(pk__in=part).values_list("pk", "date_joined"):
                    wanted = first.get(pk, NO_DATE)
                    if joined != wanted:
                        updates.append((pk, wanted))
                        self.tally["people"].record(pk, "updated")
            update_rows(User, ["date_joined"], updates)
        refs = list(self.people)
        for part in chunks(refs, 2000):
            dates = dict(
                User.objects.filter(pk__in=[self.people[r] for r in part]).values_list(
                    "pk", "date_joined"
                )
            )
            self._ensure_members(part, dates)

    def _ensure_members(self, refs: Sequence[str], joined: dict[int, datetime]) -> None:
        """Imported people become members; an existing membership keeps its role and status."""
        pks = [self.people[r] for r in refs]
        current = dict(
            Membership.objects.filter(community=self.community, user_id__in=pks).values_list(
                "user_id", "pk"
            )
        )
        creates = [
            {
                "community_id": self.community.pk,
                "user_id": pk,
                "role": Role.MEMBER,
                "status": MembershipStatus.ACTIVE,
                "joined_at": joined[pk],
            }
            for pk in pks
            if pk not in current
        ]
        for (pk,) in insert_rows(Membership, creates, ("id",)):
            self.tally["memberships"].record(pk, "created")
        stale = Membership.objects.filter(pk__in=list(current.values())).values_list(
            "pk", "user_id", "joined_at"
        )
        updates = []
        for pk, user_id, joined_at in stale:
            diff = joined_at != joined[user_id]
            if diff:
                updates.append((pk, joined[user_id]))
            self.tally["memberships"].record(pk, "updated" if diff else "unchanged")
        update_rows(Membership, ["joined_at"], updates)

    # Helpers -----------------------------------------------------------------

    def _existing_threads(
        self, rows: Sequence[ThreadRow], columns: list[str]
    ) -> dict[tuple[str, str], Values]:
        """The stored threads among ``rows``, by natural key: their ``columns``."""
        by_source: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            by_source[r.source].append(r.source_id)
        by_pk: dict[int, str] = {}
        for source, ids in by_source.items():
            # NOT (source = ''): the term that lets the database use the partial
            # unique index on (community, source, source_id).
            for pk, _ in select_in(
                f"SELECT id, source_id FROM {_THREAD_TABLE} WHERE community_id = %s "
                "AND source = %s AND NOT (source = '') AND source_id {in}",
                [self.community.pk, source],
                ids,
            ):
                by_pk[pk] = source
        found: dict[tuple[str, str], Values] = {}
        for part in chunks(list(by_pk)):
            for row in Thread.objects.filter(pk__in=part).order_by().values("source_id", *columns):
                found[(by_pk[row["pk"]], row["source_id"])] = row
        return found

    def _stored_replies(self, source: str) -> dict[str, int]:
        """Source id -> pk of the community's replies from ``source``, read once per run.

        A reply's key is (community, source, source_id), but its unique index
        starts with the thread: looking replies up by source id batch after
        batch scanned all the community's replies each time. One read of the
        ids (what ``self.replies`` holds by the end of the run anyway) keeps
        each lookup a dictionary access.
        """
        stored = self._reply_keys.get(source)
        if stored is None:
            stored = dict(
                Reply.objects.filter(thread__community=self.community, source=source)
                .exclude(source="")
                .order_by()
                .values_list("source_id", "pk")
            )
            self._reply_keys[source] = stored
        return stored

    def _existing_replies(
        self, rows: Sequence[ReplyRow], columns: list[str]
    ) -> dict[tuple[str, str], Values]:
        found: dict[tuple[str, str], Values] = {}
        by_pk: dict[int, str] = {}
        for r in rows:
            pk = self._stored_replies(r.source).get(r.source_id)
            if pk is not None:
                by_pk[pk] = r.source
        for part in chunks(list(by_pk)):
            for row in Reply.objects.filter(pk__in=part).order_by().values("source_id", *columns):
                found[(by_pk[row["pk"]], row["source_id"])] = row
        return found

    @staticmethod
    def _insert_keyed(model: Any, rows: list[Values]) -> dict[tuple[str, str], int]:
        made = insert_rows(model, rows, ("id", "source", "source_id"))
        return {(source, source_id): pk for pk, source, source_id in made}

    @staticmethod
    def _bulk_update(model: Any, updates: Sequence[tuple[Any, list[str]]]) -> None:
        """Updates grouped by the set of fields they change: one statement per group."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for obj, names in updates:
            key = tuple(sorted(names))
            groups[key].append((obj.pk, *(getattr(obj, name) for name in key)))
        for fields, rows in groups.items():
            update_rows(model, fields, rows)

    def counts(self) -> tuple[int, int, int]:
        created = sum(len(t.created) for t in self.tally.values())
        updated = sum(len(t.updated - t.created) for t in self.tally.values())
        seen = sum(len(t.seen) for t in self.tally.values())
        return created, updated, seen - created - updated
