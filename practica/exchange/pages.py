"""Reads behind the thread pages: the selectors, composed for one viewer.

Every thread and reply is read through ``thread_get`` / ``thread_list`` /
``reply_get`` (the ``visible_to`` funnel); what is added here is only about
the viewer (what they may do, what they already acknowledged) and counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import log

from django.db.models import Q, QuerySet

from practica.communities.models import Community
from practica.communities.pages import Viewer
from practica.communities.selectors import AnyUser, membership_of
from practica.core.errors import NotFound
from practica.exchange.history import (
    REPLY_FIELDS,
    THREAD_FIELDS,
    FieldChange,
    changes,
    pair_versions,
)
from practica.exchange.models import (
    RESOLVABLE_KINDS,
    Acknowledgement,
    Reply,
    ReplyKind,
    Revision,
    Tag,
    Thread,
    ThreadKind,
    ThreadLink,
)
from practica.exchange.selectors import (
    acknowledged_by,
    reply_get,
    reply_tree,
    tag_list,
    thread_get,
    thread_list,
)

TAG_CLOUD_SIZE = 30
STORY_AND_TEXT = ("title", "body", "context", "what_happened", "learned", "differently")


@dataclass
class ReplyView:
    """A reply with what this viewer may do to it."""

    reply: Reply
    is_accepted: bool
    can_accept: bool
    can_edit: bool
    can_acknowledge: bool
    acknowledged: bool
    comments: list[ReplyView] = field(default_factory=list)

    @property
    def acknowledgement_count(self) -> int:
        return getattr(self.reply, "acknowledgement_count", 0)


@dataclass
class ThreadPage:
    thread: Thread
    viewer: Viewer
    replies: list[ReplyView]
    can_edit: bool
    can_acknowledge_story: bool
    story_acknowledged: bool
    story_acknowledgements: int
    linked: list[Thread]

    @property
    def answer_count(self) -> int:
        return len(self.replies)

    @property
    def accepted(self) -> ReplyView | None:
        """The accepted answer, if this viewer may read it (hidden ones only stewards and
        their author may)."""
        return next((r for r in self.replies if r.is_accepted), None)

    @property
    def resolved_by(self) -> ReplyView | None:
        """The accepted answer that resolves the thread: one that is not hidden. A hidden
        one resolves nothing, for anyone (``Thread.is_resolved``)."""
        accepted = self.accepted
        return accepted if accepted is not None and accepted.reply.hidden_at is None else None


def _user_id(user: AnyUser) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _may_edit(viewer: Viewer, user_id: int | None, author_id: int | None) -> bool:
    return user_id is not None and (author_id == user_id or viewer.is_steward)


def _may_acknowledge(viewer: Viewer, user_id: int | None, author_id: int | None) -> bool:
    # The service refuses acknowledging yourself and non-members; the page agrees.
    return user_id is not None and viewer.is_member and author_id != user_id


def _reply_view(
    reply: Reply, thread: Thread, viewer: Viewer, user_id: int | None, acked: set[int | None]
) -> ReplyView:
    is_answer = reply.parent_id is None and reply.kind == ReplyKind.ANSWER
    return ReplyView(
        reply=reply,
        is_accepted=thread.accepted_reply_id == reply.pk,
        can_accept=(
            is_answer
            and thread.kind in RESOLVABLE_KINDS
            and user_id is not None
            and thread.author_id == user_id
        ),
        can_edit=_may_edit(viewer, user_id, reply.author_id),
        can_acknowledge=_may_acknowledge(viewer, user_id, reply.author_id),
        acknowledged=reply.pk in acked,
    )


def thread_page(*, thread_id: int, user: AnyUser) -> ThreadPage:
    """Everything the thread page shows, for this viewer; NotFound when hidden."""
    thread, viewer = thread_with_viewer(thread_id=thread_id, user=user)
    user_id = _user_id(user)
    acked = acknowledged_by(person=user, thread=thread) if user_id is not None else set()
    replies = []
    for top, comments in reply_tree(thread):
        view = _reply_view(top, thread, viewer, user_id, acked)
        view.comments = [_reply_view(c, thread, viewer, user_id, acked) for c in comments]
        replies.append(view)
    is_story = thread.kind == ThreadKind.STORY
    return ThreadPage(
        thread=thread,
        viewer=viewer,
        replies=replies,
        can_edit=_may_edit(viewer, user_id, thread.author_id),
        can_acknowledge_story=is_story and _may_acknowledge(viewer, user_id, thread.author_id),
        story_acknowledged=None in acked,
        story_acknowledgements=story_acknowledgement_count(thread=thread) if is_story else 0,
        linked=linked_threads(thread=thread, user=user),
    )


def story_acknowledgement_count(*, thread: Thread) -> int:
    return Acknowledgement.objects.filter(thread=thread, reply__isnull=True).count()


def reply_acknowledgement_count(*, reply: Reply) -> int:
    return Acknowledgement.objects.filter(reply=reply).count()


def linked_threads(*, thread: Thread, user: AnyUser, limit: int = 10) -> list[Thread]:
    """Threads linked to or from this one (duplicates, related), that the viewer may read.

    The linked ids come from the links' own indexes (joining the links to every thread
    and then removing duplicates read the whole thread table).
    """
    links = ThreadLink.objects.filter(Q(from_thread=thread) | Q(to_thread=thread))
    ids = {i for pair in links.values_list("from_thread", "to_thread") for i in pair}
    ids.discard(thread.pk)
    if not ids:
        return []
    return list(
        Thread.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("community")
        .order_by("-created_at", "-pk")[:limit]
    )


def thread_reply_get(*, thread: Thread, reply_id: int, user: AnyUser) -> Reply:
    """A reply of this very thread (a reply id from another thread is NotFound)."""
    reply = reply_get(reply_id=reply_id, user=user)
    if reply.thread_id != thread.pk:
        raise NotFound(f"no reply {reply_id} in this thread", field="reply")
    return reply


def community_threads(
    *,
    community: Community,
    user: AnyUser,
    kind: str = "",
    tag: str = "",
    unresolved: bool = False,
) -> QuerySet[Thread]:
    threads = thread_list(
        community=community, user=user, kind=kind or None, tag=tag or None, unresolved=unresolved
    )
    if unresolved and not kind:
        # Only questions and asks can be resolved; "unresolved" means those still open.
        threads = threads.filter(kind__in=RESOLVABLE_KINDS)
    # The reply count groups rows, which drops the model's default ordering.
    return threads.order_by("-last_activity_at", "-id")


@dataclass(frozen=True)
class CloudTag:
    tag: Tag
    weight: int  # 1 (few threads) to 4 (many)


def tag_cloud(
    *, community: Community, user: AnyUser = None, size: int = TAG_CLOUD_SIZE
) -> list[CloudTag]:
    """The most used tags, alphabetical, each with a weight for its size on the page.

    Weights follow the logarithm of the count: a few very popular tags would
    otherwise shrink every other tag to the same small size.
    """
    tags = [
        t
        for t in tag_list(community=community, user=user, limit=size)
        if getattr(t, "thread_count", 0)
    ]
    if not tags:
        return []
    counts = [t.thread_count for t in tags]  # type: ignore[attr-defined]
    low, high = log(min(counts)), log(max(counts))
    span = high - low

    def weight(count: int) -> int:
        return 2 if span == 0 else 1 + round(3 * (log(count) - low) / span)

    return [
        CloudTag(tag=t, weight=weight(t.thread_count))  # type: ignore[attr-defined]
        for t in sorted(tags, key=lambda t: t.name)
    ]


def thread_revisions(*, thread: Thread) -> list[Revision]:
    """The thread's edit history and its replies', newest first."""
    return list(
        Revision.objects.filter(thread=thread)
        .select_related("editor", "reply", "reply__author")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class HistoryEntry:
    revision: Revision
    #: None for an edit of the thread itself.
    reply: Reply | None
    changes: list[FieldChange]


def thread_history(*, thread: Thread) -> list[HistoryEntry]:
    """Each edit of the thread and of its replies, newest first, with what it changed."""
    revisions = thread_revisions(thread=thread)
    current_thread: dict[str, object] = {name: getattr(thread, name) for name in STORY_AND_TEXT}
    current_thread["tags"] = sorted(t.name for t in thread.tags.all())
    by_item: dict[int | None, list[Revision]] = {}
    for revision in revisions:
        by_item.setdefault(revision.reply_id, []).append(revision)
    entries: list[HistoryEntry] = []
    for reply_id, item_revisions in by_item.items():
        reply = item_revisions[0].reply
        current = current_thread if reply is None else {"body": reply.body}
        fields = THREAD_FIELDS if reply_id is None else REPLY_FIELDS
        afters = pair_versions([r.snapshot for r in item_revisions], current)
        for revision, after in zip(item_revisions, afters, strict=True):
            entries.append(
                HistoryEntry(
                    revision=revision,
                    reply=reply,
                    changes=changes(revision.snapshot, after, fields),
                )
            )
    entries.sort(key=lambda e: (e.revision.created_at, e.revision.pk), reverse=True)
    return entries


def thread_with_viewer(*, thread_id: int, user: AnyUser) -> tuple[Thread, Viewer]:
    """A readable thread and the viewer's standing in its community (for edit pages)."""
    thread = thread_get(thread_id=thread_id, user=user)
    viewer = Viewer(
        community=thread.community,
        membership=membership_of(community=thread.community, user=user),
        can_read=True,
        is_superuser=bool(user is not None and user.is_authenticated and user.is_superuser),
    )
    return thread, viewer


def may_edit(*, viewer: Viewer, user: AnyUser, author_id: int | None) -> bool:
    """Authors edit their own words; stewards may edit anything in their community."""
    return _may_edit(viewer, _user_id(user), author_id)
