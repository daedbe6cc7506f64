"""Circles in exports: open and members' circles leave with their circle, closed ones never;
under the Chatham House rule an export names nobody."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conftest import People
from practica.accounts.models import User
from practica.communities.circles import circle_create, circle_join
from practica.communities.models import Circle, CircleTier, Community
from practica.exchange.models import Thread
from practica.exchange.services import acknowledgement_create, reply_create, thread_create
from practica.importers.tests.helpers import export_text

pytestmark = pytest.mark.django_db(transaction=True)


def restore(path: Path, *extra: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", "practica", str(path), "--json", *extra, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def empty_the_database() -> None:
    # Threads first: a circle cannot go while threads are in it (Thread.circle is PROTECT).
    Thread.objects.all().delete()
    Community.objects.all().delete()
    User.objects.all().delete()


def lines_of(text: str, kind: str) -> list[dict[str, Any]]:
    return [item for item in map(json.loads, text.splitlines()[1:]) if item["type"] == kind]


def with_circles(people: People) -> dict[str, Circle]:
    c = people.community
    circles = {
        tier: circle_create(
            community=c, actor=people.steward, name=f"{tier.title()} room", slug=f"{tier}-room",
            tier=tier, chatham_house=(tier == CircleTier.MEMBERS),
        )
        for tier in CircleTier.values
    }  # fmt: skip
    circle_join(circle=circles[CircleTier.MEMBERS], user=people.member)
    for tier, circle in circles.items():
        thread = thread_create(
            community=c, author=people.steward, kind="story", title=f"Story of the {tier} room",
            what_happened=f"Something only the {tier} room heard", circle=circle,
        )  # fmt: skip
        reply = reply_create(thread=thread, author=people.member, body=f"Reply in {tier}")
        acknowledgement_create(person=people.steward, thread=thread, reply=reply)
    return circles


def test_open_and_members_circles_are_exported_with_their_threads(
    people: People, tmp_path: Path
) -> None:
    with_circles(people)
    text = export_text("growers", tmp_path)
    slugs = {c["slug"]: c for c in lines_of(text, "circle")}
    assert set(slugs) == {"open-room", "members-room"}
    assert slugs["members-room"]["chatham_house"] is True
    threads = {t["title"]: t for t in lines_of(text, "thread")}
    assert threads["Story of the open room"]["circle"] == "open-room"
    assert threads["Story of the members room"]["circle"] == "members-room"
    assert json.loads(text.splitlines()[0])["counts"]["circle"] == 2


def test_private_and_confidential_circles_leave_no_trace_in_an_export(
    people: People, tmp_path: Path
) -> None:
    with_circles(people)
    text = export_text("growers", tmp_path)
    for tier in ("private", "confidential"):
        assert f"{tier} room" not in text and f"{tier}-room" not in text
        assert f"Reply in {tier}" not in text


def test_a_chatham_house_circle_is_exported_without_naming_anyone(
    people: People, tmp_path: Path
) -> None:
    with_circles(people)
    text = export_text("growers", tmp_path)
    story = next(t for t in lines_of(text, "thread") if t["circle"] == "members-room")
    assert story["author"] is None
    reply = next(r for r in lines_of(text, "reply") if r["body"] == "Reply in members")
    assert reply["author"] is None
    story_ref, reply_ref = story["ref"], reply["ref"]
    acks = lines_of(text, "acknowledgement")
    assert not any(a["thread"] == story_ref or a["reply"] == reply_ref for a in acks)
    events = lines_of(text, "event")
    assert not any(e["thread"] == story_ref for e in events)
    assert not any(
        (e["object_type"], e["object"]) in [("thread", story_ref), ("reply", reply_ref)]
        for e in events
    )
    # The open circle is not under the rule: its story keeps its author.
    open_story = next(t for t in lines_of(text, "thread") if t["circle"] == "open-room")
    assert open_story["author"] == "alice"


def test_a_tag_used_only_in_a_closed_circle_stays_out_of_the_export(
    people: People, tmp_path: Path
) -> None:
    circle = circle_create(
        community=people.community, actor=people.steward, name="Grief", slug="grief",
        tier=CircleTier.CONFIDENTIAL,
    )  # fmt: skip
    thread_create(
        community=people.community, author=people.steward, kind="discussion",
        title="Losing the allotment", body="Hard week.", tags=["bereavement"], circle=circle,
    )  # fmt: skip
    assert "bereavement" not in export_text("growers", tmp_path)


def test_circles_round_trip_to_the_same_bytes(people: People, tmp_path: Path) -> None:
    with_circles(people)
    original = export_text("growers", tmp_path)
    path = tmp_path / "growers.jsonl"
    path.write_text(original, encoding="utf-8")
    empty_the_database()
    restore(path)
    assert export_text("growers", tmp_path) == original
    story = Thread.objects.get(title="Story of the members room")
    assert story.circle is not None and story.circle.tier == CircleTier.MEMBERS
    assert story.circle.chatham_house and story.author is None


def test_a_restore_never_loosens_a_circle_that_is_already_here(
    people: People, tmp_path: Path
) -> None:
    with_circles(people)
    path = tmp_path / "growers.jsonl"
    path.write_text(export_text("growers", tmp_path), encoding="utf-8")
    empty_the_database()
    # Here, meanwhile, a steward made the open room private, and put it under the rule.
    community = Community.objects.create(name="Urban Growers", slug="growers")
    Circle.objects.create(
        community=community, name="Open room", slug="open-room", tier=CircleTier.PRIVATE
    )
    Circle.objects.create(
        community=community, name="Members room", slug="members-room", chatham_house=False
    )
    restore(path)
    assert Circle.objects.get(slug="open-room").tier == CircleTier.PRIVATE
    assert Circle.objects.get(slug="members-room").chatham_house is True
    story = Thread.objects.get(title="Story of the open room")
    assert story.circle is not None and story.circle.slug == "open-room"


def test_a_file_that_brings_a_confidential_circle_is_refused(
    people: People, tmp_path: Path
) -> None:
    with_circles(people)
    text = export_text("growers", tmp_path).replace('"tier":"open"', '"tier":"confidential"')
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="circle tier: 'confidential' is not one of"):
        restore(path)


def test_a_thread_naming_an_unknown_circle_is_refused_with_its_line(
    people: People, tmp_path: Path
) -> None:
    with_circles(people)
    text = export_text("growers", tmp_path).replace('"circle":"open-room"', '"circle":"nowhere"')
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.jsonl, line \d+: thread circle: names 'nowhere'"):
        restore(path)


def test_an_export_written_before_circles_existed_still_restores(
    people: People, tmp_path: Path
) -> None:
    thread_create(
        community=people.community, author=people.member, kind="question", title="Old one",
        body="From before circles.",
    )  # fmt: skip
    lines = export_text("growers", tmp_path).splitlines()
    old = []
    for line in lines:
        item = json.loads(line)
        item.pop("circle", None)
        if item.get("type") != "circle":
            old.append(json.dumps(item))
    path = tmp_path / "old.jsonl"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    empty_the_database()
    restore(path)
    assert Thread.objects.get(title="Old one").circle is None
