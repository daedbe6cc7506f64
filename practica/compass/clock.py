"""The compass clock: one token per community that changes when what the compass has read
changes in any way other than new rows being appended.

The compass keeps the rows it read (``practica.compass.rows``) and, next time, reads
only rows with larger ids. That is sound only while the rows already read stay as they
were. Database triggers, installed after every migration (``triggers_install``), write a
fresh random token into ``CompassClock`` when, on any channel (services,
``QuerySet.update``, the admin, another process):

- a thread changes a column the compass reads (community, author, creation time,
  kind, circle) or is hidden, restored or deleted;
- a reply changes its thread, parent, author, kind or time, is hidden, restored or
  deleted;
- a ledger event is changed or deleted (the ledger is append-only; a person's deletion
  still clears their ids);
- a thread's tags are removed or changed.

A thread's accepted answer is not watched: the compass reads that column afresh every
time (a covering index makes it cheap), since accepting answers is everyday activity.
Which threads are confidential is checked by a digest (``practica.compass.rows``), and
people's profiles and system accounts are read afresh too.

The token is random, not a counter: rows kept from another database (a test's, a
restored copy) never match a token of this one.
"""

from __future__ import annotations

import secrets

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from practica.compass.models import CompassClock

CLOCK = "compass_compassclock"

_THREAD_CHANGED = (
    "OLD.community_id IS NOT NEW.community_id OR OLD.author_id IS NOT NEW.author_id "
    "OR OLD.created_at IS NOT NEW.created_at OR OLD.kind IS NOT NEW.kind "
    "OR OLD.circle_id IS NOT NEW.circle_id OR OLD.hidden_at IS NOT NEW.hidden_at"
)
_REPLY_CHANGED = (
    "OLD.thread_id IS NOT NEW.thread_id OR OLD.parent_id IS NOT NEW.parent_id "
    "OR OLD.author_id IS NOT NEW.author_id OR OLD.created_at IS NOT NEW.created_at "
    "OR OLD.kind IS NOT NEW.kind OR OLD.hidden_at IS NOT NEW.hidden_at"
)
_EVENT_CHANGED = (
    "OLD.community_id IS NOT NEW.community_id OR OLD.actor_id IS NOT NEW.actor_id "
    "OR OLD.target_id IS NOT NEW.target_id OR OLD.verb IS NOT NEW.verb "
    "OR OLD.occurred_at IS NOT NEW.occurred_at OR OLD.thread_id IS NOT NEW.thread_id"
)
_TAG_CHANGED = "OLD.thread_id IS NOT NEW.thread_id OR OLD.tag_id IS NOT NEW.tag_id"
_THREAD_OF = "(SELECT community_id FROM exchange_thread WHERE id = {}.thread_id)"

#: Table, condition on an update, and the community of OLD / NEW rows.
_OLD_THREAD, _NEW_THREAD = _THREAD_OF.format("OLD"), _THREAD_OF.format("NEW")
_WATCHED = {
    "thread": ("exchange_thread", _THREAD_CHANGED, "OLD.community_id", "NEW.community_id"),
    "reply": ("exchange_reply", _REPLY_CHANGED, _OLD_THREAD, _NEW_THREAD),
    "event": ("ledger_ledgerevent", _EVENT_CHANGED, "OLD.community_id", "NEW.community_id"),
    "tag": ("exchange_thread_tags", _TAG_CHANGED, _OLD_THREAD, _NEW_THREAD),
}

#: A covering index for reading every thread's accepted answer, which is not watched.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS compass_thread_accepted ON exchange_thread "
    "(community_id, id, accepted_reply_id) WHERE accepted_reply_id IS NOT NULL",
)


def clock_read(community_id: int) -> int:
    """The community's token, created (at random) the first time it is asked for."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {CLOCK} WHERE community_id = %s", [community_id])
        found = cursor.fetchone()
    if found is not None:
        return int(found[0])
    with transaction.atomic():
        clock, _ = CompassClock.objects.get_or_create(
            community_id=community_id, defaults={"token": _fresh_token()}
        )
    return int(clock.token)


def _fresh_token() -> int:
    return secrets.randbelow(2**62) + 1


def _sqlite_bump(community: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {CLOCK} (community_id, token) VALUES ({community}, 0); "
        f"UPDATE {CLOCK} SET token = abs(random()) WHERE community_id = {community};"
    )


def _sqlite_statements() -> list[str]:
    statements = []
    for name, (table, changed, old, new) in _WATCHED.items():
        statements += [
            f"DROP TRIGGER IF EXISTS compass_clock_{name}_update",
            f"DROP TRIGGER IF EXISTS compass_clock_{name}_delete",
            f"CREATE TRIGGER compass_clock_{name}_update AFTER UPDATE ON {table} "
            f"WHEN {changed} BEGIN {_sqlite_bump(old)} {_sqlite_bump(new)} END",
            f"CREATE TRIGGER compass_clock_{name}_delete AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_bump(old)} END",
        ]
    return statements


def _pg_statements() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION compass_clock_bump(cid bigint) RETURNS void AS $$
        BEGIN
          IF cid IS NOT NULL THEN
            INSERT INTO {CLOCK} (community_id, token)
            VALUES (cid, floor(random() * 4e18)::bigint + 1)
            ON CONFLICT (community_id) DO UPDATE SET token = EXCLUDED.token;
          END IF;
        END $$ LANGUAGE plpgsql"""
    ]
    for name, (table, changed, old, new) in _WATCHED.items():
        distinct = changed.replace("IS NOT", "IS DISTINCT FROM")
        statements += [
            f"""CREATE OR REPLACE FUNCTION compass_clock_{name}() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN PERFORM compass_clock_bump({old}); RETURN OLD; END IF;
              PERFORM compass_clock_bump({old});
              PERFORM compass_clock_bump({new});
              RETURN NEW;
            END $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS compass_clock_{name}_update ON {table}",
            f"DROP TRIGGER IF EXISTS compass_clock_{name}_delete ON {table}",
            # The condition sits on the trigger itself: other updates (a thread's last
            # activity, on every reply) do not even call the function.
            f"CREATE TRIGGER compass_clock_{name}_update AFTER UPDATE ON {table} "
            f"FOR EACH ROW WHEN ({distinct}) EXECUTE FUNCTION compass_clock_{name}()",
            f"CREATE TRIGGER compass_clock_{name}_delete AFTER DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION compass_clock_{name}()",
        ]
    return statements


def triggers_install(using: BaseDatabaseWrapper | None = None) -> None:
    """(Re)create the triggers and the index; idempotent. Runs after every migration, since
    rebuilding a table (SQLite's way of altering one) drops its triggers."""
    db = using or connection
    statements = [*INDEXES]
    statements += _pg_statements() if db.vendor == "postgresql" else _sqlite_statements()
    with db.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
