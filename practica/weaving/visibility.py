"""Which indexed threads a viewer may read, and which may speak for a person: exact and cheap.

The permission funnel (``Thread.objects.visible_to``) is a query over every
thread of a community: far too slow to run on each keystroke of a large one.
What it decides depends on two things only:

- the state of the community's content: the community's visibility, each
  circle's tier and rule, and which threads sit in a circle or are hidden by
  moderation (``VisibilityState``). Database triggers (installed after every
  migration, see ``triggers_install``) write a fresh random token into
  ``VisibilityClock`` whenever any of it changes, on any channel: services,
  ``QuerySet.update``, the admin, another process. Each query reads the token
  (one indexed row) and reuses the state only while it is unchanged;
- the viewer's class (``Viewer``): active member or not, steward or not,
  superuser or not, and the set of the community's circles they belong to.
  It is read afresh on every query (two indexed lookups), so joining or
  leaving a circle or the community shows at once.

Masks are computed from those two with numpy and kept per (index, token,
class), so every member with the same circles shares one. The rule below is
the funnel's own, and ``tests/test_visibility.py`` checks it against the
funnel for every kind of viewer.

What was removed since the index was built (a thread or a reply deleted, a thread
moved to another community) is dropped from both masks as well: the delete triggers
also move a second token, the community's *removals* (the clock's row under the
negated community id), and the index keeps the removals token it was built under.
While the two agree nothing indexed can be gone and nothing is read; once they
differ, the first query reads which indexed threads and replies still exist
(``Existence``, kept per removals token).

Two masks:

- ``READ``: what the funnel lets the viewer read (lived before). A thread hidden
  by moderation stays readable to stewards and to its author.
- ``EVIDENCE``: what may speak for a person in "who knows". Hidden content
  never counts, for anyone; and a thread in a circle under the Chatham House
  rule is left out for viewers outside that circle, since a suggestion would
  attribute what was said in it to a person.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from practica.communities.models import (
    CLOSED_TIERS,
    Circle,
    CircleMembership,
    CircleTier,
    Community,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from practica.communities.selectors import AnyUser
from practica.exchange.models import Reply, Thread
from practica.weaving.index import CommunityIndexes
from practica.weaving.models import VisibilityClock

READ = "read"
EVIDENCE = "evidence"
NO_CIRCLE = -1
NOBODY = -1


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the funnel asks of a person, for one community."""

    user_id: int | None
    superuser: bool = False
    member: bool = False
    steward: bool = False
    circles: frozenset[int] = frozenset()

    @property
    def klass(self) -> tuple[object, ...]:
        """Everything the shared masks depend on (not who the person is)."""
        return (self.superuser, self.member, self.steward, tuple(sorted(self.circles)))


def viewer_of(user: AnyUser, community: Community) -> Viewer:
    if user is None or not user.is_authenticated:
        return Viewer(user_id=None)
    if user.is_superuser:
        return Viewer(user_id=user.pk, superuser=True)
    # Plain SQL: this runs on every keystroke, and the ORM's query building costs more
    # than the two indexed lookups themselves.
    with connection.cursor() as cursor:
        cursor.execute(_MEMBERSHIP_SQL, [user.pk, community.pk])
        membership = cursor.fetchone()
        cursor.execute(_CIRCLES_SQL, [user.pk, community.pk])
        circles = frozenset(row[0] for row in cursor.fetchall())
    active = membership is not None and membership[0] == MembershipStatus.ACTIVE
    return Viewer(
        user_id=user.pk,
        member=active,
        steward=active and membership is not None and membership[1] == Role.STEWARD,
        circles=circles,
    )


_MEMBERSHIP_SQL = (
    f"SELECT status, role FROM {Membership._meta.db_table} WHERE user_id = %s AND community_id = %s"
)
_CIRCLES_SQL = (
    f"SELECT m.circle_id FROM {CircleMembership._meta.db_table} m "
    f"JOIN {Circle._meta.db_table} c ON c.id = m.circle_id "
    "WHERE m.user_id = %s AND c.community_id = %s"
)


@dataclass(frozen=True, slots=True)
class VisibilityState:
    """A community's visibility, per indexed thread (positions of the index)."""

    public: bool
    circle: np.ndarray  # circle id, or NO_CIRCLE
    hidden: np.ndarray  # hidden by moderation
    author: np.ndarray  # author id of hidden threads (NOBODY otherwise, or when unknown)
    tiers: dict[int, str]
    chatham: frozenset[int]
    hidden_replies: np.ndarray  # sorted ids of replies hidden by moderation


def clock_token(community_id: int) -> int:
    """The community's current visibility token (0 until something changed)."""
    return clock_tokens(community_id)[0]


def clock_tokens(community_id: int) -> tuple[int, int]:
    """The community's visibility token and its removals token (each 0 until it moved),
    read together in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT community_id, token FROM {VisibilityClock._meta.db_table}"
            " WHERE community_id IN (%s, %s)",
            [community_id, -community_id],
        )
        found = dict(cursor.fetchall())
    return int(found.get(community_id, 0)), int(found.get(-community_id, 0))


@dataclass(frozen=True, slots=True)
class Existence:
    """What of the index no longer exists in the community (positions, reply ids)."""

    gone: np.ndarray | None  # per indexed thread; None when nothing is gone
    gone_replies: np.ndarray  # sorted ids of indexed replies deleted or moved away


NOTHING_GONE = Existence(gone=None, gone_replies=np.zeros(0, dtype=np.int64))


def existence_read(indexes: CommunityIndexes, community: Community) -> Existence:
    """Which indexed threads and replies are still where the index saw them."""
    thread, reply = Thread._meta.db_table, Reply._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {thread} WHERE community_id = %s", [community.pk])
        threads = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1)
        cursor.execute(
            f"SELECT r.id, r.thread_id FROM {reply} r JOIN {thread} t ON t.id = r.thread_id"
            " WHERE t.community_id = %s",
            [community.pk],
        )
        pairs = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    keys = indexes.related.keys
    gone = ~np.isin(keys, threads)
    experts = indexes.experts
    indexed = experts.c_reply >= 0
    ids, where = experts.c_reply[indexed], keys[experts.c_thread[indexed]]
    now_ids, now_where = pairs[:, 0], pairs[:, 1]
    order = np.argsort(now_ids)
    now_ids, now_where = now_ids[order], now_where[order]
    at = np.clip(np.searchsorted(now_ids, ids), 0, max(len(now_ids) - 1, 0))
    still = (
        (now_ids[at] == ids) & (now_where[at] == where)
        if len(now_ids)
        else np.zeros(len(ids), dtype=bool)
    )
    return Existence(gone=gone if gone.any() else None, gone_replies=np.unique(ids[~still]))


def state_read(indexes: CommunityIndexes, community: Community) -> VisibilityState:
    """Read what the funnel depends on: only threads in a circle or hidden, and circles."""
    position = indexes.related.position
    n = len(indexes.related.keys)
    circle = np.full(n, NO_CIRCLE, dtype=np.int64)
    hidden = np.zeros(n, dtype=bool)
    author = np.full(n, NOBODY, dtype=np.int64)
    circles = list(
        Circle.objects.filter(community=community).values_list("pk", "tier", "chatham_house")
    )
    # Two narrow reads, each on an index: threads in the circles, and hidden threads
    # (a partial index, see ``INDEXES``). Both are few beside the community.
    threads = Thread.objects.order_by()
    in_circles = threads.filter(circle_id__in=[pk for pk, _, _ in circles])
    for pk, circle_id in in_circles.values_list("pk", "circle_id"):
        at = position.get(pk)
        if at is not None:
            circle[at] = circle_id
    hidden_rows = threads.filter(hidden_at__isnull=False, community=community)
    for pk, author_id in hidden_rows.values_list("pk", "author_id"):
        at = position.get(pk)
        if at is not None:
            hidden[at] = True
            author[at] = author_id if author_id is not None else NOBODY
    replies = Reply.objects.filter(hidden_at__isnull=False, thread__community=community)
    public = (
        Community.objects.filter(pk=community.pk).values_list("visibility", flat=True).first()
        == Visibility.PUBLIC
    )
    return VisibilityState(
        public=public,
        circle=circle,
        hidden=hidden,
        author=author,
        tiers={pk: tier for pk, tier, _ in circles},
        chatham=frozenset(pk for pk, _, chatham in circles if chatham),
        hidden_replies=np.sort(
            np.fromiter(replies.order_by().values_list("pk", flat=True), dtype=np.int64)
        ),
    )


def _readable(state: VisibilityState, viewer: Viewer) -> np.ndarray:
    """The community and circle rules of the funnel (hidden threads aside)."""
    n = len(state.circle)
    if not (state.public or viewer.member or viewer.superuser):
        return np.zeros(n, dtype=bool)
    if viewer.superuser:
        return np.ones(n, dtype=bool)
    entered = [
        pk
        for pk, tier in state.tiers.items()
        if tier == CircleTier.OPEN
        or (tier == CircleTier.MEMBERS and viewer.member)
        or (tier in CLOSED_TIERS and viewer.member and pk in viewer.circles)
    ]
    return (state.circle == NO_CIRCLE) | _isin(state.circle, entered)


def mask_compute(state: VisibilityState, viewer: Viewer, purpose: str) -> np.ndarray:
    """The funnel's rule over the state, for a class of viewers (see the module's docstring)."""
    readable = _readable(state, viewer)
    if purpose == EVIDENCE:
        unnamed = [pk for pk in state.chatham if pk not in viewer.circles]
        return readable & ~state.hidden & ~_isin(state.circle, unnamed)
    if viewer.superuser or viewer.steward:
        return readable
    return readable & ~state.hidden


def _isin(values: np.ndarray, wanted: list[int]) -> np.ndarray:
    if not wanted:
        return np.zeros(len(values), dtype=bool)
    return np.isin(values, np.array(wanted, dtype=np.int64))


# The caches ------------------------------------------------------------------------------

_states: OrderedDict[tuple[int, int, int], VisibilityState] = OrderedDict()
_masks: OrderedDict[tuple[object, ...], np.ndarray] = OrderedDict()
_existence: OrderedDict[tuple[int, int, int], Existence] = OrderedDict()
_lock = threading.Lock()
MAX_STATES = 32
# A mask is a byte per thread (or per contribution): 128 of them stay in the tens of MB.
MAX_MASKS = 128


def forget() -> None:
    with _lock:
        _states.clear()
        _masks.clear()
        _existence.clear()


def _remember(cache: OrderedDict[Any, Any], key: object, value: object, limit: int) -> None:
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > limit:
            cache.popitem(last=False)


def _state(indexes: CommunityIndexes, community: Community, token: int) -> VisibilityState:
    key = (community.pk, indexes.version, token)
    with _lock:
        found = _states.get(key)
    if found is None:
        found = state_read(indexes, community)
        _remember(_states, key, found, MAX_STATES)
    return found


def _existing(indexes: CommunityIndexes, community: Community, removals: int) -> Existence:
    if removals == indexes.removals:
        return NOTHING_GONE  # nothing was removed since the index was built
    key = (community.pk, indexes.version, removals)
    with _lock:
        found = _existence.get(key)
    if found is None:
        found = existence_read(indexes, community)
        _remember(_existence, key, found, MAX_STATES)
    return found


def visibility_for(
    indexes: CommunityIndexes, user: AnyUser, community: Community, purpose: str
) -> tuple[np.ndarray, VisibilityState, Existence, tuple[object, ...]]:
    """The viewer's mask over the index (read-only), the state, what is gone, and the mask's
    cache key.

    The tokens are read before the state, so a state is never older than its key.
    """
    viewer = viewer_of(user, community)
    token, removals = clock_tokens(community.pk)
    key = (community.pk, indexes.version, token, removals, purpose, viewer.klass)
    state = _state(indexes, community, token)
    existence = _existing(indexes, community, removals)
    with _lock:
        mask = _masks.get(key)
    if mask is None:
        mask = mask_compute(state, viewer, purpose)
        if existence.gone is not None:
            mask &= ~existence.gone
        mask.flags.writeable = False
        _remember(_masks, key, mask, MAX_MASKS)
    if purpose == READ and viewer.user_id is not None and not (viewer.superuser or viewer.steward):
        # Their own hidden threads stay readable to authors (where the circle lets them in).
        own = state.hidden & (state.author == viewer.user_id)
        if existence.gone is not None:
            own &= ~existence.gone
        if own.any():
            mask = mask | (own & _readable(state, viewer))
    return mask, state, existence, key


def readable_mask(indexes: CommunityIndexes, user: AnyUser, community: Community) -> np.ndarray:
    """Per indexed thread: may this person read it (the funnel's answer)."""
    return visibility_for(indexes, user, community, READ)[0]


def evidence_masks(
    indexes: CommunityIndexes, user: AnyUser, community: Community
) -> tuple[np.ndarray, np.ndarray, tuple[object, ...]]:
    """Per indexed thread, and per contribution of the experts index: may it speak for a
    person in what this viewer is shown (hidden replies never do); and a name for the
    pair, unique while it holds (for what is derived from it)."""
    threads, state, existence, key = visibility_for(indexes, user, community, EVIDENCE)
    key = (*key, "contributions")
    with _lock:
        found = _masks.get(key)
    if found is None:
        left_out = state.hidden_replies
        if len(existence.gone_replies):
            left_out = np.union1d(left_out, existence.gone_replies)
        found = indexes.experts.contributions_visible(threads, left_out)
        found.flags.writeable = False
        _remember(_masks, key, found, MAX_MASKS)
    return threads, found, key


# The triggers that keep the clock --------------------------------------------------------

_THREAD_CHANGED = (
    "OLD.circle_id IS NOT NEW.circle_id OR OLD.hidden_at IS NOT NEW.hidden_at "
    "OR OLD.community_id IS NOT NEW.community_id OR OLD.author_id IS NOT NEW.author_id"
)
_REPLY_CHANGED = (
    "OLD.hidden_at IS NOT NEW.hidden_at OR OLD.thread_id IS NOT NEW.thread_id "
    "OR OLD.author_id IS NOT NEW.author_id"
)
_CIRCLE_CHANGED = (
    "OLD.tier IS NOT NEW.tier OR OLD.chatham_house IS NOT NEW.chatham_house "
    "OR OLD.community_id IS NOT NEW.community_id"
)
_COMMUNITY_CHANGED = "OLD.visibility IS NOT NEW.visibility"
CLOCK = "weaving_visibilityclock"
_SQLITE_NAMES = (
    "weaving_vis_thread_update", "weaving_vis_thread_delete", "weaving_vis_reply_update",
    "weaving_vis_reply_delete", "weaving_vis_circle_update", "weaving_vis_circle_delete",
    "weaving_vis_community_update", "weaving_vis_thread_moved", "weaving_vis_reply_moved",
)  # fmt: skip
# What takes something out of a community's index: the removals token (``clock_tokens``).
_THREAD_MOVED = "OLD.community_id IS NOT NEW.community_id"
_REPLY_MOVED = "OLD.thread_id IS NOT NEW.thread_id"


def _sqlite_bump(community: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {CLOCK} (community_id, token) VALUES ({community}, 0); "
        f"UPDATE {CLOCK} SET token = abs(random()) WHERE community_id = {community};"
    )


def _sqlite_triggers() -> list[str]:
    thread_of = "(SELECT community_id FROM exchange_thread WHERE id = {}.thread_id)"
    return [
        f"CREATE TRIGGER weaving_vis_thread_update AFTER UPDATE ON exchange_thread "
        f"WHEN {_THREAD_CHANGED} BEGIN {_sqlite_bump('OLD.community_id')} "
        f"{_sqlite_bump('NEW.community_id')} END",
        f"CREATE TRIGGER weaving_vis_thread_delete AFTER DELETE ON exchange_thread "
        f"BEGIN {_sqlite_bump('OLD.community_id')} {_sqlite_bump('-OLD.community_id')} END",
        f"CREATE TRIGGER weaving_vis_thread_moved AFTER UPDATE ON exchange_thread "
        f"WHEN {_THREAD_MOVED} BEGIN {_sqlite_bump('-OLD.community_id')} END",
        f"CREATE TRIGGER weaving_vis_reply_update AFTER UPDATE ON exchange_reply "
        f"WHEN {_REPLY_CHANGED} BEGIN {_sqlite_bump(thread_of.format('OLD'))} "
        f"{_sqlite_bump(thread_of.format('NEW'))} END",
        f"CREATE TRIGGER weaving_vis_reply_delete AFTER DELETE ON exchange_reply "
        f"BEGIN {_sqlite_bump(thread_of.format('OLD'))} "
        f"{_sqlite_bump('-' + thread_of.format('OLD'))} END",
        f"CREATE TRIGGER weaving_vis_reply_moved AFTER UPDATE ON exchange_reply "
        f"WHEN {_REPLY_MOVED} BEGIN {_sqlite_bump('-' + thread_of.format('OLD'))} END",
        f"CREATE TRIGGER weaving_vis_circle_update AFTER UPDATE ON communities_circle "
        f"WHEN {_CIRCLE_CHANGED} BEGIN {_sqlite_bump('OLD.community_id')} "
        f"{_sqlite_bump('NEW.community_id')} END",
        f"CREATE TRIGGER weaving_vis_circle_delete AFTER DELETE ON communities_circle "
        f"BEGIN {_sqlite_bump('OLD.community_id')} END",
        f"CREATE TRIGGER weaving_vis_community_update AFTER UPDATE ON communities_community "
        f"WHEN {_COMMUNITY_CHANGED} BEGIN {_sqlite_bump('NEW.id')} END",
    ]


def _pg_statements() -> list[str]:
    distinct = {
        name: cond.replace("IS NOT", "IS DISTINCT FROM")
        for name, cond in (
            ("thread", _THREAD_CHANGED), ("reply", _REPLY_CHANGED),
            ("circle", _CIRCLE_CHANGED), ("community", _COMMUNITY_CHANGED),
        )
    }  # fmt: skip
    community_of = {
        "thread": ("OLD.community_id", "NEW.community_id"),
        "reply": (
            "(SELECT community_id FROM exchange_thread WHERE id = OLD.thread_id)",
            "(SELECT community_id FROM exchange_thread WHERE id = NEW.thread_id)",
        ),
        "circle": ("OLD.community_id", "NEW.community_id"),
        "community": ("OLD.id", "NEW.id"),
    }
    tables = {
        "thread": "exchange_thread", "reply": "exchange_reply",
        "circle": "communities_circle", "community": "communities_community",
    }  # fmt: skip
    statements = [
        f"""CREATE OR REPLACE FUNCTION weaving_visibility_bump(cid bigint) RETURNS void AS $$
        BEGIN
          IF cid IS NOT NULL THEN
            INSERT INTO {CLOCK} (community_id, token)
            VALUES (cid, floor(random() * 9e18)::bigint)
            ON CONFLICT (community_id) DO UPDATE SET token = EXCLUDED.token;
          END IF;
        END $$ LANGUAGE plpgsql"""
    ]
    moved = {
        "thread": _THREAD_MOVED.replace("IS NOT", "IS DISTINCT FROM"),
        "reply": _REPLY_MOVED.replace("IS NOT", "IS DISTINCT FROM"),
    }
    for name, table in tables.items():
        old, new = community_of[name]
        on_delete = (
            f"PERFORM weaving_visibility_bump({old}); "
            f"PERFORM weaving_visibility_bump(-{old}); RETURN OLD;"
            if name in moved
            else f"PERFORM weaving_visibility_bump({old}); RETURN OLD;"
            if name != "community"
            else "RETURN OLD;"
        )
        on_move = (
            f"IF {moved[name]} THEN PERFORM weaving_visibility_bump(-{old}); END IF;"
            if name in moved
            else ""
        )
        statements += [
            f"""CREATE OR REPLACE FUNCTION weaving_vis_{name}() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN {on_delete} END IF;
              {on_move}
              IF {distinct[name]} THEN
                PERFORM weaving_visibility_bump({old});
                PERFORM weaving_visibility_bump({new});
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS weaving_vis_{name} ON {table}",
            f"CREATE TRIGGER weaving_vis_{name} AFTER UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION weaving_vis_{name}()",
        ]
    return statements


#: Partial indexes for reading the state: the few hidden threads and replies of a community.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS weaving_thread_hidden ON exchange_thread (community_id) "
    "WHERE hidden_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS weaving_reply_hidden ON exchange_reply (thread_id) "
    "WHERE hidden_at IS NOT NULL",
)


def triggers_install(using: BaseDatabaseWrapper | None = None) -> None:
    """(Re)create the triggers and partial indexes; idempotent. Runs after every migration,
    since rebuilding a table (SQLite's way of altering one) drops its triggers and the
    indexes Django does not know of."""
    db = using or connection
    with db.cursor() as cursor:
        for statement in INDEXES:
            cursor.execute(statement)
        if db.vendor == "postgresql":
            for statement in _pg_statements():
                cursor.execute(statement)
            return
        for name in _SQLITE_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in _sqlite_triggers():
            cursor.execute(statement)
