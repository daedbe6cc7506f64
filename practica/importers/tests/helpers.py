"""Shared by the importer tests: where the fixtures are, running the commands, a DB snapshot."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from practica.accounts.models import User
from practica.communities.models import Community, Membership
from practica.exchange.models import Reply, Tag, Thread, ThreadLink
from practica.ledger.models import LedgerEvent

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "stackexchange" / "tiny.stackexchange.com"
BAD = FIXTURES / "stackexchange" / "bad"
REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
SE_DUMPS = SHARED_DATA / "stackexchange"


def run_import(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("import", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def export_text(slug: str, folder: Path) -> str:
    path = folder / f"{slug}.jsonl"
    call_command("export", slug, str(path), stdout=StringIO())
    return path.read_text(encoding="utf-8")


def dump_with(folder: Path, name: str, replacement: Path | None) -> Path:
    """A copy of the tiny dump in ``folder`` with one file replaced (or removed when None)."""
    target = folder / "tiny.stackexchange.com"
    shutil.copytree(TINY, target)
    if replacement is None:
        (target / name).unlink()
    else:
        shutil.copy(replacement, target / name)
    return target


def snapshot() -> dict[str, int]:
    """Row counts of everything an import writes."""
    return {
        "communities": Community.objects.count(),
        "people": User.objects.count(),
        "members": Membership.objects.count(),
        "tags": Tag.objects.count(),
        "threads": Thread.objects.count(),
        "replies": Reply.objects.count(),
        "links": ThreadLink.objects.count(),
        "events": LedgerEvent.objects.count(),
    }
