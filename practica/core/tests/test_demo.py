"""The demo: what ``practica demo`` seeds, and that it seeds the same thing every time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max
from django.test import override_settings

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.models import Agreement, Community, Membership
from practica.communities.services import community_create
from practica.compass.models import CompassSnapshot
from practica.core.demo.model import DEMO_END, DEMO_PASSWORD, DEMO_START
from practica.core.demo.people import PEOPLE
from practica.core.demo.seed import COMMUNITIES, SeedReport, demo_reset, demo_seed
from practica.exchange.models import Acknowledgement, Reply, Thread, ThreadKind
from practica.learning.models import (
    AgendaItem,
    Cycle,
    Experiment,
    Feedback,
    MeasureValue,
    Observation,
    Practice,
    PracticeVersion,
)
from practica.ledger.models import LedgerEvent, Verb
from practica.trust.models import TrustLevel
from practica.trust.rules import Level
from practica.weaving.models import Introduction

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    """Seed once for the read-only tests of a class, and roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_seed()
        transaction.set_rollback(True)


def threads_of(slug: str) -> Any:
    return Thread.objects.filter(community__slug=slug)


class TestTheSeededDemo:
    """Read-only checks of one seeded demo."""

    def test_demo_seeds_a_public_community_with_every_kind_of_thread(
        self, demo: SeedReport
    ) -> None:
        kinds = Counter(threads_of("urban-growers").values_list("kind", flat=True))
        assert set(kinds) == set(ThreadKind.values)
        assert all(count >= 5 for count in kinds.values()), kinds
        assert sum(kinds.values()) >= 30
        assert Community.objects.get(slug="urban-growers").visibility == "public"

    def test_every_demo_person_has_a_full_profile_and_the_voices_are_varied(
        self,
        demo: SeedReport,
    ) -> None:
        people = User.objects.filter(username__in=[p.username for p in PEOPLE])
        assert people.count() == len(PEOPLE) >= 12
        for person in people:
            for field in ("bio", "interests", "offers", "learning", "display_name"):
                assert getattr(person, field), f"{person.username} has no {field}"
            assert all(person.perspectives.values()), f"{person.username}: {person.perspectives}"
        assert len({p.region for p in people}) >= 10
        assert len({p.sector for p in people}) >= 7
        assert len({p.discipline for p in people}) == len(PEOPLE)

    def test_stories_are_told_in_all_four_parts(self, demo: SeedReport) -> None:
        stories = threads_of("urban-growers").filter(kind=ThreadKind.STORY)
        for story in stories:
            assert len(story.story_parts) == 4, story.title

    def test_questions_have_accepted_answers_and_some_are_still_open(
        self, demo: SeedReport
    ) -> None:
        resolvable = threads_of("urban-growers").filter(kind__in=["question", "ask"])
        resolved = resolvable.filter(accepted_reply__isnull=False)
        assert resolved.count() >= 15
        for thread in resolved.select_related("accepted_reply"):
            assert thread.accepted_reply is not None
            assert thread.accepted_reply.thread_id == thread.pk
            assert thread.accepted_reply.parent_id is None
        unanswered = resolvable.filter(replies__isnull=True)
        assert unanswered.exists(), "an unanswered question shows the 'waiting for help' state"
        assert resolvable.filter(accepted_reply__isnull=True, replies__isnull=False).exists()

    def test_replies_include_comments_and_people_say_what_helped_them(
        self, demo: SeedReport
    ) -> None:
        replies = Reply.objects.filter(thread__community__slug="urban-growers")
        assert replies.filter(kind="comment", parent__isnull=False).count() >= 10
        acks = Acknowledgement.objects.filter(thread__community__slug="urban-growers")
        assert acks.filter(reply__isnull=False).count() >= 40
        assert acks.filter(reply__isnull=True, thread__kind="story").count() >= 15
        assert Thread.objects.filter(tags__name="compost").count() >= 3

    def test_the_ledger_holds_every_verb_the_exchange_records(self, demo: SeedReport) -> None:
        verbs = Counter(
            LedgerEvent.objects.filter(community__slug="urban-growers").values_list(
                "verb", flat=True
            )
        )
        exchange_and_weaving = (
            Verb.REPLIED,
            Verb.ACCEPTED,
            Verb.ACKNOWLEDGED,
            Verb.MENTIONED,
            Verb.INTRODUCED,
        )
        for verb in exchange_and_weaving:
            assert verbs[verb] > 0, f"no {verb} events: {verbs}"
        # An introduction is recorded towards each of the two people introduced.
        assert verbs[Verb.INTRODUCED] == 2 * Introduction.objects.count() >= 10
        assert (
            verbs[Verb.ACKNOWLEDGED]
            == Acknowledgement.objects.filter(thread__community__slug="urban-growers").count()
        )

    def test_ledger_events_happen_when_their_reply_was_written(self, demo: SeedReport) -> None:
        replies = Reply.objects.filter(thread__community__slug="urban-growers")
        events = {
            e.object_id: e
            for e in LedgerEvent.objects.filter(verb=Verb.REPLIED, object_type="reply")
        }
        for reply in replies.select_related("thread", "parent"):
            target = reply.parent.author_id if reply.parent else reply.thread.author_id
            if target == reply.author_id:
                assert reply.pk not in events  # talking to oneself is not an interaction
                continue
            event = events[reply.pk]
            assert event.occurred_at == reply.created_at
            assert (event.actor_id, event.target_id) == (reply.author_id, target)

    def test_content_spreads_over_eighteen_months_and_nothing_is_in_the_future(
        self,
        demo: SeedReport,
    ) -> None:
        dates = list(Thread.objects.values_list("created_at", flat=True))
        dates += list(Reply.objects.values_list("created_at", flat=True))
        dates += list(LedgerEvent.objects.values_list("occurred_at", flat=True))
        assert min(dates) >= DEMO_START
        assert max(dates) <= DEMO_END
        assert max(dates) - min(dates) >= timedelta(days=500)
        learning_dates: list[datetime | None] = [
            *Experiment.objects.values_list("created_at", flat=True),
            *Cycle.objects.values_list("started_at", flat=True),
            *Cycle.objects.exclude(decided_at=None).values_list("decided_at", flat=True),
            *Observation.objects.values_list("created_at", flat=True),
            *Feedback.objects.values_list("created_at", flat=True),
            *PracticeVersion.objects.values_list("created_at", flat=True),
            *AgendaItem.objects.values_list("created_at", flat=True),
        ]
        assert all(d is not None and DEMO_START <= d <= DEMO_END for d in learning_dates)
        for thread in Thread.objects.annotate(latest=Max("replies__created_at")):
            assert thread.last_activity_at == (thread.latest or thread.created_at)
            assert all(r.created_at > thread.created_at for r in thread.replies.all())

    def test_the_members_only_community_hides_its_threads_from_outsiders(
        self, demo: SeedReport
    ) -> None:
        private = Community.objects.get(slug="compost-hubs")
        assert private.visibility == "members"
        assert threads_of("compost-hubs").count() >= 2
        member = User.objects.get(username="priya")
        waiting = User.objects.get(username="mei")
        assert Membership.objects.get(community=private, user=waiting).status == "pending"
        assert not Thread.objects.visible_to(AnonymousUser()).filter(community=private).exists()
        assert not Thread.objects.visible_to(waiting).filter(community=private).exists()
        assert Thread.objects.visible_to(member).filter(community=private).count() >= 2

    def test_a_private_circle_keeps_its_thread_from_other_members(self, demo: SeedReport) -> None:
        hosts = Thread.objects.filter(circle__slug="peer-call-hosts")
        assert hosts.count() == 1
        inside, outside = User.objects.get(username="rosa"), User.objects.get(username="sam")
        assert Thread.objects.visible_to(inside).filter(pk=hosts[0].pk).exists()
        assert not Thread.objects.visible_to(outside).filter(pk=hosts[0].pk).exists()
        assert not Thread.objects.visible_to(AnonymousUser()).filter(pk=hosts[0].pk).exists()

    def test_every_member_accepted_the_communitys_agreement_when_joining(
        self, demo: SeedReport
    ) -> None:
        community = Community.objects.get(slug="urban-growers")
        agreement = Agreement.objects.get(community=community, circle=None)
        accepted = set(agreement.acceptances.values_list("person__username", flat=True))
        members = set(community.memberships.values_list("user__username", flat=True))
        assert accepted == members
        for membership in community.memberships.select_related("user"):
            acceptance = agreement.acceptances.get(person=membership.user)
            assert acceptance.accepted_at <= membership.joined_at

    def test_a_story_became_a_practice_that_an_experiment_tested_and_adopted(
        self, demo: SeedReport
    ) -> None:
        practice = Practice.objects.get(name="Rain walk before siting beds")
        versions = list(practice.versions.order_by("number"))
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].evidence.filter(thread__kind="story").exists()
        assert versions[1].evidence.filter(experiment__title="Rain walks at three new sites")
        assert versions[0].created_at < versions[1].created_at
        tried = Experiment.objects.get(title="Rain walks at three new sites")
        assert tried.status == "concluded" and tried.concluded_at is not None
        assert tried.cycles.get().decision == "adopt"
        assert tried.participants.count() == 3

    def test_an_experiment_runs_its_second_cycle_with_check_ins_and_feedback(
        self, demo: SeedReport
    ) -> None:
        running = Experiment.objects.get(title="The same cheap soil kit in many gardens")
        assert running.status == "running"
        first, second = running.cycles.order_by("number")
        assert first.decision == "iterate"
        assert first.reflected_at and first.decided_at and first.reflected_at < first.decided_at
        assert second.observations.count() == 1
        assert first.observations.count() == 4
        assert MeasureValue.objects.filter(observation__cycle=first).count() == 8
        feedback = Feedback.objects.filter(
            observation__cycle__experiment__community=running.community
        )
        events = LedgerEvent.objects.filter(verb=Verb.GAVE_FEEDBACK)
        assert events.count() == feedback.count() >= 8
        for item in feedback.select_related("observation"):
            assert item.created_at > item.observation.created_at

    def test_the_learning_agenda_and_a_distilled_draft_are_there(self, demo: SeedReport) -> None:
        community = Community.objects.get(slug="urban-growers")
        assert AgendaItem.objects.filter(community=community, status="open").count() == 3
        draft = Practice.objects.get(community=community, is_draft=True)
        assert draft.name.startswith("Testing forty gardens' soil")

    def test_trust_levels_reflect_the_whole_story_once_seeded(self, demo: SeedReport) -> None:
        community = Community.objects.get(slug="urban-growers")
        levels = dict(
            TrustLevel.objects.filter(community=community).values_list("person__username", "level")
        )
        assert set(levels) == set(community.memberships.values_list("user__username", flat=True))
        # Eighteen months of answers earn more standing than a newcomer's few questions.
        assert levels["priya"] > Level.NEWCOMER
        assert levels["priya"] >= levels["sam"]

    def test_demo_people_sign_in_with_the_published_password(self, demo: SeedReport) -> None:
        assert authenticate(username="steward", password=DEMO_PASSWORD) is not None
        assert authenticate(username="sam", password=DEMO_PASSWORD) is not None
        assert authenticate(username="steward", password="wrong") is None


def rows(queryset: Any) -> list[tuple[Any, ...]]:
    """Rows in a stable order; ``None`` sorts first."""
    return sorted(queryset, key=lambda row: tuple("" if v is None else str(v) for v in row))


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the demo wrote, by natural keys (ids differ between databases)."""
    profile = ("username", "display_name", "bio", "sector", "region", "date_joined")
    return {
        "people": rows(User.objects.values_list(*profile)),
        "memberships": rows(
            Membership.objects.values_list(
                "community__slug", "user__username", "role", "status", "joined_at"
            )
        ),
        "threads": rows(
            Thread.objects.values_list(
                "community__slug",
                "circle__slug",
                "author__username",
                "kind",
                "title",
                "body",
                "learned",
                "created_at",
                "last_activity_at",
                "accepted_reply__author__username",
                "accepted_reply__created_at",
            )
        ),
        "tags": rows(Thread.objects.values_list("title", "tags__name")),
        "replies": rows(
            Reply.objects.values_list(
                "thread__title", "author__username", "kind", "body", "created_at"
            )
        ),
        "acks": rows(
            Acknowledgement.objects.values_list(
                "person__username", "thread__title", "reply__created_at", "created_at"
            )
        ),
        "introductions": rows(
            Introduction.objects.values_list(
                "introducer__username", "person_a__username", "person_b__username", "created_at"
            )
        ),
        "learning": rows(
            Observation.objects.values_list(
                "cycle__experiment__title",
                "cycle__number",
                "participant__person__username",
                "created_at",
                "cycle__started_at",
                "cycle__decided_at",
            )
        ),
        "practices": rows(
            PracticeVersion.objects.values_list("practice__name", "number", "created_at")
        ),
        "ledger": rows(
            LedgerEvent.objects.values_list(
                "community__slug",
                "actor__username",
                "target__username",
                "verb",
                "object_type",
                "occurred_at",
            )
        ),
    }


@pytest.mark.slow
def test_seeding_from_scratch_twice_gives_the_same_demo() -> None:
    first = demo_seed()
    before = fingerprint()
    demo_reset()
    assert not User.objects.exists() and not LedgerEvent.objects.exists()
    second = demo_seed()
    assert first == second
    assert fingerprint() == before


def test_the_demo_command_seeds_once_and_then_leaves_the_demo_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("demo", "--url", "http://127.0.0.1:8765")
    out = capsys.readouterr().out
    assert "Seeded Urban Growers Circle" in out
    assert "http://127.0.0.1:8765/" in out
    assert f"steward / {DEMO_PASSWORD}" in out
    counts = (Thread.objects.count(), Reply.objects.count(), LedgerEvent.objects.count())
    # A steward opening the demo finds each community's compass already computed.
    computed = set(CompassSnapshot.objects.values_list("community__slug", flat=True))
    assert computed == {c.slug for c in COMMUNITIES}

    call_command("demo")
    assert "already seeded" in capsys.readouterr().out
    assert (Thread.objects.count(), Reply.objects.count(), LedgerEvent.objects.count()) == counts


def test_reset_rebuilds_the_demo_and_spares_everyone_else(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("demo")
    outsider = user_create(username="olga", email="olga@example.org")
    own = community_create(creator=outsider, name="Olga's Orchard", slug="olgas-orchard")
    call_command("demo", "--reset")
    assert "Removed the demo" in capsys.readouterr().out
    assert User.objects.filter(pk=outsider.pk).exists()
    assert Community.objects.filter(pk=own.pk).exists()
    assert Community.objects.filter(slug="urban-growers").count() == 1
    assert User.objects.filter(username="steward").count() == 1


def test_the_demo_refuses_to_take_over_a_real_persons_username() -> None:
    user_create(username="sam", email="sam@example.org")
    with pytest.raises(CommandError, match="usernames are taken and the demo needs them: sam"):
        call_command("demo")
    assert not Community.objects.filter(slug="urban-growers").exists()
    with pytest.raises(CommandError, match="usernames are taken"):
        call_command("demo", "--reset")  # reset only removes demo accounts, never sam's


@override_settings(PRODUCTION=True)
def test_the_demo_refuses_to_run_in_production_unless_told_to() -> None:
    with pytest.raises(CommandError, match="published password in production"):
        call_command("demo")
    assert not User.objects.exists()
