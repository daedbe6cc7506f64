"""Every Stack Exchange dump in ../shared/data: exact counts, re-runs, kills, round trips.

Counting rule, checked against the XML itself:
- people: every row of Users.xml, the Community user (Id -1) included as a system actor;
- threads: the rows of Posts.xml with PostTypeId 1;
- replies: answers (PostTypeId 2) whose question is in the dump, plus every comment
  on a question or answer that is in the dump; comments on anything else (tag wikis,
  nominations, posts missing from the dump) are skipped and reported.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from practica.importers.tests.helpers import REPO, SE_DUMPS, export_text, run_import

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not SE_DUMPS.is_dir(),
        reason=f"the real Stack Exchange dumps are not here ({SE_DUMPS} is absent)",
    ),
]
DUMPS = sorted(p.name for p in SE_DUMPS.iterdir()) if SE_DUMPS.is_dir() else []


def rows(path: Path) -> Iterator[dict[str, str]]:
    for _, el in etree.iterparse(str(path), tag="row", resolve_entities=False, no_network=True):
        yield dict(el.attrib)
        el.clear()


def expected_counts(dump: Path) -> dict[str, int]:
    kinds = {r["Id"]: r for r in rows(dump / "Posts.xml")}
    questions = {pid for pid, r in kinds.items() if r["PostTypeId"] == "1"}
    answers = {
        pid for pid, r in kinds.items() if r["PostTypeId"] == "2" and r["ParentId"] in questions
    }
    comments = sum(1 for r in rows(dump / "Comments.xml") if r["PostId"] in questions | answers)
    return {
        "people": sum(1 for _ in rows(dump / "Users.xml")),
        "threads": len(questions),
        "replies": len(answers) + comments,
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("site", DUMPS)
def test_each_dump_imports_with_the_counts_of_its_files_and_a_rerun_changes_nothing(
    site: str,
) -> None:
    dump = SE_DUMPS / site
    first = run_import("stackexchange", str(dump), "--community", "real")
    assert {k: first[k] for k in ("people", "threads", "replies")} == expected_counts(dump)
    assert first["events"] > 0 and first["updated"] == 0
    second = run_import("stackexchange", str(dump), "--community", "real")
    assert (second["created"], second["updated"]) == (0, 0)
    assert second["unchanged"] == first["created"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_dump_survives_export_and_restore_byte_for_byte(tmp_path: Path) -> None:
    from practica.accounts.models import User
    from practica.communities.models import Community

    run_import("stackexchange", str(SE_DUMPS / "coffee.meta.stackexchange.com"), "--community", "c")
    original = export_text("c", tmp_path)
    path = tmp_path / "coffee.jsonl"
    path.write_text(original, encoding="utf-8")
    Community.objects.all().delete()
    User.objects.all().delete()
    result = run_import("practica", str(path))
    assert result["updated"] == 0
    assert export_text("c", tmp_path) == original


class Database:
    """A database of its own for commands run in subprocesses (a file, or a PostgreSQL db)."""

    def __init__(self, name: str, folder: Path) -> None:
        self.home = folder / name
        self.home.mkdir(parents=True)
        default = settings.DATABASES["default"]
        self.postgres = "postgresql" in default["ENGINE"]
        if self.postgres:
            self.name = f"{default['TEST'].get('NAME') or 'test_practica'}_{name}"[:60]
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
            auth = default["USER"] + (f":{default['PASSWORD']}" if default["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{default['HOST']}:{default['PORT'] or 5432}/{self.name}"
        else:
            self.url = f"sqlite:///{self.home / 'db.sqlite3'}"
        self.env = {
            **os.environ,
            "PRACTICA_HOME": str(self.home),
            "DATABASE_URL": self.url,
            "PRACTICA_ENV": "development",
        }
        self.run("migrate", "-v0")

    def _admin(self, *statements: str) -> None:
        import psycopg

        d = settings.DATABASES["default"]
        with psycopg.connect(
            dbname="postgres", user=d["USER"], password=d["PASSWORD"] or None,
            host=d["HOST"], port=d["PORT"] or 5432, autocommit=True,
        ) as conn:  # fmt: skip
            for sql in statements:
                conn.execute(sql)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "manage.py", *args]

    def run(self, *args: str) -> None:
        subprocess.run(self.command(*args), cwd=REPO, env=self.env, check=True, timeout=600)

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.command(*args), cwd=REPO, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def export(self) -> bytes:
        path = self.home / "export.jsonl"
        self.run("export", "beer", str(path))
        return path.read_bytes()

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.mark.slow
def test_an_import_killed_at_random_moments_ends_as_an_uninterrupted_one(tmp_path: Path) -> None:
    dump = str(SE_DUMPS / "beer.stackexchange.com")
    args = ("import", "stackexchange", dump, "--community", "beer", "--json")
    calm, killed = Database("calm", tmp_path), Database("killed", tmp_path)
    try:
        started = time.monotonic()
        calm.run(*args)
        duration = time.monotonic() - started
        started = time.monotonic()
        calm.run(*args)
        # A resumed run redoes at least what a run over complete data does.
        rerun = time.monotonic() - started
        expected = calm.export()

        chance = random.Random(20240611)
        delays = [chance.uniform(0.3, 0.95) * duration]
        delays += [chance.uniform(0.3, 0.9) * rerun for _ in range(3)]
        kills = 0
        for delay in delays:
            process = killed.start(*args)
            time.sleep(delay)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
        assert kills >= 3, "the import ended before it could be killed: lengthen the delays"
        killed.run(*args)
        assert killed.export() == expected
    finally:
        calm.drop()
        killed.drop()
