"""The Stack Exchange importer on a tiny dump we wrote (fixtures/stackexchange/tiny...)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import py7zr
import pytest

from practica.accounts.models import User
from practica.communities.models import Community, Membership
from practica.exchange.models import Reply, Tag, Thread, ThreadLink
from practica.importers.stackexchange import licence_for
from practica.importers.tests.helpers import TINY, export_text, run_import
from practica.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db(transaction=True)
SOURCE = "tiny.stackexchange.com"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_import_reports_the_totals_and_what_it_skipped() -> None:
    result = run_import("stackexchange", str(TINY), "--community", "tiny")
    assert {k: result[k] for k in ("people", "threads", "replies", "links", "events")} == {
        "people": 5,
        "threads": 2,
        "replies": 7,
        "links": 2,
        "events": 9,
    }
    assert result["updated"] == 0 and result["unchanged"] == 0
    assert result["skipped"] == {
        "answer: its question is not in the dump": 1,
        "comment: on a post that is not in the dump": 1,
        "comment: on a tag wiki or other post that is not imported": 1,
        "link: a linked post is not a question in the dump": 1,
        "post: moderator nomination": 1,
        "post: tag wiki body": 1,
    }


def test_the_community_is_created_from_the_site() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    community = Community.objects.get(slug="tiny")
    assert community.name == "Tiny Stack Exchange"
    assert community.source_url == "https://tiny.stackexchange.com/"
    assert community.visibility == "public"
    assert community.aspiration == "knowledge_weaving"
    assert community.created_at == at(2010, 6, 1, 10)


def test_every_user_becomes_a_person_and_the_community_user_a_system_actor() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    ann = User.objects.get(source=SOURCE, source_id="2")
    assert ann.username == "se-tiny-2"
    assert ann.display_name == "Ann Lee"
    assert ann.bio == "<p>Grows tomatoes on a balcony.</p>"
    assert ann.location == "Lyon"
    assert ann.website == "https://ann.example.org/"
    assert ann.date_joined == datetime(2010, 6, 2, 9, 30, 0, 250000, tzinfo=UTC)
    assert not ann.has_usable_password()
    system = User.objects.get(source=SOURCE, source_id="-1")
    assert system.is_system and not ann.is_system
    assert Membership.objects.filter(community__slug="tiny").count() == 5


def test_questions_become_threads_with_their_tags_scores_and_accepted_answer() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    thread = Thread.objects.get(source=SOURCE, source_id="1")
    assert thread.kind == "question"
    assert thread.title == "Watering tomatoes in pots"
    assert thread.author is not None and thread.author.username == "se-tiny-2"
    assert (thread.score, thread.view_count) == (7, 120)
    assert thread.edited_at == at(2010, 6, 5, 11)
    assert sorted(t.name for t in thread.tags.all()) == ["tomatoes", "watering"]
    assert thread.accepted_reply is not None and thread.accepted_reply.source_id == "3"
    assert thread.last_activity_at == at(2012, 2, 1, 12)
    newer = Thread.objects.get(source=SOURCE, source_id="5")
    assert [t.name for t in newer.tags.all()] == ["tomatoes"]


def test_tag_descriptions_come_from_the_tag_wiki_excerpts() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    tags = dict(Tag.objects.filter(community__slug="tiny").values_list("name", "description"))
    assert tags == {"tomatoes": "Questions about growing tomatoes.", "watering": ""}


def test_comments_hang_on_the_question_or_on_their_answer() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    on_question = Reply.objects.get(source_id="c1")
    on_answer = Reply.objects.get(source_id="c2")
    assert on_question.kind == "comment" and on_question.parent is None
    assert on_answer.parent is not None and on_answer.parent.source_id == "3"
    anonymous = Reply.objects.get(source_id="c6")
    assert anonymous.author is None
    answers = Reply.objects.filter(kind="answer").values_list("source_id", flat=True)
    assert sorted(answers) == ["3", "4", "6"]


def test_duplicate_and_related_links_are_kept() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    links = {
        (link.from_thread.source_id, link.to_thread.source_id, link.kind, link.source_id)
        for link in ThreadLink.objects.select_related("from_thread", "to_thread")
    }
    assert links == {("5", "1", "duplicate", "11"), ("1", "5", "related", "12")}


def test_ledger_events_keep_the_original_times() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    events = {
        (e.key.split("|")[1], e.actor.username, e.target.username, e.verb, e.occurred_at)
        for e in LedgerEvent.objects.select_related("actor", "target")
        if e.actor and e.target
    }
    assert events == {
        ("answer:3", "se-tiny-3", "se-tiny-2", "answered", at(2010, 6, 5, 12)),
        ("answer:4", "se-tiny-4", "se-tiny-2", "answered", at(2012, 2, 1, 12)),
        ("answer:6", "se-tiny-2", "se-tiny-5", "answered", at(2019, 3, 2, 9)),
        ("comment:1", "se-tiny-3", "se-tiny-2", "commented", at(2010, 6, 5, 10, 30)),
        ("comment:2", "se-tiny-4", "se-tiny-3", "commented", at(2010, 6, 5, 13)),
        ("comment:3", "se-tiny-2", "se-tiny-3", "commented", at(2010, 6, 5, 14)),
        ("mention:2:2", "se-tiny-4", "se-tiny-2", "mentioned", at(2010, 6, 5, 13)),
        ("mention:3:3", "se-tiny-2", "se-tiny-3", "mentioned", at(2010, 6, 5, 14)),
        # The acceptance vote is dated to the day; it comes after the answer.
        ("accept:3", "se-tiny-2", "se-tiny-3", "accepted", at(2010, 6, 6)),
    }
    assert LedgerEvent.objects.filter(key=f"{SOURCE}|answer:3").get().key.startswith(SOURCE)


def test_provenance_and_licences_follow_the_dump_or_the_date() -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    assert Thread.objects.get(source_id="1").licence == "CC BY-SA 2.5"
    assert Reply.objects.get(source_id="4").licence == "CC BY-SA 3.0"
    assert Thread.objects.get(source_id="5").licence == "CC BY-SA 4.0"
    assert licence_for(at(2011, 4, 7, 23), None) == "CC BY-SA 2.5"
    assert licence_for(at(2011, 4, 8), None) == "CC BY-SA 3.0"
    assert licence_for(at(2018, 5, 1, 23), None) == "CC BY-SA 3.0"
    assert licence_for(at(2018, 5, 2), None) == "CC BY-SA 4.0"
    assert licence_for(at(2010, 1, 1), "CC BY-SA 4.0") == "CC BY-SA 4.0"


def test_a_second_import_changes_nothing() -> None:
    first = run_import("stackexchange", str(TINY), "--community", "tiny")
    second = run_import("stackexchange", str(TINY), "--community", "tiny")
    assert second["created"] == 0 and second["updated"] == 0
    assert second["unchanged"] == first["created"]
    assert {k: second[k] for k in ("people", "threads", "replies", "links", "events")} == {
        k: first[k] for k in ("people", "threads", "replies", "links", "events")
    }


def test_an_edited_post_is_updated_on_the_next_import(tmp_path: Path) -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    changed = tmp_path / "tiny.stackexchange.com"
    changed.mkdir()
    for file in TINY.iterdir():
        text = file.read_text(encoding="utf-8")
        (changed / file.name).write_text(
            text.replace("Watering tomatoes in pots", "Watering potted tomatoes"), encoding="utf-8"
        )
    result = run_import("stackexchange", str(changed), "--community", "tiny")
    assert (result["created"], result["updated"]) == (0, 1)
    assert Thread.objects.get(source_id="1").title == "Watering potted tomatoes"


def test_a_7z_archive_imports_like_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "tiny.stackexchange.com.7z"
    with py7zr.SevenZipFile(archive, "w") as z:
        for file in sorted(TINY.iterdir()):
            z.write(file, arcname=file.name)
    from_folder = run_import("stackexchange", str(TINY), "--community", "folder")
    from_archive = run_import("stackexchange", str(archive), "--community", "archive")
    keys = ("people", "threads", "replies", "links", "events")
    assert {k: from_archive[k] for k in keys} == {k: from_folder[k] for k in keys}
    assert Thread.objects.filter(community__slug="archive", source=SOURCE).count() == 2


def test_site_can_be_named_when_the_folder_is_not(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "dump"
    shutil.copytree(TINY, folder)
    run_import("stackexchange", str(folder), "--community", "tiny", "--site", SOURCE)
    assert User.objects.filter(source=SOURCE).count() == 5


def test_two_imports_of_one_dump_give_identical_exports(tmp_path: Path) -> None:
    run_import("stackexchange", str(TINY), "--community", "tiny")
    first = export_text("tiny", tmp_path)
    run_import("stackexchange", str(TINY), "--community", "tiny")
    assert export_text("tiny", tmp_path) == first
