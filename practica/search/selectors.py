"""Ranked full-text search over a community's threads and replies.

``search_threads`` is the one way in, for pages and the API alike. It reads
only threads from ``Thread.objects.visible_to(user)``, and never matches a
reply in ``Reply.objects.hidden_from(user)``, so search never shows what the
person could not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from practica.communities.circles import attribution_for, named_authorship
from practica.communities.models import Community
from practica.communities.selectors import AnyUser
from practica.core.errors import InvalidInput
from practica.exchange.models import Reply, Thread, ThreadKind
from practica.search.backends import backend_for
from practica.search.query import parse_query
from practica.search.text import snippet_html

MAX_LIMIT = 100
#: Deep pages cost as much as the pages before them; nobody reads that far.
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class SearchHit:
    thread_id: int
    title: str
    kind: str
    #: Escaped text around the matches, each match inside ``<mark>``: safe to show as HTML.
    snippet_html: str
    score: float
    created_at: datetime
    author_username: str | None
    #: Where the best match was: the thread itself, or one of its replies (``reply_id``).
    matched_in: Literal["thread", "reply"]
    reply_id: int | None
    is_resolved: bool


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[SearchHit]
    #: The query as it was understood ("" when there was nothing to look for).
    query: str
    limit: int = 20
    offset: int = 0

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.total


def _start(day: date) -> datetime:
    if isinstance(day, datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _filtered(
    threads: QuerySet[Thread],
    *,
    kind: str | None,
    tag: str | None,
    author: str | None,
    since: date | None,
    until: date | None,
) -> QuerySet[Thread]:
    if kind:
        if kind not in ThreadKind.values:
            raise InvalidInput(f"kind must be one of {', '.join(ThreadKind.values)}", field="kind")
        threads = threads.filter(kind=kind)
    if tag:
        threads = threads.filter(tags__name=tag.strip().lower())
    if author:
        threads = threads.filter(author__username=author.strip().lstrip("@"))
    if since is not None and until is not None and _start(since) > _start(until):
        raise InvalidInput("the start date is after the end date", field="since")
    if since is not None:
        threads = threads.filter(created_at__gte=_start(since))
    if until is not None:
        # A day includes all of itself; a moment is taken as it is.
        if isinstance(until, datetime):
            threads = threads.filter(created_at__lte=_start(until))
        else:
            threads = threads.filter(created_at__lt=_start(until + timedelta(days=1)))
    return threads


def search_threads(
    *,
    user: AnyUser,
    community: Community,
    q: str,
    kind: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Threads of ``community`` that match ``q``, best first, one hit per thread.

    ``q`` is read leniently (see ``practica.search.query``) and never causes an
    error; a query with nothing to look for gives an empty page. Filters that
    make no sense (an unknown kind, a start after the end, a bad page size)
    raise ``InvalidInput`` naming the field. ``since`` and ``until`` are days
    (inclusive) or moments.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"offset must be between 0 and {MAX_OFFSET}", field="offset")
    threads = _filtered(
        Thread.objects.visible_to(user).filter(community=community),
        kind=kind,
        tag=tag,
        author=author,
        since=since,
        until=until,
    )
    if author:
        # Under the Chatham House rule nobody's words are found by their name from outside.
        threads = threads.filter(named_authorship(user))
    query = parse_query(q)
    if query.is_empty:
        return SearchPage(total=0, hits=[], query="", limit=limit, offset=offset)
    connection = connections[threads.db]
    backend = backend_for(connection)
    matches, total = backend.best_matches(
        connection,
        query=query,
        threads=threads,
        hidden_replies=Reply.objects.hidden_from(user),
        limit=limit,
        offset=offset,
    )
    snippets = backend.snippets(connection, query=query, matches=matches)
    # The page's threads, read through the funnel again (a match is only an id).
    # By id alone: with the community filter too, SQLite would walk the whole
    # community by its index instead of looking up twenty rows.
    found = (
        Thread.objects.visible_to(user)
        .filter(pk__in=[m.thread_id for m in matches])
        .select_related("author", "circle")
        .with_resolution()  # an accepted answer hidden by moderation resolves nothing
    )
    by_id = {thread.pk: thread for thread in found}
    hits = [
        _hit(by_id[m.thread_id], m.reply_id, m.score, snippets.get(m.document, ""), user)
        for m in matches
        if m.thread_id in by_id
    ]
    return SearchPage(total=total, hits=hits, query=query.text(), limit=limit, offset=offset)


def _hit(
    thread: Thread, reply_id: int | None, score: float, marked: str, user: AnyUser
) -> SearchHit:
    author = attribution_for(thread, user).person  # None outside a Chatham House circle
    return SearchHit(
        thread_id=thread.pk,
        title=thread.title,
        kind=thread.kind,
        snippet_html=snippet_html(marked),
        score=score,
        created_at=thread.created_at,
        author_username=author.username if author else None,
        matched_in="thread" if reply_id is None else "reply",
        reply_id=reply_id,
        is_resolved=thread.is_resolved,
    )
