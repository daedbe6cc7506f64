"""Reads of knowledge weaving: lived before, who knows, the directory, introductions.

Every suggestion goes through the permission funnel: threads through
``Thread.objects.visible_to``, communities through ``readable_by`` (via
``community_get_readable`` in the callers). The in-memory index holds a whole
community; what it proposes is filtered here, at query time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from practica.accounts.models import User
from practica.communities.circles import named_authorship
from practica.communities.models import CircleMembership, Community, Membership, MembershipStatus
from practica.communities.selectors import AnyUser
from practica.core.errors import InvalidInput
from practica.core.queries import of_community
from practica.exchange.models import Reply, ReplyKind, Tag, Thread, ThreadKind
from practica.ledger.models import LedgerEvent, Verb
from practica.weaving import visibility
from practica.weaving.engine.related import Query
from practica.weaving.index import CommunityIndexes, indexes_for
from practica.weaving.models import Introduction, Notification

MAX_K = 50
_Row = TypeVar("_Row", bound=Model)
MAX_QUERY = 10_000
MASK_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class ThreadCard:
    """What a suggestion shows of a thread, read from the index (no query per result)."""

    pk: int
    title: str
    kind: str
    created_at: datetime
    is_resolved: bool
    reply_count: int
    source_id: str

    @property
    def kind_label(self) -> str:
        return str(ThreadKind(self.kind).label) if self.kind in ThreadKind.values else self.kind


@dataclass(frozen=True, slots=True)
class RelatedItem:
    thread: ThreadCard
    score: float
    why: str

    @property
    def source_id(self) -> str:
        return self.thread.source_id


@dataclass(frozen=True, slots=True)
class ExpertItem:
    person: User
    score: float
    why: str
    answered: int
    accepted: int
    acknowledged: int
    stories: int
    source_id: str


def check_query(text: str, k: int) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("give some text to match (q)", field="q")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"the text has at most {MAX_QUERY} characters", field="q")
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k is between 1 and {MAX_K}", field="k")
    return text


def masks_forget() -> None:
    """Drop the cached visibility (tests)."""
    visibility.forget()


def related_for(
    *,
    community: Community,
    user: AnyUser,
    text: str,
    k: int = 10,
    exclude_thread: int | None = None,
) -> list[RelatedItem]:
    """Prior threads and stories closest to ``text`` that this person may read."""
    text = check_query(text, k)
    indexes = indexes_for(community)
    query = Query.of(text)
    allowed = visibility.readable_mask(indexes, user, community)
    scores = indexes.related.scores(query)
    exclude = frozenset({exclude_thread} if exclude_thread else ())
    # The mask is the funnel's own rule, kept exact (see visibility.py and its tests);
    # threads deleted since the index was built are dropped here.
    want = k
    while True:
        hits = indexes.related.top(
            scores, query, k=want, allowed=allowed, exclude=exclude, explain=False
        )
        existing = threads_existing([h.key for h in hits])
        kept = [h for h in hits if h.key in existing]
        if len(kept) >= k or len(hits) < want:
            break
        want *= 4
    return [
        RelatedItem(
            thread=_card(indexes, h.key, resolved=existing[h.key]),
            score=round(h.score, 4),
            why=indexes.related.why(indexes.related.position[h.key], query),
        )
        for h in kept[:k]
    ]


def threads_existing(keys: list[int]) -> dict[int, bool]:
    """Which of ``keys`` still exist, each with whether it is resolved now: an accepted
    answer that moderation has not hidden (``Thread.is_resolved``), read live rather than
    from the index, which may predate the hiding."""
    if not keys:
        return {}
    thread, reply = Thread._meta.db_table, Reply._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, r.id IS NOT NULL AND r.hidden_at IS NULL FROM {thread} t"
            f" LEFT JOIN {reply} r ON r.id = t.accepted_reply_id"
            f" WHERE t.id IN ({', '.join(['%s'] * len(keys))})",
            keys,
        )
        return {row[0]: bool(row[1]) for row in cursor.fetchall()}


def _card(indexes: CommunityIndexes, key: int, *, resolved: bool) -> ThreadCard:
    doc = indexes.related.threads[indexes.related.position[key]]
    return ThreadCard(
        pk=key,
        title=doc.title,
        kind=doc.kind,
        created_at=doc.created_at,
        is_resolved=resolved,
        reply_count=indexes.reply_counts.get(key, 0),
        source_id=doc.source_id,
    )


def experts_for(
    *,
    community: Community,
    user: AnyUser,
    text: str,
    k: int = 10,
    exclude_people: frozenset[int] = frozenset(),
    thread: Thread | None = None,
) -> list[ExpertItem]:
    """Members most likely to know, judged only from what this person may read and what may
    be attributed to someone in front of them (see ``visibility.EVIDENCE``)."""
    text = check_query(text, k)
    indexes = indexes_for(community)
    allowed, visible, key = visibility.evidence_masks(indexes, user, community)
    exclude = set(exclude_people)
    if user is not None and user.is_authenticated:
        exclude.add(user.pk)
    if thread is not None:
        # The asker, and those who already answered, need no invitation.
        exclude |= {thread.author_id} if thread.author_id else set()
        exclude |= {r.author_id for r in thread.replies.all() if r.author_id}
        if thread.pk in indexes.related.position:
            at = indexes.related.position[thread.pk]
            allowed = allowed.copy()
            allowed[at] = False
            visible = visible & (indexes.experts.c_thread != at)

    def active_members(ids: list[int]) -> set[int]:
        # Only active members are suggested; asked about the best ranked people alone.
        return set(
            Membership.objects.filter(
                community=community,
                status=MembershipStatus.ACTIVE,
                user__is_active=True,
                user_id__in=ids,
            ).values_list("user_id", flat=True)
        )

    hits = indexes.experts.rank(
        Query.of(text),
        k=k,
        allowed=allowed,
        visible=visible,
        exclude=frozenset(exclude),
        keep=active_members,
        priors_key=None if thread is not None else key,
    )
    people = User.objects.in_bulk([h.person for h in hits])
    return [
        ExpertItem(
            person=people[h.person],
            score=round(h.score, 4),
            why=h.why,
            answered=h.answered,
            accepted=h.accepted,
            acknowledged=h.acknowledged,
            stories=h.stories,
            source_id=people[h.person].source_id,
        )
        for h in hits
        if h.person in people
    ]


# The directory -------------------------------------------------------------------------

PERSPECTIVE_FIELDS = ("sector", "discipline", "region", "role_in_practice")


@dataclass(slots=True)
class DirectoryEntry:
    person: User
    role: str
    expertise: list[tuple[str, int]] = field(default_factory=list)
    answers: int = 0
    accepted: int = 0
    stories: int = 0


def credited_threads(*, community: Community, user: AnyUser) -> QuerySet[Thread]:
    """The threads that may speak for a person in front of ``user``: readable, not hidden by
    moderation (even to the stewards and authors who can still read them), and not under a
    rule that keeps their authors from this viewer (Chatham House)."""
    return Thread.objects.visible_to(user).filter(
        named_authorship(user), community=community, hidden_at=None
    )


def credited_rows(
    rows: QuerySet[_Row], *, community: Community, user: AnyUser, thread_field: str = "thread_id"
) -> QuerySet[_Row]:
    """``rows`` (already narrowed to a few people) whose thread may speak for them.

    The funnel is asked row by row, a correlated EXISTS that finds each row's thread by
    its key: "thread IN (every credited thread)" would have the database list all the
    community's readable threads first (seconds at 300k threads on SQLite) to keep a
    page of people's few dozen rows.
    """
    credited = credited_threads(community=community, user=user).filter(pk=OuterRef(thread_field))
    return rows.filter(_RowByRow(credited))


class _RowByRow(Exists):
    """An EXISTS the database answers row by row.

    PostgreSQL otherwise turns a correlated EXISTS into a semi join and hashes every
    readable thread of the community (0.2 s per count at 334k threads) to check a page of
    people's few rows; an ``OFFSET 0`` inside keeps it a subplan run per row, each an
    index lookup. SQLite already runs it row by row.
    """

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra)


def demonstrated_expertise(
    *, community: Community, user: AnyUser, people: list[int]
) -> dict[int, Counter[str]]:
    """Per person, the tags of the visible threads they answered or told a story in."""
    if not people:
        return {}
    answers = credited_rows(
        Reply.objects.filter(author_id__in=people, kind=ReplyKind.ANSWER, hidden_at=None),
        community=community, user=user,
    )  # fmt: skip
    stories = credited_rows(
        Thread.objects.filter(author_id__in=people, kind=ThreadKind.STORY),
        community=community, user=user, thread_field="pk",
    )  # fmt: skip
    found: dict[int, Counter[str]] = {}
    tagged = (
        answers.filter(thread__tags__isnull=False)
        .values_list("author_id", "thread__tags__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for person, tag, n in tagged:
        found.setdefault(person, Counter())[tag] += n
    told = (
        stories.filter(tags__isnull=False)
        .values_list("author_id", "tags__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for person, tag, n in told:
        found.setdefault(person, Counter())[tag] += n
    return found


def directory_tags(*, community: Community, user: AnyUser, limit: int = 300) -> list[str]:
    """The first ``limit`` tags by name that at least one thread this person may read
    carries (a tag used only inside a closed circle would tell what the circle discusses).

    Each tag stops at its first readable thread, found from the tag's own links: a scalar
    subquery with LIMIT 1, which neither SQLite nor PostgreSQL turns into a join over all
    the community's threads (as they do with EXISTS, 0.8 s to 36 s at 5,000 tags and
    300k threads).
    """
    readable = Thread.objects.visible_to(user).filter(community=community, pk=OuterRef("thread_id"))
    first = (
        Thread.tags.through.objects.filter(tag_id=OuterRef("pk"))
        .filter(Exists(readable))
        .values("thread_id")[:1]
    )
    return list(
        Tag.objects.filter(community=community)
        .alias(first_readable=Subquery(first))
        .filter(first_readable__isnull=False)
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )


DIRECTORY_PAGE = 50


@dataclass(slots=True)
class DirectoryPage:
    """One page of the directory: the entries shown and the pager over all who match."""

    entries: list[DirectoryEntry]
    page: Page[Membership]


def directory_members(
    *,
    community: Community,
    user: AnyUser,
    q: str = "",
    expertise: str = "",
    perspective: str = "",
) -> QuerySet[Membership]:
    """Active members, searchable by name, interests, offers, learning and bio; filterable
    by a tag they have demonstrated and by a perspective (sector, discipline, region,
    role); in name order."""
    members = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE, user__is_active=True
    ).select_related("user")
    for word in q.split():
        members = members.filter(
            Q(user__username__icontains=word)
            | Q(user__display_name__icontains=word)
            | Q(user__interests__icontains=word)
            | Q(user__offers__icontains=word)
            | Q(user__learning__icontains=word)
            | Q(user__bio__icontains=word)
        )
    if perspective:
        members = members.filter(
            Q(user__sector__iexact=perspective)
            | Q(user__discipline__iexact=perspective)
            | Q(user__region__iexact=perspective)
            | Q(user__role_in_practice__iexact=perspective)
        )
    if expertise:
        # From the tag's few threads to the people who answered or told stories there.
        # (Through the tag's own links: "threads of the community with this tag" has
        # SQLite walk all the community's threads.)
        tagged = credited_rows(
            Thread.tags.through.objects.filter(tag__community=community, tag__name=expertise),
            community=community, user=user,
        ).values("thread_id")  # fmt: skip
        answered = Reply.objects.filter(
            thread_id__in=tagged, kind=ReplyKind.ANSWER, hidden_at=None
        ).values("author_id")
        told = Thread.objects.filter(pk__in=tagged, kind=ThreadKind.STORY).values("author_id")
        members = members.filter(Q(user_id__in=answered) | Q(user_id__in=told))
    return members.order_by("user__display_name", "user__username", "user_id")


def directory_entries(
    *, community: Community, user: AnyUser, members: list[Membership]
) -> list[DirectoryEntry]:
    """What each of ``members`` gave, counted over the threads that may speak for them in
    front of ``user``; asked about these people alone."""
    ids = [m.user_id for m in members]
    if not ids:
        return []
    tags = demonstrated_expertise(community=community, user=user, people=ids)

    def per_person(rows: QuerySet[Any], person: str, thread_field: str) -> Counter[int]:
        credited = credited_rows(rows, community=community, user=user, thread_field=thread_field)
        return Counter(dict(credited.values_list(person).annotate(n=Count("id")).order_by()))

    answers = per_person(
        Reply.objects.filter(author_id__in=ids, kind=ReplyKind.ANSWER, hidden_at=None),
        "author_id", "thread_id",
    )  # fmt: skip
    # Accepted answers: these people's shown replies that a thread which may speak for them
    # accepted (from the replies, each asked row by row: starting from the threads, the
    # database may walk every reply to find these people's few).
    accepting = credited_threads(community=community, user=user).filter(
        accepted_reply_id=OuterRef("pk")
    )
    accepted = Counter(
        dict(
            Reply.objects.filter(author_id__in=ids, hidden_at=None)
            .filter(_RowByRow(accepting))
            .values_list("author_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    stories = per_person(
        Thread.objects.filter(author_id__in=ids, kind=ThreadKind.STORY), "author_id", "pk"
    )
    return [
        DirectoryEntry(
            person=m.user,
            role=m.role,
            expertise=tags.get(m.user_id, Counter()).most_common(5),
            answers=answers[m.user_id],
            accepted=accepted[m.user_id],
            stories=stories[m.user_id],
        )
        for m in members
    ]


def directory_page(
    *,
    community: Community,
    user: AnyUser,
    q: str = "",
    expertise: str = "",
    perspective: str = "",
    page: str | int | None = None,
    per_page: int = DIRECTORY_PAGE,
) -> DirectoryPage:
    """One page of the directory, in name order, with figures for the people shown."""
    members = directory_members(
        community=community, user=user, q=q, expertise=expertise, perspective=perspective
    )
    # The keys alone are sorted and skipped (a narrow sort of every match), then the
    # page's own rows are read: sorting whole rows, bios included, doubled a late page.
    shown: Page[Any] = Paginator(members.values_list("pk", flat=True), per_page).get_page(page)
    found = Membership.objects.select_related("user").in_bulk(list(shown.object_list))
    shown.object_list = [found[pk] for pk in shown.object_list if pk in found]
    entries = directory_entries(community=community, user=user, members=list(shown))
    return DirectoryPage(entries=entries, page=shown)


def directory(
    *,
    community: Community,
    user: AnyUser,
    q: str = "",
    expertise: str = "",
    perspective: str = "",
) -> list[DirectoryEntry]:
    """The directory's first page (see ``directory_page``)."""
    return directory_page(
        community=community, user=user, q=q, expertise=expertise, perspective=perspective
    ).entries


@dataclass(slots=True)
class PersonRecord:
    """What a person has given to the community and received from it."""

    given: dict[str, int]
    received: dict[str, int]
    expertise: list[tuple[str, int]]
    introductions: list[Introduction]


GIVEN_LABELS: dict[str, str] = {
    Verb.REPLIED: "replies",
    Verb.ACCEPTED: "answers accepted for others",
    Verb.ACKNOWLEDGED: "thanks given",
    Verb.INTRODUCED: "introductions made",
    Verb.MENTIONED: "mentions",
}
RECEIVED_LABELS: dict[str, str] = {
    Verb.REPLIED: "replies received",
    Verb.ACCEPTED: "answers of theirs accepted",
    Verb.ACKNOWLEDGED: "thanks received",
    Verb.INTRODUCED: "introductions received",
    Verb.MENTIONED: "mentions",
}


def person_record(*, community: Community, person: User, user: AnyUser) -> PersonRecord:
    """Read from the ledger, limited to threads the viewer may read (and whose authors
    they may be told); each count starts from the person's own rows."""
    named = Thread.objects.visible_to(user).filter(named_authorship(user), community=community)
    events = of_community(LedgerEvent.objects.all(), community.pk).filter(
        Q(thread_id__isnull=True) | Exists(named.filter(pk=OuterRef("thread_id")))
    )
    given: dict[str, int] = dict(
        events.filter(actor=person).values_list("verb").annotate(n=Count("id")).order_by()
    )
    received: dict[str, int] = dict(
        events.filter(target=person).values_list("verb").annotate(n=Count("id")).order_by()
    )
    stories = of_community(Thread.objects.all(), community.pk).filter(
        Exists(named.filter(pk=OuterRef("pk"))), author=person, kind=ThreadKind.STORY
    )
    given_named = {str(GIVEN_LABELS.get(v, v)): n for v, n in given.items()}
    story_count = stories.count()
    if story_count:
        given_named["stories told"] = story_count
    expertise = demonstrated_expertise(community=community, user=user, people=[person.pk])
    intros = list(
        Introduction.objects.filter(community=community)
        .filter(Q(person_a=person) | Q(person_b=person) | Q(introducer=person))
        .select_related("introducer", "person_a", "person_b")[:20]
    )
    return PersonRecord(
        given=given_named,
        received={str(RECEIVED_LABELS.get(v, v)): n for v, n in received.items()},
        expertise=expertise.get(person.pk, Counter()).most_common(10),
        introductions=intros,
    )


# Introductions, read back from the ledger ---------------------------------------------


@dataclass(frozen=True, slots=True)
class IntroductionOutcome:
    introducer_id: int | None
    pair: tuple[int, int]
    led_somewhere: bool


def introduction_outcomes(*, community: Community) -> list[IntroductionOutcome]:
    """Every introduction, and whether the two people interacted afterwards.

    Reads the ledger alone: an introduction is an ``introduced`` event whose
    object is the other person; it led somewhere when either of the two later
    acted towards the other in any other way.
    """
    events = LedgerEvent.objects.filter(community=community)
    intros: dict[tuple[int | None, int, int], datetime] = {}
    for introducer, target, other, at in events.filter(verb=Verb.INTRODUCED).values_list(
        "actor_id", "target_id", "object_id", "occurred_at"
    ):
        if target is None or other is None:
            continue
        intros.setdefault((introducer, min(target, other), max(target, other)), at)
    outcomes = []
    for (actor, a, b), when in intros.items():
        later = (
            events.exclude(verb=Verb.INTRODUCED)
            .filter(occurred_at__gte=when)
            .filter(Q(actor_id=a, target_id=b) | Q(actor_id=b, target_id=a))
            .exists()
        )
        outcomes.append(IntroductionOutcome(introducer_id=actor, pair=(a, b), led_somewhere=later))
    return outcomes


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """A person's notifications, less those about what they may no longer read.

    A notification names what it is about (a thread's title, a circle's name, an
    introduction's note): once its recipient leaves the community, the circle, or
    loses sight of the thread, it is no longer shown, on any channel (the page, the
    API, the unread count, the data download).
    """
    found = Notification.objects.filter(recipient=user).filter(_still_readable(user))
    found = found.select_related("actor", "community")
    return found.filter(read_at__isnull=True) if unread_only else found


def _still_readable(user: User) -> Q:
    member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    in_circles = CircleMembership.objects.filter(user=user).values("circle_id")
    return (
        (Q(community__isnull=True) | Q(community__in=Community.objects.readable_by(user)))
        & (Q(thread__isnull=True) | Q(thread__in=Thread.objects.visible_to(user).values("pk")))
        & (Q(circle__isnull=True) | Q(circle__in=in_circles, circle__community__in=member_of))
    )


def unread_count(*, user: AnyUser) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return notifications_for(user=user, unread_only=True).count()
