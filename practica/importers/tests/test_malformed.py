"""Bad input: one line naming the file and the line, a non-zero exit, nothing stored."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from practica.accounts.models import User
from practica.communities.models import Community
from practica.importers.tests.helpers import (
    BAD,
    REPO,
    TINY,
    dump_with,
    export_text,
    run_import,
    snapshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


def import_error(path: Path, *extra: str) -> str:
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("import", "stackexchange", str(path), "--community", "tiny", *extra)
    message = str(caught.value)
    assert "\n" not in message
    assert snapshot() == before, "a refused import must not store anything"
    return message


@pytest.mark.parametrize(
    ("name", "fixture", "expected"),
    [
        ("Posts.xml", "Posts-truncated.xml", "Posts.xml, line 5: malformed or truncated XML"),
        (
            "Posts.xml",
            "Posts-bad-date.xml",
            "Posts.xml, line 4: row Id=3: CreationDate is not a date: 'yesterday'",
        ),
        ("Users.xml", "Users-bad-id.xml", "Users.xml, line 5: row Id=three: Id is not a number"),
        ("Users.xml", "Users-bomb.xml", "Users.xml, line 2: the file declares a DTD or entities"),
        (
            "Users.xml",
            "Users-external-entity.xml",
            "Users.xml, line 2: the file declares a DTD or entities",
        ),
        (
            "Posts.xml",
            "Posts-wrong-root.xml",
            "Posts.xml, line 2: expected <posts> as the root element, found <comments>",
        ),
        ("Users.xml", "gitter-room.tsv", "Users.xml, line 1: this is not an XML file"),
    ],
)
def test_a_damaged_file_is_refused_with_its_name_and_line(
    tmp_path: Path, name: str, fixture: str, expected: str
) -> None:
    dump = dump_with(tmp_path, name, BAD / fixture)
    assert import_error(dump).startswith(expected)


@pytest.mark.parametrize("name", ["Users.xml", "Posts.xml"])
def test_a_missing_required_file_is_named(tmp_path: Path, name: str) -> None:
    dump = dump_with(tmp_path, name, None)
    assert import_error(dump).startswith(f"{name}: missing from tiny.stackexchange.com")


def test_optional_files_may_be_missing(tmp_path: Path) -> None:
    dump = dump_with(tmp_path, "Comments.xml", None)
    (dump / "Votes.xml").unlink()
    result = run_import("stackexchange", str(dump), "--community", "tiny")
    assert (result["threads"], result["replies"]) == (2, 3)


def test_a_chat_archive_is_not_taken_for_a_dump(tmp_path: Path) -> None:
    room = tmp_path / "tiny.stackexchange.com"
    room.mkdir()
    shutil.copy(BAD / "gitter-room.tsv", room / "room.tsv")
    assert "Users.xml: missing from tiny.stackexchange.com" in import_error(room)
    single = tmp_path / "room.tsv"
    shutil.copy(BAD / "gitter-room.tsv", single)
    assert "room.tsv: a Stack Exchange dump is a folder of XML files" in import_error(
        single, "--site", "tiny.stackexchange.com"
    )


def test_a_corrupt_7z_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "tiny.stackexchange.com.7z"
    shutil.copy(BAD / "corrupt.7z", archive)
    assert import_error(archive).startswith("tiny.stackexchange.com.7z: not a readable 7z archive")


def test_a_folder_not_named_after_a_site_needs_site(tmp_path: Path) -> None:
    folder = tmp_path / "dump"
    shutil.copytree(TINY, folder)
    assert "cannot tell which site" in import_error(folder)


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    assert "no such file or folder" in import_error(tmp_path / "beer.stackexchange.com")


def test_an_invalid_slug_is_refused_before_reading() -> None:
    before = snapshot()
    with pytest.raises(CommandError, match="a slug is lower-case"):
        call_command("import", "stackexchange", str(TINY), "--community", "Not A Slug")
    assert snapshot() == before


def test_an_error_after_some_batches_is_completed_by_a_fixed_rerun(tmp_path: Path) -> None:
    """The rule for errors mid-stream: whole batches stay, a fixed re-run ends the same."""
    broken = dump_with(tmp_path / "broken", "Comments.xml", BAD / "Posts-truncated.xml")
    with pytest.raises(CommandError, match=r"^Comments.xml, line 2: expected <comments>"):
        call_command("import", "stackexchange", str(broken), "--community", "tiny")
    truncated = tmp_path / "cut" / "tiny.stackexchange.com"
    shutil.copytree(TINY, truncated)
    comments = (TINY / "Comments.xml").read_text(encoding="utf-8")
    (truncated / "Comments.xml").write_text(comments[: comments.index('<row Id="5"')])
    with pytest.raises(CommandError, match=r"^Comments.xml, line \d+: malformed or truncated"):
        call_command(
            "import", "stackexchange", str(truncated), "--community", "tiny", "--batch-size", "2"
        )
    assert Community.objects.get(slug="tiny").threads.count() == 2, "earlier batches stay"
    run_import("stackexchange", str(TINY), "--community", "tiny")
    completed = export_text("tiny", tmp_path)

    Community.objects.filter(slug="tiny").delete()
    User.objects.filter(source="tiny.stackexchange.com").delete()
    run_import("stackexchange", str(TINY), "--community", "tiny")
    assert export_text("tiny", tmp_path) == completed


def test_the_command_exits_non_zero_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    dump = dump_with(tmp_path, "Posts.xml", BAD / "Posts-bad-date.xml")
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PRACTICA_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
        "PRACTICA_ENV": "development",
    }
    home.mkdir()
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=300)
    done = subprocess.run(
        [*manage, "import", "stackexchange", str(dump), "--community", "t"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == ["CommandError: Posts.xml, line 4: row Id=3: CreationDate is not a date: "
                     "'yesterday'"]  # fmt: skip
