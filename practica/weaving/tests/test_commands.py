"""``practica related`` and ``practica experts``: single queries and batch files."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from practica.weaving.tests.conftest import Brewers

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_related_prints_a_ranked_list_with_reasons(brewers: Brewers) -> None:
    text = run("related", "brewers", "citra hops aroma", "-k", "2")
    lines = text.splitlines()
    assert lines[0].startswith(" 1. [") and "citra hops" in lines[0]
    assert "title mentions" in lines[1]


def test_related_json_has_ids_source_ids_and_scores(brewers: Brewers) -> None:
    found = json.loads(run("related", "brewers", "stuck yeast", "--json"))
    assert found["results"][0]["id"] == brewers.yeast.pk
    assert set(found["results"][0]) >= {"id", "source_id", "score", "title", "why"}


def test_batch_mode_writes_one_line_per_query_in_the_contract_format(
    brewers: Brewers, tmp_path: Path
) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"id": "q1", "text": "citra hops"}\n\n{"id": 2, "text": "yeast stopped"}\n'
        '{"id": "q3", "text": ""}\n'
    )
    lines = run("experts", "brewers", "--batch", str(queries), "-k", "1").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["q1", 2, "q3"]
    assert rows[0]["results"] == [
        {"id": brewers.hana.pk, "source_id": "", "score": rows[0]["results"][0]["score"]}
    ]
    assert rows[1]["results"][0]["id"] == brewers.yuri.pk
    assert rows[2]["results"] == []
    related = [
        json.loads(x) for x in run("related", "brewers", "--batch", str(queries)).splitlines()
    ]
    assert related[0]["results"][0] == {
        "id": brewers.hops.pk, "source_id": "", "score": related[0]["results"][0]["score"]
    }  # fmt: skip


def test_a_bad_batch_line_is_named(brewers: Brewers, tmp_path: Path) -> None:
    queries = tmp_path / "bad.jsonl"
    queries.write_text('{"id": 1, "text": "hops"}\n{"id": 2}\n')
    with pytest.raises(CommandError, match=r"bad.jsonl: line 2: expected"):
        run("related", "brewers", "--batch", str(queries))
    queries.write_text("not json\n")
    with pytest.raises(CommandError, match=r"line 1: not JSON"):
        run("related", "brewers", "--batch", str(queries))
    with pytest.raises(CommandError, match=r"missing\.jsonl"):
        run("related", "brewers", "--batch", str(tmp_path / "missing.jsonl"))


def test_commands_see_only_what_anyone_may_see_unless_told_who(brewers: Brewers) -> None:
    with pytest.raises(CommandError, match="no community 'cellar'"):
        run("related", "cellar", "citra")
    found = json.loads(run("related", "cellar", "citra hops", "--as", "hana", "--json"))
    assert [r["id"] for r in found["results"]] == [brewers.secret.pk]
    public = json.loads(run("related", "brewers", "judging citra hops", "--json"))
    assert brewers.judged.pk not in [r["id"] for r in public["results"]]
