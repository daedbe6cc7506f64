"""Reminders to participants whose check-in is due: the rule, the service, the command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from practica.communities.services import community_leave
from practica.learning.models import Cycle, Experiment, Participant
from practica.learning.services import (
    MeasureSpec,
    checkin_due,
    checkin_reminders_send,
    experiment_join,
    experiment_propose,
    observation_add,
    reflection_add,
)
from practica.weaving.models import Notification

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_nobody_is_due_before_a_whole_period_has_passed():
    assert checkin_due(last_observed_at=None, since=START, every_days=7, now=START) == 0
    assert checkin_due(last_observed_at=None, since=START, every_days=7, now=START + 6 * DAY) == 0
    assert checkin_due(last_observed_at=None, since=START, every_days=7, now=START + 7 * DAY) == 1


def test_the_last_check_in_restarts_the_clock():
    last = START + 10 * DAY
    assert checkin_due(last_observed_at=last, since=START, every_days=7, now=last + 6 * DAY) == 0
    assert checkin_due(last_observed_at=last, since=START, every_days=7, now=last + 7 * DAY) == 1


def test_each_further_period_without_a_check_in_counts_once():
    periods = [
        checkin_due(last_observed_at=None, since=START, every_days=3, now=START + d * DAY)
        for d in range(0, 10)
    ]
    assert periods == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]


needs_db = pytest.mark.django_db


@pytest.fixture
def running(people) -> Experiment:
    """Bob and Carol joined a weekly experiment that started on START."""
    experiment = experiment_propose(
        community=people.community,
        proposer=people.steward,
        title="Straw mulch on clay beds",
        question="q",
        hypothesis="h",
        measures=[MeasureSpec("litres")],
        checkin_every_days=7,
    )
    Cycle.objects.filter(experiment=experiment).update(started_at=START)
    for person in (people.member, people.newcomer):
        experiment_join(experiment=experiment, person=person)
    Participant.objects.filter(experiment=experiment).update(joined_at=START)
    return experiment


def check_in(experiment: Experiment, person, when: datetime) -> None:
    observation = observation_add(
        experiment=experiment, person=person, what_we_did="a", what_happened="b"
    )
    type(observation).objects.filter(pk=observation.pk).update(created_at=when)


def reminded(people) -> list[str]:
    return sorted(n.recipient.username for n in Notification.objects.filter(kind="reminder"))


@needs_db
def test_participants_without_a_recent_check_in_are_reminded_once_per_period(people, running):
    check_in(running, people.member, START + 5 * DAY)
    sent = checkin_reminders_send(now=START + 8 * DAY)
    assert [(r.due.participant.person.username, r.sent) for r in sent] == [("carol", True)]
    notice = Notification.objects.get()
    assert notice.kind == "reminder" and notice.community == people.community
    assert notice.link == f"/c/growers/experiments/{running.pk}/#check-in"
    assert "Straw mulch on clay beds" in notice.text and "measures" in notice.text
    again = checkin_reminders_send(now=START + 9 * DAY)
    assert [r.sent for r in again] == [False]
    assert Notification.objects.count() == 1
    # A week later Bob is due too, and Carol's second period has begun.
    later = checkin_reminders_send(now=START + 14 * DAY)
    assert sorted((r.due.participant.person.username, r.sent) for r in later) == [
        ("bob", True),
        ("carol", True),
    ]
    assert reminded(people) == ["bob", "carol", "carol"]


@needs_db
def test_a_dry_run_says_who_would_be_reminded_and_sends_nothing(people, running):
    planned = checkin_reminders_send(now=START + 8 * DAY, dry_run=True)
    assert sorted(r.due.participant.person.username for r in planned) == ["bob", "carol"]
    assert all(r.sent for r in planned)
    assert not Notification.objects.exists()


@needs_db
def test_someone_who_joined_late_is_not_due_on_their_first_day(people, running):
    Participant.objects.filter(person=people.newcomer).update(joined_at=START + 20 * DAY)
    due = checkin_reminders_send(now=START + 21 * DAY, dry_run=True)
    assert [r.due.participant.person.username for r in due] == ["bob"]


@needs_db
def test_nobody_is_reminded_while_a_cycle_is_reflected_on_or_after_leaving(people, running):
    community_leave(community=people.community, user=people.newcomer)
    assert [
        r.due.participant.person.username
        for r in checkin_reminders_send(now=START + 8 * DAY, dry_run=True)
    ] == ["bob"]
    reflection_add(experiment=running, actor=people.member, learned="Enough.")
    assert checkin_reminders_send(now=START + 30 * DAY) == []


@needs_db
def test_the_command_lists_reminders_and_filters_by_community(people, running):
    out = StringIO()
    call_command("remind_checkins", "--dry-run", "--community", "growers", stdout=out)
    text = out.getvalue()
    assert "would remind: bob on “Straw mulch on clay beds”" in text
    assert text.strip().endswith("2 check-in(s) due: 2 would remind, 0 already reminded")
    assert not Notification.objects.exists()
    out = StringIO()
    call_command("remind_checkins", "--community", "stewards", stdout=out)
    assert out.getvalue().strip() == "0 check-in(s) due: 0 reminded, 0 already reminded"
    with pytest.raises(CommandError, match="no community 'nowhere'"):
        call_command("remind_checkins", "--community", "nowhere")


@needs_db
def test_the_command_sends_and_a_second_run_sends_nothing_new(people, running):
    Cycle.objects.filter(experiment=running).update(started_at=START - 400 * DAY)
    Participant.objects.filter(experiment=running).update(joined_at=START - 400 * DAY)
    first, second = StringIO(), StringIO()
    call_command("remind_checkins", stdout=first)
    call_command("remind_checkins", stdout=second)
    assert "2 reminded, 0 already reminded" in first.getvalue()
    assert "0 reminded, 2 already reminded" in second.getvalue()
    assert reminded(people) == ["bob", "carol"]
