"""Export and restore: stable bytes, a faithful round trip, careful with bad files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import People
from practica.accounts.models import User
from practica.communities.models import Circle, Community
from practica.exchange.models import Thread
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
)
from practica.importers.export import community_export
from practica.importers.tests.helpers import TINY, export_text, run_import, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def lived_in(people: People) -> None:
    """Native content of every kind beside an imported dump, in the growers community."""
    c = people.community
    question = thread_create(
        community=c, author=people.newcomer, kind="question", title="Slugs on lettuce?",
        body="What keeps slugs away, @bob?", tags=["pests"],
    )  # fmt: skip
    answer = reply_create(thread=question, author=people.member, body="Copper tape works.")
    reply_create(thread=question, author=people.steward, body="And beer traps.", parent=answer)
    reply_accept(reply=answer, actor=people.newcomer)
    acknowledgement_create(person=people.newcomer, thread=question, reply=answer)
    story = thread_create(
        community=c, author=people.steward, kind="story", title="Our first harvest",
        context="A rooftop", what_happened="Rain", learned="Drain well", tags=["harvest"],
    )  # fmt: skip
    acknowledgement_create(person=people.member, thread=story)
    run_import("stackexchange", str(TINY), "--community", "growers")


def restore(path: Path, *extra: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("import", "practica", str(path), "--json", *extra, stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_two_exports_of_the_same_data_are_the_same_bytes(people: People, tmp_path: Path) -> None:
    lived_in(people)
    assert export_text("growers", tmp_path) == export_text("growers", tmp_path)


def test_the_export_starts_with_a_versioned_header_and_holds_every_kind(
    people: People, tmp_path: Path
) -> None:
    lived_in(people)
    lines = [json.loads(line) for line in export_text("growers", tmp_path).splitlines()]
    header = lines[0]
    assert header["format"] == "practica-export" and header["version"] == 1
    kinds = {line["type"] for line in lines[1:]}
    assert kinds == {
        "community", "person", "tag", "thread", "reply", "link", "acknowledgement",
        "membership", "event",
    }  # fmt: skip
    assert header["counts"]["thread"] == 4 and header["counts"]["acknowledgement"] == 2
    people_lines = [line for line in lines[1:] if line["type"] == "person"]
    assert all("email" not in p and "password" not in p for p in people_lines)


def test_an_export_restored_into_an_empty_database_exports_the_same_bytes(
    people: People, tmp_path: Path
) -> None:
    lived_in(people)
    original = export_text("growers", tmp_path)
    path = tmp_path / "growers-original.jsonl"
    path.write_text(original, encoding="utf-8")
    Community.objects.all().delete()
    User.objects.all().delete()

    restore(path)
    assert export_text("growers", tmp_path) == original
    again = restore(path)
    assert (again["created"], again["updated"]) == (0, 0)
    assert export_text("growers", tmp_path) == original


def test_restored_rows_keep_their_meaning(people: People, tmp_path: Path) -> None:
    lived_in(people)
    path = tmp_path / "g.jsonl"
    path.write_text(export_text("growers", tmp_path), encoding="utf-8")
    Community.objects.all().delete()
    User.objects.all().delete()
    restore(path)
    question = Thread.objects.get(title="Slugs on lettuce?")
    assert question.author is not None and question.author.username == "carol"
    assert question.accepted_reply is not None
    assert question.accepted_reply.body == "Copper tape works."
    story = Thread.objects.get(title="Our first harvest")
    assert (story.context, story.learned) == ("A rooftop", "Drain well")
    steward = Community.objects.get(slug="growers").memberships.get(role="steward")
    assert steward.user.username == "alice"
    assert not User.objects.get(username="alice").has_usable_password()


def test_a_restore_into_another_community_copies_everything_but_the_slug(
    people: People, tmp_path: Path
) -> None:
    lived_in(people)
    original = export_text("growers", tmp_path).splitlines()
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(original) + "\n", encoding="utf-8")
    restore(path, "--community", "growers-copy")
    copy = export_text("growers-copy", tmp_path).splitlines()
    assert copy[2:] == original[2:]
    assert json.loads(copy[1])["slug"] == "growers-copy"


def test_the_funnel_decides_what_an_export_may_hold(people: People) -> None:
    lived_in(people)
    secret = Thread.objects.get(title="Slugs on lettuce?")
    out = io.StringIO()
    community_export(people.community, out, funnel=lambda qs: qs.exclude(pk=secret.pk))
    text = out.getvalue()
    assert "Slugs on lettuce" not in text
    assert "Copper tape" not in text and "beer traps" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert sum(1 for line in lines[1:] if line["type"] == "acknowledgement") == 1


@pytest.mark.parametrize("tier", ["private", "confidential"])
def test_threads_inside_closed_circles_stay_out_of_exports(
    people: People, tmp_path: Path, tier: str
) -> None:
    lived_in(people)
    circle = Circle.objects.create(
        community=people.community, name="Inner", slug="inner", tier=tier
    )
    Thread.objects.filter(title="Our first harvest").update(circle=circle)
    text = export_text("growers", tmp_path)
    assert "Our first harvest" not in text and "Drain well" not in text
    assert '"inner"' not in text  # not even the circle's name
    # Nor through a funnel that would let everything through.
    out = io.StringIO()
    community_export(people.community, out, funnel=lambda qs: qs)
    assert "Our first harvest" not in out.getvalue()


BAD_EXPORTS = [
    ('{"format": "something-else", "version": 1}\n', "line 1: not a Practica export"),
    ('{"format": "practica-export", "version": 9}\n', "line 1: export version 9"),
    ("not json\n", "line 1: not JSON"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_EXPORTS)
def test_a_file_that_is_not_an_export_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=f"^x.jsonl, {expected}"):
        restore(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda line: line.replace('"type":"membership"', '"type":"badge"'), "unknown line type"),
        (lambda line: line.replace('"role":"steward"', '"role":"queen"'), "'queen' is not one"),
        (lambda line: line.replace('"person":"alice"', '"person":"zed"'), "'zed', who has no"),
        (lambda line: line.replace('"occurred_at":"', '"occurred_at":"x'), "not a date"),
    ],
)
def test_a_damaged_export_is_refused_whole_with_its_line(
    people: People, tmp_path: Path, change: object, expected: str
) -> None:
    lived_in(people)
    lines = export_text("growers", tmp_path).splitlines()
    damaged = [change(line) for line in lines]  # type: ignore[operator]
    number = next(i for i, (a, b) in enumerate(zip(lines, damaged, strict=True), 1) if a != b)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(damaged) + "\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=f"^bad.jsonl, line {number}: .*{expected}"):
        restore(path, "--community", "elsewhere")
    assert snapshot() == before


def test_a_truncated_export_is_refused(people: People, tmp_path: Path) -> None:
    lived_in(people)
    text = export_text("growers", tmp_path)
    path = tmp_path / "cut.jsonl"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=r"^cut.jsonl, line \d+: not JSON"):
        restore(path, "--community", "elsewhere")
    assert snapshot() == before
