"""Gitter archives: the conversation rule, mentions, people, bad input, and the whole history."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from practica.accounts.models import User
from practica.exchange.models import Reply, Thread
from practica.importers import gitter
from practica.importers.conversations import ChatMessage, ConversationRule, Room, title_from
from practica.importers.errors import ArchiveError
from practica.importers.records import (
    InteractionRecord,
    PersonRecord,
    ReplyRecord,
    SkippedRecord,
    TagRecord,
    ThreadRecord,
)
from practica.ledger.models import LedgerEvent

FIXTURES = Path(__file__).parent / "fixtures" / "chat"
ROOMS = FIXTURES / "gitter"
BAD = FIXTURES / "gitter-bad"
REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "gitter" / "freecodecamp"
PEOPLE = {
    "alice": "5a0000000000000000000001",
    "bob": "5a0000000000000000000002",
    "carol": "5a0000000000000000000003",
    "dave": "5a0000000000000000000004",
    "erin": "5a0000000000000000000005",
    "growbot": "5a0000000000000000000006",
}


def mid(short: str) -> str:
    """The fixture's message ids: ``m01`` -> ``5b6d3031...``."""
    return ("5b" + short.encode().hex()).ljust(24, "0")


def records(path: Path = ROOMS) -> list[object]:
    return list(gitter.parse(path))


def of(kind: type, items: list[object]) -> list:
    return [r for r in items if isinstance(r, kind)]


def thread_of(items: list[object]) -> dict[str, str]:
    """Each message id -> the id of the thread it ended up in."""
    placed = {r.source_id: r.source_id for r in of(ThreadRecord, items)}
    placed.update({r.source_id: r.thread_id for r in of(ReplyRecord, items)})
    return placed


def interactions(items: list[object], verb: str) -> set[tuple[str, str, str]]:
    return {
        (r.object_id, r.actor_id, r.target_id)
        for r in of(InteractionRecord, items)
        if r.verb == verb
    }


# The conversation rule, on the fixture room "compost" --------------------------------------


def test_every_row_becomes_a_thread_a_reply_or_a_skipped_row() -> None:
    items = records()
    rows = sum(1 for f in ROOMS.glob("*.tsv") for _ in csv.reader(f.open(), delimiter="\t"))
    assert rows == 15
    assert len(of(ThreadRecord, items)) == 4
    assert len(of(ReplyRecord, items)) == 9
    assert (
        len(of(ThreadRecord, items)) + len(of(ReplyRecord, items)) + len(of(SkippedRecord, items))
        == rows
    )


def test_messages_close_in_time_form_one_conversation() -> None:
    placed = thread_of(records())
    assert {placed[mid(m)] for m in ("m01", "m02", "m03", "m04")} == {mid("m01")}


def test_a_silence_longer_than_the_gap_starts_a_new_conversation() -> None:
    items = records()
    opened = {r.source_id: r for r in of(ThreadRecord, items)}
    assert mid("m05") in opened  # 70 minutes after the last message
    assert opened[mid("m05")].kind == "question"
    assert opened[mid("m05")].title == "Has anyone here tried bokashi?"


def test_a_mention_brings_a_message_into_the_conversation_of_the_person_mentioned() -> None:
    placed = thread_of(records())
    # bob answers carol 85 minutes after she spoke, while dave's bokashi question is newer.
    assert placed[mid("m06")] == mid("m01")
    # erin answers dave's question while bob's message kept the first conversation active.
    assert placed[mid("m07")] == mid("m05")
    assert placed[mid("m09")] == mid("m05")


def test_a_mention_past_the_reach_starts_a_new_conversation() -> None:
    placed = thread_of(records())
    assert placed[mid("m10")] == mid("m10")  # bob last spoke more than three hours before
    assert placed[mid("m11")] == mid("m10")


def test_a_reply_goes_to_the_person_it_mentions_else_to_the_last_other_author() -> None:
    replied = interactions(records(), "replied")
    p = PEOPLE
    assert replied == {
        (mid("m02"), p["bob"], p["alice"]),  # mentions alice
        (mid("m03"), p["alice"], p["bob"]),  # the last message by someone else
        (mid("m04"), p["carol"], p["alice"]),
        (mid("m06"), p["bob"], p["carol"]),
        (mid("m07"), p["erin"], p["dave"]),
        (mid("m09"), p["dave"], p["erin"]),
        (mid("m11"), p["growbot"], p["bob"]),
        (mid("g02"), p["dave"], p["erin"]),
    }


def test_every_mention_of_a_known_person_is_an_event_even_across_rooms() -> None:
    mentioned = interactions(records(), "mentioned")
    p = PEOPLE
    assert mentioned == {
        (mid("m02"), p["bob"], p["alice"]),
        (mid("m06"), p["bob"], p["carol"]),
        (mid("m07"), p["erin"], p["dave"]),
        (mid("m10"), p["carol"], p["bob"]),
        (mid("m11"), p["growbot"], p["bob"]),
        (mid("g01"), p["erin"], p["carol"]),
    }


def test_a_mention_finds_a_person_under_any_name_they_wrote_under(tmp_path: Path) -> None:
    room = ("56c0000000000000000000c9", "Growers/renames")
    rows = [
        [*room, "2016-03-03T10:01:00Z", "5a00000000000000000000aa", "NewName", "5b01", "later"],
        [*room, "2016-03-03T10:00:00Z", "5a00000000000000000000aa", "OldName", "5b00", "hi"],
        [*room, "2016-03-03T10:02:00Z", "5a00000000000000000000bb", "zoe", "5b02", "@oldname hi"],
    ]
    file = tmp_path / "renames.tsv"
    with file.open("w", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows(rows)
    mentioned = interactions(records(file), "mentioned")
    assert mentioned == {("5b02", "5a00000000000000000000bb", "5a00000000000000000000aa")}


def test_a_message_whose_author_left_is_kept_without_an_author() -> None:
    reply = next(r for r in of(ReplyRecord, records()) if r.source_id == mid("m12"))
    assert reply.author_id is None
    assert not [r for r in of(InteractionRecord, records()) if r.object_id == mid("m12")]


def test_deleted_messages_and_repeated_rows_are_reported_as_skipped() -> None:
    skipped = {(r.source_id, r.reason) for r in of(SkippedRecord, records())}
    assert skipped == {
        (mid("m08"), "deleted (empty text)"),
        (mid("m09"), "repeated row"),
    }


def test_a_multi_line_message_keeps_its_lines_and_tabs() -> None:
    reply = next(r for r in of(ReplyRecord, records()) if r.source_id == mid("m04"))
    assert reply.body == "Winter is slower.\nKeep the pile covered\tand turn it monthly."


def test_people_are_everyone_who_wrote_and_bots_are_system_accounts() -> None:
    people = {r.source_id: r for r in of(PersonRecord, records())}
    assert set(people) == set(PEOPLE.values())
    assert people[PEOPLE["alice"]].display_name == "alice"
    assert [r.display_name for r in people.values() if r.is_system] == ["growbot"]


def test_rooms_become_tags_on_their_threads() -> None:
    items = records()
    assert {t.name for t in of(TagRecord, items)} == {"room-compost", "room-general"}
    tags = {r.source_id: r.tags for r in of(ThreadRecord, items)}
    assert tags[mid("m01")] == ("room-compost",)
    assert tags[mid("g01")] == ("room-general",)


def test_records_come_in_dependency_order() -> None:
    known: set[str] = set()
    for record in records():
        if isinstance(record, PersonRecord | ThreadRecord):
            known.add(record.source_id)
        if isinstance(record, ReplyRecord):
            assert record.thread_id in known
            known.add(record.source_id)
        if isinstance(record, InteractionRecord):
            assert {record.actor_id, record.target_id, record.object_id} <= known


def test_importing_a_longer_archive_keeps_the_earlier_conversations(tmp_path: Path) -> None:
    rows = [r for r in csv.reader((ROOMS / "compost.tsv").open(), delimiter="\t")]
    rows.sort(key=lambda r: r[2])
    full = thread_of(records(ROOMS / "compost.tsv"))
    for cut in range(1, len(rows)):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(rows[:cut])
        prefix = tmp_path / f"compost-{cut}.tsv"
        prefix.write_text(buffer.getvalue())
        partial = thread_of(records(prefix))
        assert partial == {k: full[k] for k in partial}


def test_source_and_licence_come_from_the_archive(tmp_path: Path) -> None:
    assert gitter.source_for(ROOMS) == "gitter:growers"
    assert gitter.licence_near(ROOMS) == ""
    shutil.copytree(ROOMS, tmp_path / "archives")
    (tmp_path / "LICENSE").write_text("BSD 3-Clause License\n\nCopyright (c) 2016, us\n")
    threads = of(ThreadRecord, list(gitter.parse(tmp_path / "archives")))
    assert {t.licence for t in threads} == {"BSD-3-Clause"}
    given = of(ThreadRecord, list(gitter.parse(tmp_path / "archives", licence="CC0-1.0")))
    assert {t.licence for t in given} == {"CC0-1.0"}


# Titles and the rule's limits ----------------------------------------------------------------


def test_a_title_is_the_first_line_that_says_something_cut_at_a_word() -> None:
    assert title_from("```js\n\n**Why** does `map` skip holes?") == "Why does map skip holes?"
    long = "word " * 60
    title = title_from(long)
    assert title.endswith("…") and len(title) <= 120 and " wor…" not in title
    assert title_from("   \n") == "(no text)"


def test_a_conversation_that_reaches_its_size_limit_gives_way_to_a_new_one() -> None:
    room = Room(rule=ConversationRule(max_messages=3))
    start = datetime(2020, 1, 1, tzinfo=UTC)
    threads = []
    for n in range(7):
        msg = ChatMessage(f"x{n}", "a" if n % 2 else "b", f"text {n}", start + timedelta(minutes=n))
        threads += [r.source_id for r in room.message(msg) if isinstance(r, ThreadRecord)]
    assert threads == ["x0", "x3", "x6"]


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-date.tsv", "bad-date.tsv, line 2: sent_at 'yesterday' is not an ISO date"),
        ("five-columns.tsv", "five-columns.tsv, line 2: expected 7 tab-separated columns"),
        ("not-gitter.tsv", "not-gitter.tsv, line 1: expected 7 tab-separated columns"),
        (
            "truncated.tsv",
            "truncated.tsv, line 2: not a readable TSV file (unexpected end of data)",
        ),
        ("latin1.tsv", "latin1.tsv, line 2: not UTF-8 text"),
        ("two-orgs.tsv", "room Other/general belongs to other, not growers"),
    ],
)
def test_bad_input_gives_one_line_naming_file_and_line(name: str, message: str) -> None:
    with pytest.raises(ArchiveError) as caught:
        records(BAD / name)
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_a_bad_file_in_a_folder_stops_the_import_before_any_record(tmp_path: Path) -> None:
    shutil.copy(ROOMS / "compost.tsv", tmp_path / "a-compost.tsv")
    shutil.copy(BAD / "bad-date.tsv", tmp_path / "z-bad.tsv")
    with pytest.raises(ArchiveError, match=r"z-bad\.tsv, line 2"):
        next(iter(gitter.parse(tmp_path)))


def test_a_folder_without_tsv_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=r"no \.tsv files"):
        records(tmp_path)
    with pytest.raises(ArchiveError, match="no such file"):
        records(tmp_path / "missing")


# End to end, through the command and the loader ----------------------------------------------


def run_import(path: Path, slug: str = "growers", *extra: str) -> dict:
    out = io.StringIO()
    call_command(
        "import", "chat", str(path), "--community", slug, "--format", "gitter", "--json", *extra,
        stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_importing_rooms_stores_conversations_people_and_the_ledger() -> None:
    summary = run_import(ROOMS)
    assert (summary["threads"], summary["replies"], summary["events"]) == (4, 9, 14)
    assert summary["people"] == 6
    community_threads = Thread.objects.filter(community__slug="growers")
    first = community_threads.get(source_id=mid("m01"))
    assert first.source == "gitter:growers"
    assert first.kind == "question"
    assert list(first.tags.values_list("name", flat=True)) == ["room-compost"]
    assert Reply.objects.filter(thread=first).count() == 4
    assert User.objects.get(source_id=PEOPLE["growbot"]).is_system
    verbs = Counter(LedgerEvent.objects.values_list("verb", flat=True))
    assert verbs == {"replied": 8, "mentioned": 6}
    bob, alice = (User.objects.get(source_id=PEOPLE[n]) for n in ("bob", "alice"))
    assert LedgerEvent.objects.filter(actor=bob, target=alice, verb="replied").count() == 1


@pytest.mark.django_db
def test_importing_the_same_rooms_again_changes_nothing() -> None:
    run_import(ROOMS)
    again = run_import(ROOMS)
    assert (again["created"], again["updated"]) == (0, 0)
    assert (again["threads"], again["replies"], again["events"]) == (4, 9, 14)


@pytest.mark.django_db
def test_a_bad_archive_is_refused_in_one_line_and_stores_nothing() -> None:
    with pytest.raises(CommandError) as caught:
        run_import(BAD / "bad-date.tsv")
    assert "bad-date.tsv, line 2: sent_at 'yesterday' is not an ISO date" in str(caught.value)
    assert not Thread.objects.exists()
    assert not User.objects.filter(source__startswith="gitter").exists()


# The whole freeCodeCamp history ---------------------------------------------------------------


def real_counts() -> tuple[int, int, int, int]:
    """Rows, distinct non-empty messages, repeated rows and distinct authors, read plainly."""
    csv.field_size_limit(sys.maxsize)
    rows = 0
    messages: dict[str, bool] = {}
    authors: set[str] = set()
    for file in sorted((REAL / "archives").glob("*.tsv")):
        with file.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                rows += 1
                messages.setdefault(row[5], bool(row[6].strip()))
                if row[3]:
                    authors.add(row[3])
    return rows, sum(messages.values()), rows - len(messages), len(authors)


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.django_db
def test_the_whole_freecodecamp_history_is_imported_message_for_message() -> None:
    if not REAL.is_dir():
        pytest.skip(f"the Gitter archives are not at {REAL} (../shared/data beside the repository)")
    rows, messages, repeats, authors = real_counts()
    summary = run_import(REAL / "archives", "freecodecamp")
    assert summary["threads"] + summary["replies"] == messages
    assert summary["skipped"]["message: repeated row"] == repeats
    skipped = sum(summary["skipped"].values())
    assert summary["threads"] + summary["replies"] + skipped == rows
    assert User.objects.filter(source="gitter:freecodecamp").count() == authors
    assert summary["people"] == authors
    assert set(Thread.objects.values_list("licence", flat=True)) == {"BSD-3-Clause"}
