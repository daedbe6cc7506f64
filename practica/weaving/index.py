"""The one adapter from the database to the rankers, and the per-process cache.

``community_corpus`` reads a community's threads, replies, acknowledgements
and people into engine records. ``indexes_for`` keeps one built index per
community in memory and rebuilds it when the community has changed; the
check is a few aggregate queries, made at most every ``RECHECK_SECONDS``, off
the request path.

Visibility is not decided here: an index holds a whole community, and every
caller filters what it returns through ``Thread.objects.visible_to`` (see
``selectors.py``).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.env import envbool
from practica.exchange.models import Reply, Thread
from practica.weaving.engine.dense import load_encoder
from practica.weaving.engine.experts import ExpertIndex
from practica.weaving.engine.records import Corpus, PersonDoc, ReplyDoc, ThreadDoc
from practica.weaving.engine.related import RelatedIndex
from practica.weaving.engine.text import clean_text

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 15.0
MAX_CACHED = 16

STORY_FIELDS = ("body", "context", "what_happened", "learned", "differently")


@dataclass(slots=True)
class CommunityIndexes:
    community_id: int
    signature: tuple[object, ...]
    checked_at: float
    related: RelatedIndex
    experts: ExpertIndex
    source_ids: dict[int, str]
    person_source_ids: dict[int, str]
    reply_counts: dict[int, int]
    # Unique per build, so that anything derived from an index can name it safely.
    version: int = 0
    # The community's removals token when the build began: while it is unchanged, nothing
    # indexed was deleted or moved out (see ``visibility.Existence``).
    removals: int = 0


def community_corpus(community: Community) -> Corpus:
    """Everything said in a community, as engine records (no visibility filter)."""
    corpus = Corpus()
    rows = (
        Thread.objects.filter(community=community)
        .order_by("id")
        .values_list(
            "id", "title", *STORY_FIELDS, "created_at", "kind", "author_id",
            "accepted_reply_id", "source_id",
        )
    )  # fmt: skip
    tags: dict[int, list[str]] = {}
    through = Thread.tags.through.objects.filter(thread__community=community)
    for thread_id, name in through.values_list("thread_id", "tag__name"):
        tags.setdefault(thread_id, []).append(name)
    for key, title, body, *parts, created, kind, author, accepted, source_id in rows:
        corpus.threads.append(
            ThreadDoc(
                key=key,
                title=title,
                body="\n".join([body, *[p for p in parts if p]]),
                created_at=created,
                kind=kind,
                tags=tuple(sorted(tags.get(key, ()))),
                author=author,
                accepted_reply=accepted,
                source_id=source_id,
            )
        )
    replies = (
        # Replies hidden by moderation (spam, abuse) teach nothing about who knows what.
        Reply.objects.filter(thread__community=community, hidden_at__isnull=True)
        .annotate(acks=Count("acknowledgements"))
        .order_by("id")
        .values_list("id", "thread_id", "body", "created_at", "kind", "author_id", "score", "acks")
    )
    for key, thread, body, created, kind, author, score, acks in replies:
        corpus.replies.append(
            ReplyDoc(
                key=key,
                thread=thread,
                body=body,
                created_at=created,
                kind=kind,
                author=author,
                score=score,
                acknowledgements=acks,
            )
        )
    authors = {t.author for t in corpus.threads} | {r.author for r in corpus.replies}
    people = User.objects.filter(pk__in=[a for a in authors if a is not None])
    for key, name, source_id, is_system in people.values_list(
        "id", "display_name", "source_id", "is_system"
    ):
        corpus.people.append(
            PersonDoc(key=key, name=name, source_id=source_id, is_system=is_system)
        )
    return corpus


def community_signature(community: Community) -> tuple[object, ...]:
    """Changes whenever a thread, reply or acknowledgement is added, edited, removed,
    moved to another circle, hidden or shown again."""
    threads = Thread.objects.filter(community=community).aggregate(
        n=Count("id"), last=Max("last_activity_at"), edited=Max("edited_at"), top=Max("id"),
        # Moving a thread between circles changes who may see it.
        in_circles=Count("circle"), circles=Sum(F("id") * F("circle_id")),
        hidden=Count("hidden_at"), hidden_ids=Sum("id", filter=Q(hidden_at__isnull=False)),
    )  # fmt: skip
    replies = Reply.objects.filter(thread__community=community).aggregate(
        n=Count("id"), top=Max("id"), edited=Max("edited_at"),
        acks=Count("acknowledgements", filter=Q(acknowledgements__isnull=False)),
        # Acknowledgements multiply the rows: count each hidden reply once.
        hidden=Count("id", filter=Q(hidden_at__isnull=False), distinct=True),
        hidden_ids=Sum("id", filter=Q(hidden_at__isnull=False), distinct=True),
    )  # fmt: skip
    return (*threads.values(), *replies.values())


def dense_text(thread: ThreadDoc) -> str:
    return clean_text(f"{thread.title}\n{thread.body}")


def thread_vectors(corpus: Corpus, community_id: int) -> np.ndarray | None:
    """Sentence vectors of every thread, when the optional encoder is on and installed.

    Vectors are kept in ``PRACTICA_HOME/weaving/`` keyed by thread and text digest,
    so a rebuild only encodes the threads that are new or were edited.
    """
    if not envbool("PRACTICA_WEAVING_DENSE", default=False):
        return None
    encoder = load_encoder()
    if encoder is None:
        logger.warning("PRACTICA_WEAVING_DENSE is on but the encoder is not installed")
        return None
    texts = [dense_text(t) for t in corpus.threads]
    digests = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:16] for t in texts]
    store = Path(settings.PRACTICA_HOME) / "weaving" / f"vectors-{community_id}.npz"
    known: dict[tuple[int, str], np.ndarray] = {}
    if store.exists():
        with np.load(store) as saved:
            for key, digest, vector in zip(
                saved["keys"], saved["digests"], saved["vectors"], strict=True
            ):
                known[(int(key), str(digest))] = vector
    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    missing = []
    for i, (thread, digest) in enumerate(zip(corpus.threads, digests, strict=True)):
        found = known.get((thread.key, digest))
        if found is None:
            missing.append(i)
        else:
            vectors[i] = found
    if missing:
        vectors[missing] = encoder.encode([texts[i] for i in missing])
        store.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array([t.key for t in corpus.threads], dtype=np.int64)
        np.savez(store, keys=keys, digests=np.array(digests), vectors=vectors)
    return vectors


def build_indexes(community: Community, *, signature: tuple[object, ...] = ()) -> CommunityIndexes:
    from practica.weaving.visibility import clock_tokens

    # Read before the corpus: a removal after this moment changes it, so is never missed.
    removals = clock_tokens(community.pk)[1]
    corpus = community_corpus(community)
    vectors = thread_vectors(corpus, community.pk)
    encoder = load_encoder() if vectors is not None else None
    related = RelatedIndex(
        corpus, vectors=vectors, encode=encoder.encode if encoder is not None else None
    )
    experts = ExpertIndex(corpus, now=timezone.now(), related=related)
    return CommunityIndexes(
        community_id=community.pk,
        signature=signature,
        checked_at=time.monotonic(),
        related=related,
        experts=experts,
        source_ids={t.key: t.source_id for t in corpus.threads if t.source_id},
        person_source_ids={p.key: p.source_id for p in corpus.people if p.source_id},
        reply_counts=dict(Counter(r.thread for r in corpus.replies)),
        version=next(_builds),
        removals=removals,
    )


_builds = itertools.count(1)
_refreshing: set[int] = set()
#: Refresh in a background thread (off in tests, where everything runs in one transaction).
BACKGROUND = True
_cache: OrderedDict[int, CommunityIndexes] = OrderedDict()
_lock = threading.Lock()


def indexes_for(community: Community) -> CommunityIndexes:
    """The community's indexes; the first call builds them, and later calls never wait.

    Every ``RECHECK_SECONDS`` a background thread compares the community's
    signature and rebuilds when it changed; meanwhile the current indexes keep
    serving (a new thread is suggested a few seconds after it is written).
    """
    refresh = False
    with _lock:
        cached = _cache.get(community.pk)
        if cached is not None:
            _cache.move_to_end(community.pk)
            stale = time.monotonic() - cached.checked_at >= RECHECK_SECONDS
            if stale and community.pk not in _refreshing:
                _refreshing.add(community.pk)
                refresh = True
    if cached is None:
        built = build_indexes(community, signature=community_signature(community))
        _store(built)
        return built
    if refresh and BACKGROUND:
        threading.Thread(
            target=_refresh, args=(community.pk,), daemon=True, name="weaving-refresh"
        ).start()
    elif refresh:
        _refresh(community.pk, close=False)
        with _lock:
            return _cache.get(community.pk, cached)
    return cached


def _store(built: CommunityIndexes) -> None:
    with _lock:
        _cache[built.community_id] = built
        _cache.move_to_end(built.community_id)
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)


def _refresh(community_id: int, *, close: bool = True) -> None:
    try:
        community = Community.objects.filter(pk=community_id).first()
        if community is None:
            indexes_forget(community_id)
            return
        signature = community_signature(community)
        with _lock:
            cached = _cache.get(community_id)
        if cached is not None and cached.signature == signature:
            cached.checked_at = time.monotonic()
        else:
            _store(build_indexes(community, signature=signature))
    finally:
        with _lock:
            _refreshing.discard(community_id)
        if close:
            # A thread of its own has a connection of its own: give it back.
            connection.close()


def indexes_forget(community_id: int | None = None) -> None:
    """Drop cached indexes (tests, and after a bulk import in the same process)."""
    with _lock:
        if community_id is None:
            _cache.clear()
        else:
            _cache.pop(community_id, None)


def mask_of(keys: np.ndarray, wanted: list[int] | set[int]) -> np.ndarray:
    return np.isin(keys, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
