"""Writes of knowledge exchange: threads, replies, edits, acceptance, acknowledgements.

Every interaction between two people is recorded in the ledger here, in the
same transaction as the write it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.circles import agreement_pending
from practica.communities.models import Circle, CircleMembership, CircleTier, Community
from practica.communities.selectors import is_member
from practica.core.errors import Conflict, InvalidInput, NotAllowed
from practica.core.text import find_mentions
from practica.exchange.models import (
    RESOLVABLE_KINDS,
    Acknowledgement,
    Reply,
    ReplyKind,
    Revision,
    Tag,
    Thread,
    ThreadKind,
)
from practica.ledger.models import Verb
from practica.ledger.services import EventSpec, event_record
from practica.trust.capabilities import trust_require, trust_require_edit

STORY_PARTS = ("context", "what_happened", "learned", "differently")
MAX_TAGS = 8
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#.\-]{0,63}$")


def normalise_tags(raw: Iterable[str]) -> list[str]:
    """Lower-case, hyphenated, unique tag names; a clear error for anything else."""
    names: list[str] = []
    for item in raw:
        name = re.sub(r"\s+", "-", item.strip().lower())
        if not name:
            continue
        if not TAG_RE.match(name):
            raise InvalidInput(
                f"tag {item!r}: use letters, digits, '-', '+', '#' or '.'", field="tags"
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags", field="tags")
    return names


def _tags_for(community: Community, names: Sequence[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(community=community, name__in=names)}
    missing = [Tag(community=community, name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(community=community, name__in=names)}
    return [existing[n] for n in names]


def _require_member(community: Community, user: User, doing: str) -> None:
    if not is_member(community=community, user=user):
        raise NotAllowed(f"join {community.name} to {doing}")
    pending = agreement_pending(community=community, person=user)
    if pending is not None:
        raise NotAllowed(
            f"the agreements of {community.name} changed: accept version {pending.version} "
            f"to {doing}"
        )


def _require_circle_voice(community: Community, circle: Circle, person: User) -> None:
    """Only a closed circle's own members speak in it; other tiers follow the community."""
    if circle.community_id != community.pk:
        raise InvalidInput("that circle belongs to another community", field="circle")
    closed = circle.tier in {CircleTier.PRIVATE, CircleTier.CONFIDENTIAL}
    if closed and not CircleMembership.objects.filter(circle=circle, user=person).exists():
        raise NotAllowed(f"only members of the circle {circle.name} can post in it")
    pending = agreement_pending(community=community, person=person, circle=circle)
    if pending is not None:
        raise NotAllowed(
            f"accept the agreements of the circle {circle.name} (version {pending.version}) "
            "to post in it"
        )


def _record_mentions(*, community: Community, actor: User, text: str, obj: Thread | Reply) -> None:
    names = find_mentions(text)
    if not names:
        return
    mentioned = User.objects.filter(
        username__in=names, memberships__community=community
    ).values_list("pk", flat=True)
    thread_id = obj.pk if isinstance(obj, Thread) else obj.thread_id
    for person_id in mentioned:
        event_record(
            EventSpec(
                community_id=community.pk,
                actor_id=actor.pk,
                target_id=person_id,
                verb=Verb.MENTIONED,
                object_type=type(obj).__name__.lower(),
                object_id=obj.pk,
                thread_id=thread_id,
                key=f"mention:{type(obj).__name__.lower()}:{obj.pk}:{person_id}",
            )
        )


def _check_thread_text(*, kind: str, title: str, body: str, parts: dict[str, str]) -> None:
    if kind not in ThreadKind.values:
        raise InvalidInput(f"kind must be one of {', '.join(ThreadKind.values)}", field="kind")
    if not title.strip():
        raise InvalidInput("a thread needs a title", field="title")
    if len(title) > 300:
        raise InvalidInput("a title has at most 300 characters", field="title")
    if kind == ThreadKind.STORY:
        if not body.strip() and not any(v.strip() for v in parts.values()):
            raise InvalidInput(
                "a story needs a body or at least one of its parts "
                "(context, what happened, what we learned, what we would do differently)",
                field="body",
            )
    elif not body.strip():
        raise InvalidInput("a thread needs a body", field="body")
    elif any(v.strip() for v in parts.values()):
        raise InvalidInput("only a story has parts", field=next(k for k, v in parts.items() if v))


@transaction.atomic
def thread_create(
    *,
    community: Community,
    author: User,
    kind: str,
    title: str,
    body: str = "",
    tags: Iterable[str] = (),
    context: str = "",
    what_happened: str = "",
    learned: str = "",
    differently: str = "",
    circle: Circle | None = None,
) -> Thread:
    _require_member(community, author, "start a thread")
    if circle is not None:
        _require_circle_voice(community, circle, author)
    parts = {
        "context": context,
        "what_happened": what_happened,
        "learned": learned,
        "differently": differently,
    }
    _check_thread_text(kind=kind, title=title, body=body, parts=parts)
    trust_require(author, "post", community, text=" ".join([title, body, *parts.values()]))
    tag_names = normalise_tags(tags)
    now = timezone.now()
    thread = Thread.objects.create(
        community=community,
        circle=circle,
        author=author,
        kind=kind,
        title=title.strip(),
        body=body,
        created_at=now,
        last_activity_at=now,
        **{k: v.strip() for k, v in parts.items()},
    )
    if tag_names:
        thread.tags.set(_tags_for(community, tag_names))
    _record_mentions(
        community=community, actor=author, text=" ".join([body, *parts.values()]), obj=thread
    )
    return thread


@transaction.atomic
def thread_edit(
    *,
    thread: Thread,
    editor: User,
    reason: str = "",
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    **parts: str,
) -> Thread:
    """Change a thread, keeping what it said before in its edit history."""
    trust_require_edit(
        editor,
        thread,
        reason=reason,
        text=" ".join([title or "", body or "", *parts.values()]),
        tags_only=title is None and body is None and not parts,
    )
    unknown = set(parts) - set(STORY_PARTS)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    new_parts = {p: parts.get(p, getattr(thread, p)) for p in STORY_PARTS}
    new_title = thread.title if title is None else title
    new_body = thread.body if body is None else body
    _check_thread_text(kind=thread.kind, title=new_title, body=new_body, parts=new_parts)
    snapshot = {
        "title": thread.title,
        "body": thread.body,
        "tags": sorted(t.name for t in thread.tags.all()),
        **{p: getattr(thread, p) for p in STORY_PARTS},
    }
    Revision.objects.create(thread=thread, editor=editor, snapshot=snapshot, reason=reason)
    thread.title = new_title.strip()
    thread.body = new_body
    for name, value in new_parts.items():
        setattr(thread, name, value.strip())
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", *STORY_PARTS, "edited_at"])
    if tags is not None:
        thread.tags.set(_tags_for(thread.community, normalise_tags(tags)))
    return thread


@transaction.atomic
def reply_create(*, thread: Thread, author: User, body: str, parent: Reply | None = None) -> Reply:
    """Reply to a thread, or comment on a reply (one level: a comment on a comment
    attaches to the same reply)."""
    community = thread.community
    _require_member(community, author, "reply")
    if not body.strip():
        raise InvalidInput("a reply needs a body", field="body")
    trust_require(author, "reply", community, text=body)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise InvalidInput("the parent reply belongs to another thread", field="parent")
        if parent.parent_id is not None:
            parent = parent.parent
    now = timezone.now()
    reply = Reply.objects.create(
        thread=thread,
        author=author,
        parent=parent,
        kind=ReplyKind.COMMENT if parent else ReplyKind.ANSWER,
        body=body,
        created_at=now,
    )
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=now)
    target_id = parent.author_id if parent is not None else thread.author_id
    event_record(
        EventSpec(
            community_id=community.pk,
            actor_id=author.pk,
            target_id=target_id,
            verb=Verb.REPLIED,
            object_type="reply",
            object_id=reply.pk,
            thread_id=thread.pk,
            occurred_at=now,
            key=f"reply:{reply.pk}",
        )
    )
    _record_mentions(community=community, actor=author, text=body, obj=reply)
    return reply


@transaction.atomic
def reply_edit(*, reply: Reply, editor: User, body: str, reason: str = "") -> Reply:
    trust_require_edit(editor, reply, reason=reason, text=body)
    if not body.strip():
        raise InvalidInput("a reply needs a body", field="body")
    Revision.objects.create(
        thread_id=reply.thread_id,
        reply=reply,
        editor=editor,
        snapshot={"body": reply.body},
        reason=reason,
    )
    reply.body = body
    reply.edited_at = timezone.now()
    reply.save(update_fields=["body", "edited_at"])
    return reply


@transaction.atomic
def reply_accept(*, reply: Reply, actor: User) -> Reply:
    """The asker marks the reply that resolved their question or ask."""
    thread = reply.thread
    if thread.kind not in RESOLVABLE_KINDS:
        raise InvalidInput("only questions and asks can have an accepted reply", field="reply")
    if thread.author_id != actor.pk:
        raise NotAllowed("only the person who asked can accept a reply")
    if reply.parent_id is not None:
        raise InvalidInput("accept an answer, not a comment on one", field="reply")
    if thread.accepted_reply_id == reply.pk:
        return reply
    thread.accepted_reply = reply
    thread.save(update_fields=["accepted_reply"])
    event_record(
        EventSpec(
            community_id=thread.community_id,
            actor_id=actor.pk,
            target_id=reply.author_id,
            verb=Verb.ACCEPTED,
            object_type="reply",
            object_id=reply.pk,
            thread_id=thread.pk,
            key=f"accept:{reply.pk}",
        )
    )
    return reply


@transaction.atomic
def acknowledgement_create(
    *, person: User, thread: Thread, reply: Reply | None = None
) -> Acknowledgement:
    """ "This helped me", on a reply or on a story. Saying it twice is a conflict."""
    if reply is not None and reply.thread_id != thread.pk:
        raise InvalidInput("the reply belongs to another thread", field="reply")
    if reply is None and thread.kind != ThreadKind.STORY:
        raise InvalidInput("acknowledge a reply, or a story", field="thread")
    helper_id = reply.author_id if reply is not None else thread.author_id
    if helper_id == person.pk:
        raise NotAllowed("you cannot acknowledge your own contribution")
    _require_member(thread.community, person, "say this helped you")
    trust_require(person, "acknowledge", thread.community)
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(person=person, thread=thread, reply=reply)
    except IntegrityError as exc:
        raise Conflict("you already said this helped you") from exc
    event_record(
        EventSpec(
            community_id=thread.community_id,
            actor_id=person.pk,
            target_id=helper_id,
            verb=Verb.ACKNOWLEDGED,
            object_type="reply" if reply is not None else "thread",
            object_id=reply.pk if reply is not None else thread.pk,
            thread_id=thread.pk,
            key=f"ack:{ack.pk}",
        )
    )
    return ack
