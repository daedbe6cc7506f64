"""Reads of threads and replies. Every read goes through ``Thread.objects.visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from practica.communities.models import Community
from practica.communities.selectors import AnyUser
from practica.core.errors import NotFound
from practica.exchange.models import UNRESOLVED, Acknowledgement, Reply, Tag, Thread, shown_to
from practica.trust.selectors import trust_level_subquery

#: The links of threads and tags (the many-to-many table).
_Link: Any = Thread.tags.through


def thread_list(
    *,
    community: Community,
    user: AnyUser,
    kind: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    unresolved: bool = False,
) -> QuerySet[Thread]:
    threads = (
        Thread.objects.visible_to(user)
        .filter(community=community)
        .select_related("author", "circle")
        .prefetch_related("tags")
        .annotate(reply_count=shown_reply_count())
        .order_by("-last_activity_at", "-pk")
    )
    if kind:
        threads = threads.filter(kind=kind)
    if tag:
        # From the tag's links: walking the list in order and asking each thread for
        # its tags reads the whole community when the tag is rare.
        tagged = _Link.objects.filter(tag__community=community, tag__name=tag)
        threads = threads.filter(pk__in=tagged.values("thread_id"))
    if author:
        threads = threads.filter(author__username=author)
    if unresolved:
        threads = threads.filter(UNRESOLVED)
    return threads.with_resolution()


def shown_reply_count() -> Subquery:
    """How many replies of the thread are shown: replies hidden by moderation are not
    counted (the count would betray them).

    A subquery for each thread, not a join grouped over all of them: a list then counts
    the replies of the threads on its page only (grouping first counted a million replies
    to show twenty threads).
    """
    shown = Reply.objects.filter(thread=OuterRef("pk"), hidden_at=None)
    return count_of(shown)


def count_of(rows: QuerySet[Any]) -> Subquery:
    """``SELECT COUNT(*)`` of ``rows`` (correlated through ``OuterRef``) as a subquery: one
    row always, with no GROUP BY (which SQLite runs twice as slowly per outer row)."""
    counted = rows.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
    return Subquery(counted.values("n"), output_field=IntegerField())


def thread_get(*, thread_id: int, user: AnyUser) -> Thread:
    """A thread the person may read, with the replies they may see; NotFound when missing
    or hidden."""
    replies = (
        Reply.objects.filter(shown_to(user, community="thread__community"))
        .select_related("author")
        .annotate(acknowledgement_count=Count("acknowledgements", distinct=True))
        .annotate(author_trust=trust_level_subquery("author_id", "thread__community_id"))
        .order_by("created_at", "pk")
    )
    thread = (
        Thread.objects.visible_to(user)
        .with_resolution()
        .annotate(author_trust=trust_level_subquery("author_id", "community_id"))
        .select_related("author", "community", "circle")
        .prefetch_related("tags", Prefetch("replies", queryset=replies))
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(f"no thread {thread_id}", field="id")
    return thread


def reply_get(*, reply_id: int, user: AnyUser) -> Reply:
    reply = (
        Reply.objects.visible_to(user)
        .select_related("thread", "thread__community", "author", "thread__author")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None:
        raise NotFound(f"no reply {reply_id}", field="id")
    return reply


def reply_tree(thread: Thread) -> list[tuple[Reply, list[Reply]]]:
    """Top-level replies with their comments, in order (one level of nesting).

    Replies hidden from the viewer were left out by ``thread_get``; so are the
    comments under them.
    """
    replies = list(thread.replies.all())
    children: dict[int, list[Reply]] = {}
    for reply in replies:
        if reply.parent_id is not None:
            children.setdefault(reply.parent_id, []).append(reply)
    return [(r, children.get(r.pk, [])) for r in replies if r.parent_id is None]


def acknowledged_by(*, person: AnyUser, thread: Thread) -> set[int | None]:
    """Ids of the replies (and ``None`` for the story itself) this person said helped them."""
    if person is None or not person.is_authenticated:
        return set()
    return set(
        Acknowledgement.objects.filter(person=person, thread=thread).values_list(
            "reply_id", flat=True
        )
    )


def tag_list(*, community: Community, user: AnyUser = None, limit: int | None = None) -> list[Tag]:
    """Tags by how many threads use them (then by name), each with its ``thread_count``;
    with ``user``, counting only threads they may read (a tag used only inside a closed
    circle would otherwise tell what the circle discusses).

    Counted without reading the threads: each tag's links, less those of the threads this
    person may not read. In a community they may read, those can only be threads in
    circles or hidden by moderation (every other thread is readable, see ``visible_to``),
    so only these few are read, through their own indexes. Tags belong to their thread's
    community (``services._tags_for``), so a tag's links are all of its community.
    """
    readable = (
        Value(True)
        if user is None
        else Exists(Community.objects.readable_by(user).filter(pk=community.pk))
    )
    rows = Tag.objects.filter(community=community).values_list(
        "pk", "name", "description", count_of(_Link.objects.filter(tag=OuterRef("pk"))), readable
    )
    counts: dict[int, int] = {}
    fields: dict[int, tuple[str, str]] = {}
    may_read = True
    for pk, name, description, n, flag in rows:
        counts[pk], fields[pk], may_read = n, (name, description), flag
    if not may_read:
        counts = dict.fromkeys(counts, 0)
    elif user is not None:
        for tag_id, unseen in _unseen_links(community=community, user=user):
            counts[tag_id] -= unseen
    ranked = sorted(counts, key=lambda pk: (-counts[pk], fields[pk][0]))
    tags = []
    for pk in ranked if limit is None else ranked[:limit]:
        name, description = fields[pk]
        tag = Tag(pk=pk, community=community, name=name, description=description)
        tag.thread_count = counts[pk]  # type: ignore[attr-defined]
        tags.append(tag)
    return tags


def _unseen_links(*, community: Community, user: AnyUser) -> QuerySet[Any]:
    """(tag, how many) of the community's threads carrying it that this person may not
    read, among those in circles or hidden by moderation (in a community the person may
    read, only these can be unreadable)."""
    readable = Thread.objects.visible_to(user).filter(pk=OuterRef("pk"))
    threads = Thread.objects.filter(community=community).exclude(Exists(readable)).order_by()
    # Each through its own index (``thread_funnel``, ``thread_hidden``): asked together,
    # SQLite reads the whole community to find them.
    in_circles = threads.filter(circle__isnull=False).values("pk")
    hidden = threads.filter(hidden_at__isnull=False).values("pk")
    return (
        _Link.objects.filter(Q(thread__in=in_circles) | Q(thread__in=hidden))
        .order_by()
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values_list("tag_id", "n")
    )
