"""Snapshots: stored whole or not at all, skipped when nothing is new, and recomputed
from the first month new activity can change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from practica.compass.analysis.registry import (
    FigureProvider,
    register_provider,
    unregister_provider,
)
from practica.compass.generate import community_generate
from practica.compass.models import CompassMonth, CompassSnapshot, CompassState
from practica.compass.services import compass_refresh, compass_settings_update
from practica.compass.watermark import is_up_to_date
from practica.core.errors import InvalidInput, NotAllowed
from practica.exchange.services import reply_create, thread_create

pytestmark = pytest.mark.django_db


def test_a_refresh_stores_a_snapshot_the_months_and_the_watermark(people, story):
    refresh = compass_refresh(community=people.community, actor=people.steward)
    assert refresh.computed
    snapshot = CompassSnapshot.objects.get()
    assert snapshot == refresh.snapshot
    assert snapshot.stage == snapshot.result["stage"]["name"]
    assert snapshot.result["community"] == "growers"
    state = CompassState.objects.get(community=people.community)
    assert state.last_reply_id == story.gone_reply.pk
    assert state.reply_count == 5
    assert CompassMonth.objects.filter(community=people.community).count() == len(
        snapshot.result["series"]
    )
    assert is_up_to_date(snapshot=snapshot)


def test_the_detail_names_the_people_it_refers_to(people, story):
    result = compass_refresh(community=people.community).snapshot.result
    names = {v["name"] for v in result["names"]["people"].values()}
    assert {"Alice Steward", "Bob Member", "Carol Newcomer"} <= names


def test_nothing_new_means_nothing_is_computed_again(people, story):
    first = compass_refresh(community=people.community)
    again = compass_refresh(community=people.community)
    assert not again.computed
    assert again.snapshot.pk == first.snapshot.pk
    assert CompassSnapshot.objects.count() == 1


def test_a_new_reply_makes_the_snapshot_stale_and_a_refresh_takes_it_in(people, story):
    first = compass_refresh(community=people.community).snapshot
    reply_create(thread=story.question, author=people.newcomer, body="Try wood chips.")
    assert not is_up_to_date(snapshot=first)
    second = compass_refresh(community=people.community)
    assert second.computed
    assert second.snapshot.result["reply_graph"]["interactions"] == 4
    assert is_up_to_date(snapshot=second.snapshot)


def test_only_steward_may_recompute_and_the_window_must_make_sense(people, story):
    with pytest.raises(NotAllowed):
        compass_refresh(community=people.community, actor=people.member)
    with pytest.raises(InvalidInput, match="since must be before until"):
        compass_refresh(
            community=people.community,
            since=datetime(2025, 1, 1, tzinfo=UTC),
            until=datetime(2024, 1, 1, tzinfo=UTC),
        )
    with pytest.raises(InvalidInput, match="time zone"):
        compass_refresh(community=people.community, since=datetime(2025, 1, 1))


def test_old_months_are_reused_when_new_activity_arrives_and_match_a_full_recompute():
    made = community_generate(slug="history", people=60, interactions=900, seed=3)
    community = made.community
    compass_refresh(community=community)
    stored = CompassMonth.objects.filter(community=community).count()
    asker = community.memberships.get(role="steward").user
    thread = thread_create(
        community=community, author=asker, kind="question", title="Still here?", body="Anyone?"
    )
    helper = community.memberships.exclude(user=asker).earliest("pk").user
    reply_create(thread=thread, author=helper, body="Yes.")
    incremental = compass_refresh(community=community)
    assert incremental.computed
    # Every stored month (2020-2022) closed long before today's reply: all are kept.
    assert incremental.reused_months == stored > 30
    full = compass_refresh(community=community, force=True)
    assert incremental.snapshot.result["series"] == full.snapshot.result["series"]


@pytest.fixture
def failing_provider():
    def boom(ctx):
        raise RuntimeError("the disk fell off")

    register_provider(FigureProvider("boom", "Boom", boom, order=35))
    yield
    unregister_provider("boom")


def test_a_failure_while_computing_leaves_no_snapshot_and_no_months(
    people, story, failing_provider
):
    with pytest.raises(RuntimeError, match="disk fell off"):
        compass_refresh(community=people.community)
    assert not CompassSnapshot.objects.exists()
    assert not CompassMonth.objects.exists()
    assert not CompassState.objects.exists()


def test_a_failure_while_storing_rolls_back_the_months_already_written(people, story, monkeypatch):
    first = compass_refresh(community=people.community).snapshot
    months_before = list(CompassMonth.objects.values_list("month", "row", "computed_at"))
    state_before = CompassState.objects.values().get()
    reply_create(thread=story.question, author=people.newcomer, body="One more thought.")

    def broken_create(*args, **kwargs):
        raise RuntimeError("the database went away mid-write")

    monkeypatch.setattr(CompassSnapshot.objects, "create", broken_create)
    with pytest.raises(RuntimeError, match="mid-write"):
        compass_refresh(community=people.community)
    assert list(CompassSnapshot.objects.all()) == [first]
    assert list(CompassMonth.objects.values_list("month", "row", "computed_at")) == months_before
    assert CompassState.objects.values().get() == state_before


def test_stewards_choose_what_members_see(people):
    with pytest.raises(NotAllowed):
        compass_settings_update(
            community=people.community,
            actor=people.member,
            members_see_aggregate=True,
            members_see_people=False,
            unanswered_days=7,
        )
    with pytest.raises(InvalidInput, match="aggregate"):
        compass_settings_update(
            community=people.community,
            actor=people.steward,
            members_see_aggregate=False,
            members_see_people=True,
            unanswered_days=7,
        )
    settings = compass_settings_update(
        community=people.community,
        actor=people.steward,
        members_see_aggregate=True,
        members_see_people=False,
        unanswered_days=14,
    )
    assert (settings.members_see_aggregate, settings.unanswered_days) == (True, 14)


def test_changing_the_unanswered_days_makes_the_next_refresh_compute(people, story):
    compass_refresh(community=people.community)
    compass_settings_update(
        community=people.community,
        actor=people.steward,
        members_see_aggregate=False,
        members_see_people=False,
        unanswered_days=30,
    )
    refresh = compass_refresh(community=people.community)
    assert refresh.computed
    assert refresh.snapshot.result["options"]["unanswered_days"] == 30


def test_a_new_rule_makes_every_month_and_the_diagnosis_be_computed_again(people, story):
    from practica.compass.analysis import rules

    compass_refresh(community=people.community)
    saved = {k: list(v) for k, v in rules._STAGE_RULES.items()}
    try:
        rules.register_rule(
            "stage:community_of_practice",
            rules.Rule("many_people", "people.contributors", ">=", 1000, "why", "source"),
        )
        refresh = compass_refresh(community=people.community)
        assert refresh.computed and refresh.reused_months == 0
        assert refresh.snapshot.result["stage"]["name"] == "network"
        assert "many_people" in {e["rule"] for e in refresh.snapshot.result["stage"]["evidence"]}
    finally:
        rules._STAGE_RULES.clear()
        rules._STAGE_RULES.update(saved)
