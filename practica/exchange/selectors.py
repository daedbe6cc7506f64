"""Reads of threads and replies. Every read goes through ``Thread.objects.visible_to``."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from practica.communities.models import Community
from practica.communities.selectors import AnyUser
from practica.core.errors import NotFound
from practica.exchange.models import UNRESOLVED, Acknowledgement, Reply, Tag, Thread, shown_to
from practica.trust.selectors import trust_level_subquery


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
        # Replies hidden by moderation are not counted: the count would betray them.
        .annotate(reply_count=Count("replies", filter=Q(replies__hidden_at=None), distinct=True))
        .order_by("-last_activity_at", "-pk")  # Meta.ordering is dropped by aggregation
    )
    if kind:
        threads = threads.filter(kind=kind)
    if tag:
        threads = threads.filter(tags__name=tag)
    if author:
        threads = threads.filter(author__username=author)
    if unresolved:
        threads = threads.filter(UNRESOLVED)
    return threads.with_resolution()


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


def tag_list(*, community: Community, user: AnyUser = None) -> QuerySet[Tag]:
    """Tags by how many threads use them; with ``user``, counting only threads they may read
    (a tag used only inside a closed circle would otherwise tell what the circle discusses)."""
    if user is None:
        counted = Count("threads")
    else:
        visible = Thread.objects.visible_to(user).filter(community=community).values("pk")
        counted = Count("threads", filter=Q(threads__in=visible))
    return (
        Tag.objects.filter(community=community)
        .annotate(thread_count=counted)
        .order_by("-thread_count", "name")
    )
