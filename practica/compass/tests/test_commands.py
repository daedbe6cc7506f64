"""``practica compass`` and ``practica generate`` from the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from practica.communities.models import Community
from practica.exchange.models import Reply, Thread
from practica.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_compass_json_prints_one_object_with_the_documented_shape(people, story):
    body = json.loads(run_command("compass", "growers", "--json"))
    assert body["community"] == "growers"
    assert body["window"] == {**body["window"], "since": None, "until": None}
    assert body["stage"]["name"] in {"network", "community_of_practice"}
    assert all({"figure", "value", "met", "says"} <= set(e) for e in body["stage"]["evidence"])
    assert set(body["archetypes"]) == {
        "knowledge_weaver",
        "collaborative_learner",
        "system_of_influence",
    }
    assert {"contributors", "newcomers", "gini", "top10_share"} <= set(body["people"])
    assert {"nodes", "edges", "density", "reciprocity", "largest_component_share"} <= set(
        body["reply_graph"]
    )
    assert {"communities", "modularity"} <= set(body["reply_graph"])
    assert isinstance(body["responsiveness"], dict) and isinstance(body["newcomers"], dict)
    assert isinstance(body["next_steps"], list)


def test_compass_takes_a_window(people, story):
    body = json.loads(
        run_command(
            "compass", "growers", "--json", "--since", "2001-01-01", "--until", "2002-01-01"
        )
    )
    assert body["window"]["since"].startswith("2001-01-01")
    assert body["people"]["contributors"] == 0


def test_compass_summary_reads_as_sentences(people, story):
    text = run_command("compass", "growers")
    assert "Compass of Urban Growers (growers): computed in" in text
    assert "Stage: " in text and "needs >=" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "no community 'nowhere'"),
        (["growers", "--since", "yesterday"], "--since: 'yesterday' is not a date"),
        (["growers", "--since", "2024-05-01", "--until", "2024-01-01"], "since must be before"),
    ],
)
def test_compass_says_what_is_wrong_in_one_line(people, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("compass", *args, stdout=io.StringIO())


def test_compass_writes_the_report_files(people, story, tmp_path):
    text = run_command("compass", "growers", "--report", str(tmp_path / "out"))
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["report.html", "report.pdf", "series.csv"]
    assert (tmp_path / "out" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "Compass of Urban Growers" in (tmp_path / "out" / "report.html").read_text()
    assert "Wrote" in text


def test_generate_builds_a_community_with_threads_replies_and_ledger_events():
    text = run_command(
        "generate", "scale", "--people", "50", "--interactions", "400", "--seed", "1"
    )
    community = Community.objects.get(slug="scale")
    assert community.memberships.count() == 50
    assert Reply.objects.filter(thread__community=community).count() == 400
    assert Thread.objects.filter(community=community).count() == 133
    replied = LedgerEvent.objects.filter(community=community, verb="replied").count()
    assert 0 < replied <= 400
    assert "Generated scale: 50 people" in text


def test_generate_refuses_a_slug_in_use_and_nonsense_sizes(people):
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate", "growers", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--people must be at least 2"):
        call_command("generate", "tiny", "--people", "1", stdout=io.StringIO())
