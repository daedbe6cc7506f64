"""API of knowledge exchange: threads, replies, acceptance and acknowledgements."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from practica.accounts.models import User
from practica.communities.circles import attribution_for, circle_get
from practica.communities.selectors import community_get_readable
from practica.core.api_auth import PUBLIC_READ, caller, signed_in
from practica.core.api_schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    STORABLE,
    InputSchema,
    ObjectId,
    PageOut,
    PageQuery,
    ProvenanceOut,
    Slug,
    page_of,
    provenance_of,
)
from practica.core.errors import NotFound
from practica.core.text import excerpt, render_markdown
from practica.exchange import selectors, services
from practica.exchange.models import Reply, ReplyKind, Thread, ThreadKind

router = Router(tags=["exchange"])

LongText = Annotated[str, Field(max_length=100_000), STORABLE]
TagName = Annotated[str, Field(max_length=64), STORABLE]


class PersonOut(Schema):
    username: str
    name: str


def person_of(user: User | None) -> PersonOut | None:
    """Authors can be gone (deleted accounts); their words stay."""
    return None if user is None else PersonOut(username=user.username, name=user.name)


def author_of(item: Thread | Reply, context: dict[str, Any]) -> PersonOut | None:
    """The author as the caller may know them: null under the Chatham House rule outside
    the circle (``attributed_to`` then says "a member of <circle>")."""
    return person_of(attribution_for(item, caller(context["request"])).person)


def attributed_to(item: Thread | Reply, context: dict[str, Any]) -> str:
    return attribution_for(item, caller(context["request"])).name


class CircleRefOut(Schema):
    slug: str
    name: str
    tier: str
    chatham_house: bool


def circle_of(thread: Thread) -> CircleRefOut | None:
    c = thread.circle
    if c is None:
        return None
    return CircleRefOut(slug=c.slug, name=c.name, tier=c.tier, chatham_house=c.chatham_house)


class ThreadIn(InputSchema):
    kind: ThreadKind
    title: Annotated[str, Field(min_length=1, max_length=300), STORABLE]
    body: LongText = ""
    tags: list[TagName] = Field(default_factory=list, max_length=8)
    context: LongText = Field(default="", description="A story's parts (stories only).")
    what_happened: LongText = ""
    learned: LongText = ""
    differently: LongText = ""
    circle: Slug | None = Field(
        default=None,
        description="Slug of a circle of the community to post in (one you may post in); "
        "leave out to post to the whole community.",
    )


class ThreadFilters(PageQuery):
    kind: ThreadKind | None = None
    tag: TagName | None = None


class ReplyIn(InputSchema):
    body: LongText
    parent: ObjectId | None = Field(
        default=None, description="Reply to comment on; leave out to answer the thread."
    )


class ReplyOut(Schema):
    id: int
    thread_id: int
    parent_id: int | None
    author: PersonOut | None
    attributed_to: str = Field(description="How to name the author on screen.")
    kind: ReplyKind
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    is_accepted: bool
    acknowledgement_count: int
    provenance: ProvenanceOut | None

    @staticmethod
    def resolve_author(obj: Reply, context: dict[str, Any]) -> PersonOut | None:
        return author_of(obj, context)

    @staticmethod
    def resolve_attributed_to(obj: Reply, context: dict[str, Any]) -> str:
        return attributed_to(obj, context)

    @staticmethod
    def resolve_body_html(obj: Reply) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_acknowledgement_count(obj: Reply) -> int:
        return int(getattr(obj, "acknowledgement_count", 0))

    @staticmethod
    def resolve_provenance(obj: Reply) -> ProvenanceOut | None:
        return provenance_of(obj)


class ThreadSummaryOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    kind: ThreadKind
    title: str
    excerpt: str
    author: PersonOut | None
    attributed_to: str = Field(description="How to name the author on screen.")
    circle: CircleRefOut | None = Field(description="The circle it was posted in, if any.")
    tags: list[str]
    created_at: datetime
    last_activity_at: datetime
    reply_count: int
    is_resolved: bool

    @staticmethod
    def resolve_community(obj: Thread) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_excerpt(obj: Thread) -> str:
        return excerpt(obj.body or " ".join(text for _, text in obj.story_parts))

    @staticmethod
    def resolve_author(obj: Thread, context: dict[str, Any]) -> PersonOut | None:
        return author_of(obj, context)

    @staticmethod
    def resolve_attributed_to(obj: Thread, context: dict[str, Any]) -> str:
        return attributed_to(obj, context)

    @staticmethod
    def resolve_circle(obj: Thread) -> CircleRefOut | None:
        return circle_of(obj)

    @staticmethod
    def resolve_tags(obj: Thread) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_reply_count(obj: Thread) -> int:
        return int(getattr(obj, "reply_count", 0))


class ThreadOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    kind: ThreadKind
    title: str
    body: str
    body_html: str
    context: str
    what_happened: str
    learned: str
    differently: str
    author: PersonOut | None
    attributed_to: str = Field(description="How to name the author on screen.")
    circle: CircleRefOut | None = Field(description="The circle it was posted in, if any.")
    tags: list[str]
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    is_resolved: bool = Field(description="An answer was accepted and is not hidden by moderation.")
    accepted_reply_id: int | None = Field(
        description="The accepted answer, when the caller may read it (null when it is hidden)."
    )
    provenance: ProvenanceOut | None
    replies: list[ReplyOut] = Field(
        description="Answers and comments in order; a comment's parent_id names its answer."
    )

    @staticmethod
    def resolve_community(obj: Thread) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_body_html(obj: Thread) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_author(obj: Thread, context: dict[str, Any]) -> PersonOut | None:
        return author_of(obj, context)

    @staticmethod
    def resolve_attributed_to(obj: Thread, context: dict[str, Any]) -> str:
        return attributed_to(obj, context)

    @staticmethod
    def resolve_circle(obj: Thread) -> CircleRefOut | None:
        return circle_of(obj)

    @staticmethod
    def resolve_tags(obj: Thread) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_provenance(obj: Thread) -> ProvenanceOut | None:
        return provenance_of(obj)

    @staticmethod
    def resolve_replies(obj: Thread) -> list[Reply]:
        return list(obj.replies.all())

    @staticmethod
    def resolve_accepted_reply_id(obj: Thread) -> int | None:
        # Named only to those who may read it: a hidden accepted answer is no one's business
        # but its author's and the stewards' (``replies`` holds what the caller may see).
        if obj.accepted_reply_id is None:
            return None
        return (
            obj.accepted_reply_id
            if any(r.pk == obj.accepted_reply_id for r in obj.replies.all())
            else None
        )


class AcknowledgementOut(Schema):
    id: int
    thread_id: int
    reply_id: int | None
    created_at: datetime


@router.get(
    "/communities/{slug}/threads",
    auth=PUBLIC_READ,
    response={200: PageOut[ThreadSummaryOut], **ERRORS_READ},
    summary="List a community's threads",
)
def thread_list(request: HttpRequest, slug: Slug, filters: Query[ThreadFilters]) -> Any:
    """Most recently active first; filter by kind and tag."""
    community = community_get_readable(slug=slug, user=caller(request))
    threads = selectors.thread_list(
        community=community, user=caller(request), kind=filters.kind, tag=filters.tag
    )
    # The count annotation makes Django drop Meta.ordering; pages need a fixed order.
    return page_of(
        threads.select_related("community").order_by("-last_activity_at", "-id"), filters
    )


@router.post(
    "/communities/{slug}/threads",
    response={201: ThreadOut, **ERRORS_WRITE},
    summary="Start a thread",
)
def thread_create(request: HttpRequest, slug: Slug, payload: ThreadIn) -> Any:
    """Members start threads. A story may be told in parts (context, what_happened,
    learned, differently) instead of, or beside, a body."""
    user = signed_in(request)
    community = community_get_readable(slug=slug, user=user)
    fields = payload.dict()
    circle_slug = fields.pop("circle")
    circle = (
        None
        if circle_slug is None
        else circle_get(community=community, slug=circle_slug, user=user)
    )
    thread = services.thread_create(community=community, author=user, circle=circle, **fields)
    return Status(201, selectors.thread_get(thread_id=thread.pk, user=user))


@router.get(
    "/threads/{id}",
    auth=PUBLIC_READ,
    response={200: ThreadOut, **ERRORS_READ},
    summary="Read a thread with its replies",
)
def thread_detail(request: HttpRequest, id: ObjectId) -> Any:
    return selectors.thread_get(thread_id=id, user=caller(request))


@router.post(
    "/threads/{id}/replies",
    response={201: ReplyOut, **ERRORS_WRITE},
    summary="Reply to a thread",
)
def reply_create(request: HttpRequest, id: ObjectId, payload: ReplyIn) -> Any:
    """Answer the thread, or comment on one of its replies by naming it as ``parent``."""
    user = signed_in(request)
    thread = selectors.thread_get(thread_id=id, user=user)
    parent = None if payload.parent is None else _parent_reply(payload.parent, user)
    reply = services.reply_create(thread=thread, author=user, body=payload.body, parent=parent)
    return Status(201, reply)


def _parent_reply(reply_id: int, user: User) -> Reply:
    try:
        return selectors.reply_get(reply_id=reply_id, user=user)
    except NotFound as exc:  # the id came in the body: name the field it came from
        raise NotFound(exc.message, field="parent") from exc


@router.post(
    "/replies/{id}/accept",
    response={200: ThreadOut, **ERRORS_WRITE},
    summary="Accept the reply that resolved your question",
)
def reply_accept(request: HttpRequest, id: ObjectId) -> Any:
    """Only the person who asked the question or ask can accept, and only an answer.
    Answers with the thread as it now stands."""
    user = signed_in(request)
    reply = selectors.reply_get(reply_id=id, user=user)
    services.reply_accept(reply=reply, actor=user)
    return selectors.thread_get(thread_id=reply.thread_id, user=user)


@router.post(
    "/replies/{id}/acknowledge",
    response={201: AcknowledgementOut, **ERRORS_WRITE},
    summary="Say a reply helped you",
)
def reply_acknowledge(request: HttpRequest, id: ObjectId) -> Any:
    """Not for your own reply; saying it twice is a conflict (409)."""
    user = signed_in(request)
    reply = selectors.reply_get(reply_id=id, user=user)
    ack = services.acknowledgement_create(person=user, thread=reply.thread, reply=reply)
    return Status(201, ack)


@router.post(
    "/threads/{id}/acknowledge",
    response={201: AcknowledgementOut, **ERRORS_WRITE},
    summary="Say a story helped you",
)
def story_acknowledge(request: HttpRequest, id: ObjectId) -> Any:
    user = signed_in(request)
    thread = selectors.thread_get(thread_id=id, user=user)
    return Status(201, services.acknowledgement_create(person=user, thread=thread))
