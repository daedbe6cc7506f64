"""Mailing lists (mbox): threading, people merged by address, bodies, quotes, bad files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from practica.core.text import render_markdown
from practica.exchange.models import Reply, Thread
from practica.importers import mbox
from practica.importers.errors import ArchiveError
from practica.importers.mailtext import html_to_text, mail_markdown
from practica.importers.records import (
    InteractionRecord,
    PersonRecord,
    ReplyRecord,
    SkippedRecord,
    TagRecord,
    ThreadRecord,
)
from practica.ledger.models import LedgerEvent

FIXTURES = Path(__file__).parent / "fixtures" / "mbox"
LIST = FIXTURES / "growers.mbox"


def parsed(path: Path = LIST, **options: str) -> list[object]:
    return list(mbox.parse(path, **options))


def of(kind: type, items: list[object]) -> list:
    return [r for r in items if isinstance(r, kind)]


def by_id(items: list[object]) -> dict[str, ThreadRecord | ReplyRecord]:
    return {r.source_id: r for r in of(ThreadRecord, items) + of(ReplyRecord, items)}


def person_named(items: list[object], name: str) -> str:
    return next(p.source_id for p in of(PersonRecord, items) if p.display_name == name)


# Threads ---------------------------------------------------------------------------------------


def test_references_and_in_reply_to_gather_a_thread_of_four_messages() -> None:
    items = parsed()
    thread = by_id(items)["root1@example.org"]
    assert isinstance(thread, ThreadRecord)
    assert (thread.title, thread.kind, thread.tags) == (
        "Seed swap in spring?",
        "question",
        ("list-growers",),
    )
    replies = [r.source_id for r in of(ReplyRecord, items) if r.thread_id == "root1@example.org"]
    # r3 names its parents in References only; r4 in both headers.
    assert replies == ["r2@example.org", "r3@example.org", "r4@example.org"]


def test_a_reply_with_only_its_subject_joins_the_thread_of_that_subject() -> None:
    items = parsed()
    reply = by_id(items)["s1@example.org"]
    assert isinstance(reply, ReplyRecord)
    assert reply.thread_id == "t1@example.org"


def test_a_reply_to_a_message_the_archive_lacks_starts_a_thread() -> None:
    thread = by_id(parsed())["f1@example.org"]
    assert isinstance(thread, ThreadRecord)
    assert thread.title == "Frost dates for 2016"
    assert thread.kind == "question"  # its text asks, though its subject does not


def test_a_subject_is_folded_without_list_tags_and_reply_prefixes() -> None:
    assert mbox.topic_of("RE: [growers] Re[2]:  Compost   TEA recipe") == "compost tea recipe"
    assert mbox.topic_of("Fwd: AW: [x] [y] Hello") == "hello"


def test_replies_become_interactions_with_the_author_of_the_message_answered() -> None:
    items = parsed()
    alice, bob, carol = (person_named(items, n) for n in ("Alice Grower", "bob", "Carol Müller"))
    erin, dave = person_named(items, "Erin"), person_named(items, "Dave")
    events = {(r.object_id, r.actor_id, r.target_id) for r in of(InteractionRecord, items)}
    assert events == {
        ("r2@example.org", bob, alice),
        ("r3@example.org", carol, bob),  # the last of its References
        ("r4@example.org", alice, carol),
        ("s1@example.org", dave, erin),  # by subject: to whoever started the thread
    }
    assert {r.verb for r in of(InteractionRecord, items)} == {"replied"}


def test_a_repeated_message_is_skipped_and_one_without_id_gets_a_stable_one() -> None:
    items = parsed()
    assert [(s.source_id, s.reason) for s in of(SkippedRecord, items)] == [
        ("r2@example.org", "repeated Message-ID")
    ]
    no_id = [r.source_id for r in of(ThreadRecord, items) if r.source_id.startswith("no-id-")]
    assert len(no_id) == 1
    assert no_id == [r.source_id for r in of(ThreadRecord, parsed()) if r.source_id in no_id]


def test_a_message_without_a_date_takes_the_date_of_its_envelope() -> None:
    thread = by_id(parsed())["f1@example.org"]
    assert thread.created_at.isoformat() == "2016-03-09T08:00:00+00:00"


# People ---------------------------------------------------------------------------------------


def test_people_are_merged_by_address_whatever_its_case() -> None:
    items = parsed()
    people = of(PersonRecord, items)
    assert sorted(p.display_name for p in people) == [
        "Alice Grower",
        "Carol Müller",
        "Dave",
        "Erin",
        "Frank Gardener",
        "bob",
    ]
    records = by_id(items)
    # Alice@Example.org and alice@EXAMPLE.org; Erin and ERIN.
    assert records["root1@example.org"].author_id == records["r4@example.org"].author_id
    erin = person_named(items, "Erin")
    assert [r.author_id for r in of(ThreadRecord, items) if r.source_id.startswith("no-id-")] == [
        erin
    ]


def test_addresses_are_not_stored() -> None:
    people = of(PersonRecord, parsed())
    assert all(p.email == "" and "@" not in p.source_id for p in people)


# Bodies ---------------------------------------------------------------------------------------


def test_the_plain_text_part_is_preferred_and_its_charset_decoded() -> None:
    body = by_id(parsed())["r3@example.org"].body
    assert body == "Grüße from Carol Müller: count me in."


def test_an_html_only_message_is_turned_into_text() -> None:
    body = by_id(parsed())["r4@example.org"].body
    assert body == "Great, Carol! See the swap page <https://example.org/swap>.\n\n> count me in."


def test_quoted_text_and_its_attribution_render_as_a_blockquote() -> None:
    body = by_id(parsed())["r2@example.org"].body
    html = render_markdown(body)
    quote, _, rest = html.partition("</blockquote>")
    assert "Alice Grower" in quote and "wrote:" in quote and "Should we hold" in quote
    assert "Yes! I can bring tomatoes &lt;and&gt; beans." in rest
    assert "<h" not in html  # "--" under a line is not a heading


def test_dropping_lines_that_start_with_a_quote_mark_leaves_only_the_senders_words() -> None:
    body = by_id(parsed())["r2@example.org"].body
    own = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">"))
    assert "Should we hold" not in own and "wrote:" not in own
    assert "Yes! I can bring tomatoes" in own


def test_mail_markdown_escapes_what_markdown_would_misread() -> None:
    text = "# not a heading\nTotal\n=====\n<stdio.h> and <https://example.org>\n> quoted\nafter"
    assert mail_markdown(text) == (
        "\\# not a heading\nTotal\n\\=====\n\\<stdio.h> and <https://example.org>\n\n> quoted\n\n"
        "after"
    )


def test_html_to_text_keeps_blocks_lists_and_quotes_and_drops_scripts() -> None:
    html = "<p>One</p><ul><li>a</li><li>b</li></ul><blockquote>said</blockquote><script>x</script>"
    assert html_to_text(html) == "One\n\n- a\n- b\n\n> said"


# Source, licence, tags ----------------------------------------------------------------------------


def test_the_source_is_the_list_id_and_the_list_is_a_tag() -> None:
    assert mbox.source_for(LIST) == "mbox:growers.lists.example.org"
    assert [(t.name, t.description) for t in of(TagRecord, parsed())] == [
        ("list-growers", "Mailing list growers.lists.example.org")
    ]
    assert {t.licence for t in of(ThreadRecord, parsed(licence="CC-BY-SA-4.0"))} == {"CC-BY-SA-4.0"}


# Bad files --------------------------------------------------------------------------------------


def error_of(path: Path) -> str:
    with pytest.raises(ArchiveError) as caught:
        parsed(path)
    assert "\n" not in caught.value.message
    return caught.value.message


def test_an_invalid_date_names_the_message() -> None:
    assert error_of(FIXTURES / "bad-date.mbox").endswith(
        "bad-date.mbox: message 2 <when@example.org>: Date 'someday soon' is not a date"
    )


def test_a_file_without_messages_is_not_an_mbox() -> None:
    assert "not-mbox.mbox: no messages" in error_of(FIXTURES / "not-mbox.mbox")


def test_a_truncated_file_is_refused_before_any_record() -> None:
    with pytest.raises(ArchiveError, match="looks truncated"):
        next(iter(mbox.parse(FIXTURES / "truncated.mbox")))


def test_a_missing_file_is_named() -> None:
    assert error_of(FIXTURES / "nowhere.mbox").endswith("nowhere.mbox: no such file")


# End to end ------------------------------------------------------------------------------------


def run_import(path: Path) -> dict:
    out = io.StringIO()
    call_command("import", "mbox", str(path), "--community", "growers", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_importing_a_list_stores_its_threads_replies_and_interactions() -> None:
    summary = run_import(LIST)
    assert (summary["people"], summary["threads"], summary["replies"], summary["events"]) == (
        6,
        4,
        4,
        4,
    )
    thread = Thread.objects.get(source_id="root1@example.org")
    assert thread.source == "mbox:growers.lists.example.org"
    assert Reply.objects.filter(thread=thread).count() == 3
    assert LedgerEvent.objects.filter(verb="replied").count() == 4
    again = run_import(LIST)
    assert (again["created"], again["updated"]) == (0, 0)


@pytest.mark.django_db
def test_a_bad_list_gives_one_line_and_a_truncated_one_stores_nothing() -> None:
    with pytest.raises(CommandError, match="looks truncated"):
        run_import(FIXTURES / "truncated.mbox")
    assert not Thread.objects.exists()
