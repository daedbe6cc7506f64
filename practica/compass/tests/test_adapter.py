"""The adapter reads a community, built with the services, into the arrays the figures read."""

from __future__ import annotations

import numpy as np
import pytest

from practica.compass.adapter import load_activity
from practica.compass.analysis.activity import KIND_CODE, VERB_CODE, Window
from practica.compass.analysis.compute import run
from practica.compass.analysis.synthetic import generate, to_activity
from practica.compass.generate import community_generate
from practica.trust.services import content_hide

pytestmark = pytest.mark.django_db


def test_people_are_the_authors_and_parties_who_are_people(people, story):
    a = load_activity(people.community.pk)
    a.check()
    expected = sorted([people.steward.pk, people.member.pk, people.newcomer.pk])
    assert a.person_ids.tolist() == expected  # no bot, no deleted account
    assert story.gone_reply.author_id is None


def test_a_comment_is_a_reply_to_its_answer_and_an_answer_to_its_thread(people, story):
    a = load_activity(people.community.pk)
    index = {pk: i for i, pk in enumerate(a.person_ids.tolist())}
    alice, bob, carol = (index[u.pk] for u in (people.steward, people.member, people.newcomer))
    pairs = sorted(
        (int(s), int(t))
        for s, t in zip(a.reply_author.tolist(), a.reply_target.tolist(), strict=True)
    )
    # bob answered alice; alice and carol commented on bob's answer; the bot and the
    # deleted account are nobody (-1), their replies still count as replies.
    assert pairs == sorted([(bob, alice), (alice, bob), (carol, bob), (-1, alice), (-1, alice)])


def test_threads_carry_their_kind_time_tags_links_and_resolution(people, story):
    a = load_activity(people.community.pk)
    q = a.thread_ids.tolist().index(story.question.pk)
    s = a.thread_ids.tolist().index(story.story.pk)
    assert a.thread_kind[q] == KIND_CODE["question"]
    assert a.thread_kind[s] == KIND_CODE["story"]
    assert a.thread_time[q] == int(story.question.created_at.timestamp())
    assert a.thread_resolved_time[q] >= a.thread_time[q]
    assert a.thread_resolved_time[s] == -1
    tags = {a.tag_names[c] for t, c in zip(a.tag_thread, a.tag_code, strict=True) if t == q}
    assert tags == {"soil", "compost"}
    assert (a.link_from.tolist(), a.link_to.tolist()) == ([s], [q])
    verbs = sorted(a.event_verb.tolist())
    assert verbs == sorted([VERB_CODE["accepted"], VERB_CODE["acknowledged"]])


def test_perspectives_come_from_profiles_that_state_them(people, story):
    a = load_activity(people.community.pk)
    sectors = a.perspectives[:, 0].tolist()
    assert sorted(sectors) == [-1, 0, 1]  # carol left hers empty


def test_the_figures_of_the_small_community_are_what_happened(people, story):
    result = run(load_activity(people.community.pk), Window()).result
    assert result["people"]["contributors"] == 3
    assert result["people"]["newcomers"] == 3
    g = result["reply_graph"]
    assert (g["nodes"], g["edges"], g["interactions"]) == (3, 3, 3)
    assert g["reciprocity"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["responsiveness"] == {
        **result["responsiveness"],
        "asks": 1,
        "answered": 1,
        "resolved": 1,
    }
    assert result["trust"]["acknowledgements"] == 1
    assert result["trust"]["acceptances"] == 1
    assert result["knowledge"]["stories"] == 1
    assert result["knowledge"]["links"] == 1
    assert result["knowledge"]["tags_used"] == 3
    # Alice (public) and Bob (private) both took part in the question: Blau 0.5 there.
    assert result["knowledge"]["diversity_of_voices"] == pytest.approx(0.5)


def test_reading_back_a_generated_community_gives_the_same_figures_as_generating_it():
    made = community_generate(slug="synthetic-small", people=80, interactions=800, seed=4)
    from_db = run(load_activity(made.community.pk), Window()).result
    in_memory = run(to_activity(generate(people=80, interactions=800, seed=4)), Window()).result
    for section in ("people", "responsiveness", "reply_graph", "trust", "newcomers", "knowledge"):
        assert from_db[section] == in_memory[section], section
    assert from_db["series"] == in_memory["series"]


def test_reading_in_small_chunks_gives_the_same_arrays():
    made = community_generate(slug="synthetic-chunks", people=30, interactions=200, seed=2)
    whole = load_activity(made.community.pk)
    chunked = load_activity(made.community.pk, chunk=7)
    for name in ("thread_ids", "reply_ids", "reply_target", "reply_time", "event_time"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name


def test_reading_whole_tables_or_through_indexes_gives_the_same_arrays(monkeypatch):
    from practica.compass import adapter

    made = community_generate(slug="synthetic-paths", people=30, interactions=200, seed=5)
    other = community_generate(slug="synthetic-other", people=20, interactions=100, seed=6)
    read = {}
    for scan in (True, False):
        monkeypatch.setattr(adapter, "scan_tables", lambda community_id, scan=scan: scan)
        read[scan] = load_activity(made.community.pk)
    names = ("thread_ids", "thread_kind", "reply_ids", "reply_target", "reply_time")
    for name in (*names, "event_verb", "event_time", "tag_code", "link_time", "perspectives"):
        assert np.array_equal(getattr(read[True], name), getattr(read[False], name)), name
    # Nothing of the other community is read either way.
    theirs = set(other.community.threads.values_list("pk", flat=True))
    assert theirs and not theirs & set(read[True].thread_ids.tolist())
    assert read[True].thread_ids.shape[0] == made.threads


def test_a_large_community_is_read_by_scanning_on_sqlite_only():
    from django.db import connection

    from practica.compass.adapter import scan_tables

    made = community_generate(slug="synthetic-alone", people=30, interactions=200, seed=7)
    assert scan_tables(made.community.pk) is (connection.vendor == "sqlite")


@pytest.mark.django_db(transaction=True)
def test_reading_side_by_side_gives_the_same_arrays_as_one_after_the_other():
    from django.db import transaction

    made = community_generate(slug="synthetic-side", people=40, interactions=300, seed=8)
    side_by_side = load_activity(made.community.pk)  # PostgreSQL: one connection per table
    with transaction.atomic():
        in_order = load_activity(made.community.pk)  # inside a transaction: one connection
    names = ("thread_ids", "thread_author", "thread_resolved_time", "reply_ids", "reply_target")
    for name in (*names, "event_actor", "event_verb", "tag_thread", "tag_code", "link_from"):
        assert np.array_equal(getattr(side_by_side, name), getattr(in_order, name)), name
    assert side_by_side.reply_ids.shape[0] == made.replies


def test_an_accepted_answer_hidden_by_moderation_resolves_nothing(people, story):
    answer = story.question.accepted_reply
    assert answer is not None
    content_hide(actor=people.steward, thread=story.question, reply=answer, note="off topic")
    a = load_activity(people.community.pk)
    q = a.thread_ids.tolist().index(story.question.pk)
    assert a.thread_resolved_time[q] == -1  # as on the thread page: open again
    result = run(a, Window()).result
    assert result["responsiveness"]["resolved"] == 0


@pytest.mark.parametrize("spread", [1, 10_000])
def test_distinct_people_are_the_sorted_positive_ids_however_far_apart(spread):
    from practica.compass.adapter import _distinct_positive

    rng = np.random.default_rng(spread)
    ids = rng.integers(-1, 500, size=2_000) * spread
    found = _distinct_positive(ids)
    expected = np.unique(ids[ids > 0])
    assert found.dtype == np.int64
    assert np.array_equal(found, expected)
    assert _distinct_positive(np.array([-1, 0], dtype=np.int64)).size == 0


def test_links_with_an_end_in_another_community_are_left_out(people, story):
    from practica.communities.services import community_create
    from practica.exchange.models import ThreadLink
    from practica.exchange.services import thread_create

    elsewhere = community_create(creator=people.steward, name="Elsewhere", slug="elsewhere")
    theirs = thread_create(
        community=elsewhere, author=people.steward, kind="question", title="Theirs?", body="b"
    )
    ours = thread_create(
        community=people.community, author=people.member, kind="question", title="Ours?", body="b"
    )
    # Their thread's id lies between ours: read by the range of ids, then dropped.
    ThreadLink.objects.create(from_thread=theirs, to_thread=story.question)
    ThreadLink.objects.create(from_thread=ours, to_thread=theirs)
    ThreadLink.objects.create(from_thread=ours, to_thread=story.question)
    a = load_activity(people.community.pk)
    ids = a.thread_ids.tolist()
    assert theirs.pk not in ids
    pairs = sorted(zip(a.link_from.tolist(), a.link_to.tolist(), strict=True))
    q = ids.index(story.question.pk)
    assert pairs == sorted([(ids.index(story.story.pk), q), (ids.index(ours.pk), q)])
