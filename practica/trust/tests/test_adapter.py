"""From the ledger, threads and replies to figures, and levels stored by the command."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from practica.accounts.services import user_create
from practica.communities.models import Membership
from practica.communities.services import community_join
from practica.exchange.models import Reply, Thread
from practica.exchange.services import acknowledgement_create, reply_accept, reply_create
from practica.ledger.models import LedgerEvent
from practica.ledger.services import EventSpec, events_record_bulk
from practica.trust import adapter
from practica.trust.adapter import figures_for
from practica.trust.levels import trust_recompute
from practica.trust.models import TrustLevel
from practica.trust.rules import Level
from practica.trust.tests.conftest import question, set_level


def days_ago(n: int):
    return timezone.now() - timedelta(days=n)


def test_figures_count_what_people_gave_and_received_in_the_ledger(people):
    thread = question(people.community, people.steward)
    first = reply_create(thread=thread, author=people.member, body="Yes, deep down.")
    reply_create(thread=thread, author=people.newcomer, body="In pots too?", parent=first)
    reply_create(thread=thread, author=people.steward, body="Thanks!", parent=first)
    reply_create(thread=thread, author=people.member, body="Pots too.", parent=first)  # own answer
    reply_accept(reply=first, actor=people.steward)
    acknowledgement_create(person=people.newcomer, thread=thread, reply=first)
    now = timezone.now()
    figures = figures_for(people.community.pk, [people.member.pk, people.steward.pk], now=now)
    bob, alice = figures[people.member.pk], figures[people.steward.pk]
    assert (bob.replies_given, bob.replies_received) == (1, 2)
    assert (bob.accepted_answers, bob.acknowledgements_received) == (1, 1)
    assert (alice.replies_given, alice.replies_received) == (1, 1)
    assert bob.days_active == 1 and bob.flags_upheld == 0


def test_replying_to_yourself_earns_nothing(people):
    thread = question(people.community, people.member)
    reply_create(thread=thread, author=people.member, body="Bump.")
    bob = figures_for(people.community.pk, [people.member.pk], now=timezone.now())[people.member.pk]
    assert bob.replies_given == 0 and bob.replies_received == 0
    assert bob.days_active == 1  # but the day counts: they were there


def test_days_active_are_distinct_days_across_threads_replies_and_the_ledger(people):
    thread = question(people.community, people.steward)
    for n in (1, 1, 3, 8):
        reply_create(thread=thread, author=people.member, body=f"Day {n}")
    replies = list(Reply.objects.filter(author=people.member).order_by("id"))
    for reply, n in zip(replies, (1, 1, 3, 8), strict=True):
        Reply.objects.filter(pk=reply.pk).update(created_at=days_ago(n))
        LedgerEvent.objects.filter(object_id=reply.pk, object_type="reply").update(
            occurred_at=days_ago(n)
        )
    Thread.objects.create(
        community=people.community,
        author=people.member,
        title="Old",
        body="b",
        created_at=days_ago(20),
    )
    bob = figures_for(people.community.pk, [people.member.pk], now=timezone.now())[people.member.pk]
    assert bob.days_active == 4  # days 1, 3, 8 and 20 ago


def test_time_in_the_community_starts_at_joining_or_at_the_first_post_if_earlier(people):
    Membership.objects.filter(user=people.member, community=people.community).update(
        joined_at=days_ago(40)
    )
    Membership.objects.filter(user=people.newcomer, community=people.community).update(
        joined_at=timezone.now()
    )
    # An imported person "joined" at import time, but wrote long before.
    Thread.objects.create(
        community=people.community,
        author=people.newcomer,
        title="2019",
        body="b",
        created_at=days_ago(900),
    )
    found = figures_for(
        people.community.pk, [people.member.pk, people.newcomer.pk], now=timezone.now()
    )
    assert found[people.member.pk].days_in_community == 40
    assert found[people.newcomer.pk].days_in_community == 900


def test_imported_answers_and_comments_count_as_replies(people):
    thread = question(people.community, people.steward)
    events_record_bulk(
        [
            EventSpec(
                community_id=people.community.pk,
                actor_id=people.member.pk,
                target_id=people.steward.pk,
                verb=verb,
                object_type="reply",
                thread_id=thread.pk,
                occurred_at=days_ago(n),
                key=f"import:{verb}:{n}",
            )
            for n, verb in enumerate(("answered", "commented", "answered", "mentioned"))
        ]
    )
    bob = figures_for(people.community.pk, [people.member.pk], now=timezone.now())[people.member.pk]
    assert bob.replies_given == 3  # a mention is not a reply
    assert bob.days_active == 4


def test_recompute_stores_every_active_member_chunk_by_chunk_and_keeps_overrides(
    people, monkeypatch
):
    monkeypatch.setattr(adapter, "CHUNK", 2)
    for n in range(5):
        person = user_create(username=f"grower{n}")
        community_join(community=people.community, user=person)
    waiting = user_create(username="waiting")
    community_join(community=people.private, user=waiting)  # pending: not a member yet
    held = set_level(people.member, people.community, Level.NEWCOMER)
    held.override_level = Level.TRUSTED
    held.save()
    progress: list[int] = []
    report = trust_recompute(community=people.community, progress=progress.append)
    assert report.people == 8 and progress == [2, 4, 6, 8]
    assert TrustLevel.objects.filter(community=people.community).count() == 8
    assert TrustLevel.objects.get(pk=held.pk).effective == Level.TRUSTED
    trust_recompute(community=people.private)
    assert not TrustLevel.objects.filter(person=waiting).exists()


def test_the_command_recomputes_one_community_or_all(people, capsys):
    call_command("trust_recompute", "growers")
    out = capsys.readouterr().out.strip()
    assert out.startswith("growers: 3 people in ") and out.endswith("(3 newcomer)")
    call_command("trust_recompute", "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["community"] for line in lines] == ["growers", "stewards"]
    assert lines[1]["by_level"] == {"newcomer": 2}
    with pytest.raises(CommandError, match="no community 'nowhere'"):
        call_command("trust_recompute", "nowhere")


def test_the_suspend_command_suspends_and_lifts_with_an_actor_on_record(people, capsys):
    call_command("suspend", "carol", "--by", "alice", "--community", "growers", "--note", "ads")
    assert "carol is suspended from Urban Growers until it is lifted" in capsys.readouterr().out
    with pytest.raises(CommandError, match="only site administrators"):
        call_command("suspend", "carol", "--by", "alice", "--note", "ads")
    with pytest.raises(CommandError, match="no person 'nobody'"):
        call_command("suspend", "nobody", "--by", "alice", "--note", "x")
    call_command("suspend", "carol", "--by", "alice", "--community", "growers", "--lift")
    assert "carol may take part in Urban Growers again" in capsys.readouterr().out
    with pytest.raises(CommandError, match="carol is not suspended from Urban Growers"):
        call_command("suspend", "carol", "--by", "alice", "--community", "growers", "--lift")
