"""Slack exports: threads, conversations, people, markup, and hostile or broken zips."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from practica.accounts.models import User
from practica.core.text import render_markdown
from practica.exchange.models import Thread
from practica.importers import slack, zipfolder
from practica.importers.errors import ArchiveError
from practica.importers.records import (
    InteractionRecord,
    PersonRecord,
    ReplyRecord,
    SkippedRecord,
    TagRecord,
    ThreadRecord,
)
from practica.importers.slacktext import slack_markdown
from practica.ledger.models import LedgerEvent

EXPORT = Path(__file__).parent / "fixtures" / "chat" / "slack-export"


def make_zip(
    tmp_path: Path,
    *,
    leave_out: tuple[str, ...] = (),
    replace: dict[str, bytes] | None = None,
    name: str = "growers-export.zip",
) -> Path:
    """The fixture export as the .zip Slack gives, with files left out or replaced."""
    target = tmp_path / name
    replace = replace or {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(EXPORT.rglob("*.json")):
            entry = file.relative_to(EXPORT).as_posix()
            if entry not in leave_out and entry not in replace:
                zf.write(file, entry)
        for entry, data in replace.items():
            zf.writestr(entry, data)
    return target


def parsed(path: Path, **options: str) -> list[object]:
    return list(slack.parse(path, **options))


def of(kind: type, items: list[object]) -> list:
    return [r for r in items if isinstance(r, kind)]


def ts(channel: str, stamp: str) -> str:
    return f"{channel}:{stamp}"


# What an export becomes ------------------------------------------------------------------------


def test_a_zip_and_its_unpacked_folder_give_the_same_records(tmp_path: Path) -> None:
    assert parsed(make_zip(tmp_path)) == parsed(EXPORT)


def test_a_slack_thread_becomes_a_thread_with_its_replies_even_on_later_days() -> None:
    items = parsed(EXPORT)
    parent = ts("C01", "1614592800.000100")
    thread = next(r for r in of(ThreadRecord, items) if r.source_id == parent)
    assert (thread.kind, thread.title, thread.tags) == (
        "question",
        "Who has spare tomato seeds?",
        ("room-general",),
    )
    replies = [r.source_id for r in of(ReplyRecord, items) if r.thread_id == parent]
    assert replies == [ts("C01", "1614592860.000200"), ts("C01", "1614679200.000100")]


def test_messages_outside_threads_are_grouped_into_conversations() -> None:
    items = parsed(EXPORT)
    placed = {r.source_id: r.thread_id for r in of(ReplyRecord, items)}
    # "Morning all" then "Morning @carol" a minute later: one conversation.
    assert placed[ts("C01", "1614592980.000500")] == ts("C01", "1614592920.000400")
    # A reply whose thread start the export lacks is grouped like any message.
    assert placed[ts("C01", "1614679400.000300")] == ts("C01", "1614679300.000200")


def test_replies_and_mentions_become_ledger_interactions() -> None:
    events = {
        (r.verb, r.actor_id, r.target_id, r.object_id)
        for r in of(InteractionRecord, parsed(EXPORT))
    }
    assert events == {
        ("replied", "U02", "U01", ts("C01", "1614592860.000200")),
        ("mentioned", "U02", "U01", ts("C01", "1614592860.000200")),
        ("replied", "U02", "U03", ts("C01", "1614592980.000500")),
        ("mentioned", "U02", "U03", ts("C01", "1614592980.000500")),
        ("replied", "U01", "U02", ts("C01", "1614679200.000100")),
        ("mentioned", "U01", "U02", ts("C01", "1614679200.000100")),
        ("replied", "U02", "U04", ts("C01", "1614679400.000300")),
        ("replied", "U01", "U03", ts("C02", "1614600060.000200")),
    }


def test_people_come_from_users_json_with_their_display_names_and_bots_flagged() -> None:
    people = {r.source_id: r for r in of(PersonRecord, parsed(EXPORT))}
    assert {k: p.display_name for k, p in people.items()} == {
        "U01": "Alice",
        "U02": "Bob Builder",
        "U03": "carol",
        "U04": "Grow Bot",
    }
    assert people["U01"].bio == "Seed librarian"
    assert [k for k, p in people.items() if p.is_system] == ["U04"]


def test_channels_become_tags_and_channel_events_are_skipped() -> None:
    items = parsed(EXPORT)
    assert {(t.name, t.description) for t in of(TagRecord, items)} == {
        ("room-general", "Everything growers talk about"),
        ("room-seeds", "Swapping seeds"),
    }
    assert {(s.kind, s.source_id, s.reason) for s in of(SkippedRecord, items)} == {
        ("message", ts("C01", "1614592900.000300"), "channel event (channel_join)"),
        ("channel", "random", "folder not listed in channels.json"),
    }


def test_every_message_is_a_thread_a_reply_or_skipped() -> None:
    items = parsed(EXPORT)
    listed = sum(len(json.loads(f.read_text())) for f in EXPORT.glob("[gs]*/*.json"))
    kept = of(ThreadRecord, items) + of(ReplyRecord, items)
    skipped_messages = [s for s in of(SkippedRecord, items) if s.kind == "message"]
    assert len(kept) + len(skipped_messages) == listed == 10


def test_a_file_shared_without_text_is_named_in_the_body() -> None:
    shared = next(r for r in of(ThreadRecord, parsed(EXPORT)) if r.source_id.startswith("C02"))
    assert shared.body == "(shared a file: Seed list)"


def test_the_source_is_the_team_and_the_licence_is_only_what_is_given(tmp_path: Path) -> None:
    assert slack.source_for(EXPORT) == "slack:T0GROW"
    assert {t.licence for t in of(ThreadRecord, parsed(EXPORT))} == {""}
    given = parsed(EXPORT, licence="CC-BY-4.0")
    assert {t.licence for t in of(ThreadRecord, given)} == {"CC-BY-4.0"}


# Slack's markup ----------------------------------------------------------------------------------


def test_slack_tokens_become_markdown_and_mentions_are_collected() -> None:
    text, mentioned = slack_markdown(
        "hi <@U01> and <@U09|zoe> in <#C01|general> <!here>: *bold*, <https://x.org/a(b)|the doc>",
        {"U01": "alice"},
    )
    assert text == (
        "hi @alice and @zoe in #general @here: **bold**, [the doc](https://x.org/a%28b%29)"
    )
    assert mentioned == ["U01", "U09"]


def test_escaped_characters_stay_escaped_in_prose_and_are_restored_in_code() -> None:
    text, _ = slack_markdown("&lt;b&gt; is bold; `a &lt; b` and ```x &amp;&amp; y```", {})
    html = render_markdown(text)
    assert "&lt;b&gt; is bold" in html and "<b>" not in html
    assert "<code>a &lt; b</code>" in html
    assert "x &amp;&amp; y" in html


# Broken and hostile exports ----------------------------------------------------------------------


def error_of(path: Path) -> str:
    with pytest.raises(ArchiveError) as caught:
        parsed(path)
    message = caught.value.message
    assert "\n" not in message
    return message


def test_an_export_without_users_json_is_refused(tmp_path: Path) -> None:
    message = error_of(make_zip(tmp_path, leave_out=("users.json",)))
    assert message.endswith("growers-export.zip: users.json is missing: is this a Slack export?")


def test_a_corrupt_zip_is_refused(tmp_path: Path) -> None:
    whole = make_zip(tmp_path).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "cut.zip: not a readable zip archive" in error_of(cut)
    text = tmp_path / "notes.zip"
    text.write_text("just text")
    assert "notes.zip: not a readable zip archive" in error_of(text)


def test_a_damaged_entry_is_named(tmp_path: Path) -> None:
    path = make_zip(tmp_path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("general/2021-03-01.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5 : start + 25] = b"\x00" * 20  # the compressed bytes, not the directory
    path.write_bytes(bytes(data))
    assert "general/2021-03-01.json: cannot be read from the zip" in error_of(path)


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path) -> None:
    bomb = make_zip(tmp_path, replace={"general/2021-03-03.json": b" " * (8 * 1024 * 1024)})
    message = error_of(bomb)
    assert "general/2021-03-03.json: compressed" in message and "like a zip bomb" in message


def test_an_entry_larger_than_any_export_needs_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zipfolder, "MAX_ENTRY_BYTES", 1000)
    big = json.dumps([{"ts": f"1614592800.{n:06d}", "text": f"m{n}"} for n in range(100)])
    message = error_of(make_zip(tmp_path, replace={"general/2021-03-03.json": big.encode()}))
    assert "general/2021-03-03.json: inflates to" in message and "refused" in message


def test_an_entry_with_an_unsafe_path_is_refused(tmp_path: Path) -> None:
    message = error_of(make_zip(tmp_path, replace={"../../etc/cron.json": b"[]"}))
    assert "has an unsafe path" in message


def test_invalid_json_is_named_with_its_line(tmp_path: Path) -> None:
    broken = b'[\n  {"ts": "1614592800.000100",\n   "text": oops}\n]'
    message = error_of(make_zip(tmp_path, replace={"general/2021-03-03.json": broken}))
    assert message.endswith("general/2021-03-03.json, line 3: not valid JSON: Expecting value")


def test_an_invalid_timestamp_is_named_with_its_message(tmp_path: Path) -> None:
    day = json.dumps([{"type": "message", "user": "U01", "text": "hi", "ts": "yesterday"}])
    message = error_of(make_zip(tmp_path, replace={"seeds/2021-03-05.json": day.encode()}))
    assert message.endswith(
        "seeds/2021-03-05.json: message 1: ts 'yesterday' is not a Slack timestamp"
    )


# End to end ---------------------------------------------------------------------------------------


def run_import(path: Path, *extra: str) -> dict:
    out = io.StringIO()
    call_command(
        "import", "chat", str(path), "--community", "growers", "--format", "slack", "--json",
        *extra, stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_importing_an_export_stores_threads_people_and_the_ledger(tmp_path: Path) -> None:
    summary = run_import(make_zip(tmp_path), "--licence", "CC-BY-4.0")
    assert (summary["people"], summary["threads"], summary["replies"]) == (4, 4, 5)
    assert summary["events"] == 8
    thread = Thread.objects.get(source_id="C01:1614592800.000100")
    assert (thread.source, thread.licence) == ("slack:T0GROW", "CC-BY-4.0")
    assert thread.replies.count() == 2
    assert User.objects.get(source_id="U04").is_system
    assert Counter(LedgerEvent.objects.values_list("verb", flat=True)) == {
        "replied": 5,
        "mentioned": 3,
    }
    again = run_import(make_zip(tmp_path), "--licence", "CC-BY-4.0")
    assert (again["created"], again["updated"]) == (0, 0)
    assert (again["threads"], again["events"]) == (4, 8)


@pytest.mark.django_db
def test_a_broken_export_gives_one_line_and_stores_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"users\.json is missing"):
        run_import(make_zip(tmp_path, leave_out=("users.json",)))
    assert not Thread.objects.exists()
