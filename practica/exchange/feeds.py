"""Atom feeds: a community's latest threads, and a thread's replies.

Feed readers do not log in. A feed is read as an anonymous visitor, so a
members-only community has no feed (404) unless the URL carries the person's
own feed token (``?token=``), which reads as that person.

Whatever the reader, feeds never carry what is said in private or confidential
circles: feed readers are often services run by others, and a closed circle's
words must not end up in them. Members' circles are in a member's own feed. The
Chatham House rule applies as on every other channel (``attribution_for``).

A feed token is an HMAC of the person's id and password hash: it needs no
table, and changing the password (or deleting the account) invalidates every
feed URL of the person at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.feedgenerator import Atom1Feed

from practica.accounts.models import User
from practica.communities.circles import attribution_for
from practica.communities.models import CLOSED_TIERS, Community
from practica.communities.selectors import AnyUser, community_get_readable, is_member
from practica.core.errors import NotFound
from practica.core.text import excerpt, render_markdown
from practica.exchange.models import Reply, Thread
from practica.exchange.selectors import thread_get

FEED_SIZE = 30
_SALT = "practica.exchange.feeds"


def feed_token(user: User) -> str:
    digest = salted_hmac(_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()
    return f"{user.pk}-{digest[:40]}"


def reader_of(token: str) -> User | AnonymousUser:
    """The person a feed token belongs to, or an anonymous reader (a wrong token too)."""
    pk, _, digest = (token or "").partition("-")
    if not pk.isdigit() or not digest or len(pk) > 18:
        return AnonymousUser()
    user = User.objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        return AnonymousUser()
    return user


def feedable(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Closed circles never reach a feed."""
    return threads.filter(Q(circle__isnull=True) | ~Q(circle__tier__in=CLOSED_TIERS))


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    author: str
    html: str
    published: datetime
    updated: datetime


@dataclass(frozen=True)
class Source:
    title: str
    link: str
    subtitle: str
    entries: list[Entry]


def _reader(request: HttpRequest) -> User | AnonymousUser:
    return reader_of(request.GET.get("token", ""))


def _thread_url(thread: Thread) -> str:
    return reverse("exchange:thread", args=[thread.community.slug, thread.pk])


def _thread_html(thread: Thread) -> str:
    parts = [render_markdown(thread.body)] if thread.body else []
    for label, text in thread.story_parts:
        parts.append(f"<h2>{label}</h2>{render_markdown(text)}")
    return "".join(parts)


class CommunityFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Source:
        reader = _reader(request)
        try:
            community = community_get_readable(slug=slug, user=reader)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        threads = (
            feedable(Thread.objects.visible_to(reader))
            .filter(community=community)
            .select_related("author", "circle", "community")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )
        return Source(
            title=community.name,
            link=reverse("communities:detail", args=[community.slug]),
            subtitle=_subtitle(community),
            entries=[
                Entry(
                    title=t.title,
                    link=_thread_url(t),
                    author=attribution_for(t, reader).name,
                    html=_thread_html(t),
                    published=t.created_at,
                    updated=t.edited_at or t.created_at,
                )
                for t in threads
            ],
        )

    def title(self, obj: Source) -> str:
        return obj.title

    def link(self, obj: Source) -> str:
        return obj.link

    def subtitle(self, obj: Source) -> str:
        return obj.subtitle

    def items(self, obj: Source) -> list[Entry]:
        return obj.entries

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_description(self, item: Entry) -> str:
        return item.html

    def item_author_name(self, item: Entry) -> str:
        return item.author

    def item_pubdate(self, item: Entry) -> datetime:
        return item.published

    def item_updateddate(self, item: Entry) -> datetime:
        return item.updated


def _subtitle(community: Community) -> str:
    return excerpt(community.purpose or community.domain or f"Threads of {community.name}", 200)


class ThreadFeed(CommunityFeed):
    """A thread's replies, oldest first (as on the page)."""

    def get_object(self, request: HttpRequest, slug: str, thread_id: int) -> Source:  # type: ignore[override]
        reader = _reader(request)
        try:
            thread = thread_get(thread_id=thread_id, user=reader)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        if thread.community.slug != slug or not feedable(Thread.objects.filter(pk=thread.pk)):
            raise Http404(f"no thread {thread_id}")
        url = _thread_url(thread)
        replies: list[Reply] = list(thread.replies.all())[-FEED_SIZE:]
        return Source(
            title=f"{thread.title} · {thread.community.name}",
            link=url,
            subtitle=f"Replies to “{excerpt(thread.title, 120)}”",
            entries=[
                Entry(
                    title=f"{'Comment' if r.parent_id else 'Reply'} by "
                    f"{attribution_for(r, reader).name}",
                    link=f"{url}#reply-{r.pk}",
                    author=attribution_for(r, reader).name,
                    html=render_markdown(r.body),
                    published=r.created_at,
                    updated=r.edited_at or r.created_at,
                )
                for r in replies
            ],
        )


def feed_url_for(
    *,
    community: Community,
    user: AnyUser,
    thread: Thread | None = None,
    member: bool | None = None,
) -> str:
    """The feed address to offer this person: with their own token when they are a member
    (an anonymous reader would miss members-only content, or get no feed at all). Pages
    that know already whether the person is a ``member`` say so, saving a query."""
    if thread is None:
        url = reverse("feeds:community", args=[community.slug])
    else:
        url = reverse("feeds:thread", args=[community.slug, thread.pk])
    if member is None:
        member = isinstance(user, User) and is_member(community=community, user=user)
    if member and isinstance(user, User):
        return f"{url}?token={feed_token(user)}"
    return url
