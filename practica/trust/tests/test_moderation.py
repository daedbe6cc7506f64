"""Flags, spam hidden by trusted members, hiding and restoring, suspensions, the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from practica.accounts.services import token_create
from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from practica.exchange.models import Reply, Thread
from practica.exchange.selectors import reply_get, thread_get, thread_list
from practica.exchange.services import reply_create
from practica.search.selectors import search_threads
from practica.trust.adapter import figures_for
from practica.trust.models import AuditAction, AuditEntry, AuditError, Flag, FlagStatus
from practica.trust.rules import Level
from practica.trust.services import (
    SPAM_HIDE_FLAGS,
    content_hide,
    content_restore,
    flag_create,
    flags_dismiss,
    level_override,
    suspension_create,
    suspension_lift,
)
from practica.trust.tests.conftest import question, set_level


@pytest.fixture
def spam(people, crowd):
    thread = question(people.community, people.steward, title="Feeding worms")
    reply = reply_create(thread=thread, author=people.newcomer, body="Buy miracle castings now")
    return thread, reply


def actions(community):
    return [e.action for e in AuditEntry.objects.filter(community=community).order_by("id")]


def test_a_member_flags_a_reply_with_a_reason_and_it_waits_for_the_stewards(people, spam):
    thread, reply = spam
    flag = flag_create(reporter=people.member, thread=thread, reply=reply, reason="spam")
    assert flag.status == FlagStatus.OPEN and flag.author == people.newcomer
    assert Reply.objects.get(pk=reply.pk).hidden_at is None


def test_flagging_twice_or_your_own_words_or_without_a_reason_is_refused(people, spam):
    thread, reply = spam
    flag_create(reporter=people.member, thread=thread, reply=reply, reason="off_topic")
    with pytest.raises(Conflict, match="already flagged"):
        flag_create(reporter=people.member, thread=thread, reply=reply, reason="spam")
    with pytest.raises(NotAllowed, match="your own words"):
        flag_create(reporter=people.newcomer, thread=thread, reply=reply, reason="spam")
    with pytest.raises(InvalidInput) as refused:
        flag_create(reporter=people.steward, thread=thread, reply=reply, reason="other")
    assert refused.value.field == "note"
    with pytest.raises(InvalidInput, match="reason must be one of"):
        flag_create(reporter=people.steward, thread=thread, reply=reply, reason="ugly")
    with pytest.raises(NotAllowed, match="join Urban Growers to flag posts"):
        flag_create(reporter=people.outsider, thread=thread, reply=reply, reason="spam")


def test_spam_flags_from_enough_trusted_members_hide_a_reply_pending_review(people, spam, crowd):
    thread, reply = spam
    trusted = crowd[:SPAM_HIDE_FLAGS]
    for person in trusted:
        set_level(person, people.community, Level.TRUSTED)
    for person in trusted[:-1]:
        flag_create(reporter=person, thread=thread, reply=reply, reason="spam")
    assert Reply.objects.get(pk=reply.pk).hidden_at is None
    flag_create(reporter=trusted[-1], thread=thread, reply=reply, reason="spam")
    assert Reply.objects.get(pk=reply.pk).hidden_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.AUTO_HIDE)
    assert entry.actor is None and entry.target_id == reply.pk
    assert "flagged as spam by 3 trusted members" in entry.note
    # Pending review: the flags stay open in the stewards' queue.
    assert Flag.objects.filter(reply=reply, status=FlagStatus.OPEN).count() == 3


def test_spam_flags_from_members_who_are_not_trusted_only_reach_the_stewards(people, spam, crowd):
    thread, reply = spam
    for person in crowd[:5]:
        set_level(person, people.community, Level.REGULAR)
        flag_create(reporter=person, thread=thread, reply=reply, reason="spam")
    # Other reasons never hide anything by themselves, whoever flags.
    for person in crowd[5:8]:
        set_level(person, people.community, Level.LEADER)
        flag_create(reporter=person, thread=thread, reply=reply, reason="harassment")
    assert Reply.objects.get(pk=reply.pk).hidden_at is None
    assert not AuditEntry.objects.filter(target_type__in=["thread", "reply"]).exists()


def test_hidden_content_disappears_for_everyone_but_its_author_and_the_stewards(people, spam):
    thread, reply = spam
    spam_thread = question(people.community, people.newcomer, title="Miracle castings for sale")
    content_hide(actor=people.steward, thread=thread, reply=reply, note="advert")
    content_hide(actor=people.steward, thread=spam_thread)
    for viewer in (people.member, people.outsider, None):
        assert reply.pk not in [
            r.pk for r in thread_get(thread_id=thread.pk, user=viewer).replies.all()
        ]
        with pytest.raises(NotFound):
            reply_get(reply_id=reply.pk, user=viewer)
        with pytest.raises(NotFound):
            thread_get(thread_id=spam_thread.pk, user=viewer)
        listed = thread_list(community=people.community, user=viewer)
        assert spam_thread.pk not in [t.pk for t in listed]
        assert search_threads(user=viewer, community=people.community, q="miracle").total == 0
    for viewer in (people.newcomer, people.steward):
        assert reply_get(reply_id=reply.pk, user=viewer) == reply
        assert thread_get(thread_id=spam_thread.pk, user=viewer) == spam_thread
        assert search_threads(user=viewer, community=people.community, q="miracle").total == 2


def test_hidden_content_is_left_out_of_pages_and_the_api(client, people, spam):
    thread, reply = spam
    content_hide(actor=people.steward, thread=thread, reply=reply)
    page = reverse("exchange:thread", args=["growers", thread.pk])
    api = f"/api/v1/threads/{thread.pk}"
    client.force_login(people.member)
    assert "miracle castings" not in client.get(page).content.decode()
    _, member_token = token_create(user=people.member)
    body = client.get(api, HTTP_AUTHORIZATION=f"Bearer {member_token}").json()
    assert reply.pk not in [r["id"] for r in body["replies"]]
    assert client.get(f"/api/v1/threads/{thread.pk}").json()["replies"] == []
    client.force_login(people.newcomer)
    shown = client.get(page).content.decode()
    assert "miracle castings" in shown and "Hidden" in shown
    _, author_token = token_create(user=people.newcomer)
    body = client.get(api, HTTP_AUTHORIZATION=f"Bearer {author_token}").json()
    assert [r["id"] for r in body["replies"]] == [reply.pk]


def test_a_hidden_thread_is_not_found_by_others_on_the_page_or_the_api(client, people, crowd):
    thread = question(people.community, people.newcomer, title="Miracle castings")
    content_hide(actor=people.steward, thread=thread)
    client.force_login(people.member)
    assert client.get(reverse("exchange:thread", args=["growers", thread.pk])).status_code == 404
    assert client.get(f"/api/v1/threads/{thread.pk}").status_code == 404
    listed = client.get("/api/v1/communities/growers/threads").json()
    assert thread.pk not in [t["id"] for t in listed["items"]]


def test_a_steward_restores_hidden_content_and_the_flags_are_dismissed(people, spam, crowd):
    thread, reply = spam
    flag_create(reporter=crowd[0], thread=thread, reply=reply, reason="spam")
    content_hide(actor=people.steward, thread=thread, reply=reply)
    assert Flag.objects.get().status == FlagStatus.UPHELD
    flag_create(reporter=crowd[1], thread=thread, reply=reply, reason="spam")
    content_restore(actor=people.steward, thread=thread, reply=reply, note="a real offer")
    assert Reply.objects.get(pk=reply.pk).hidden_at is None
    assert [f.status for f in Flag.objects.order_by("id")] == [
        FlagStatus.UPHELD,
        FlagStatus.DISMISSED,
    ]
    assert reply_get(reply_id=reply.pk, user=people.member) == reply
    with pytest.raises(Conflict, match="not hidden"):
        content_restore(actor=people.steward, thread=thread, reply=reply)


def test_only_stewards_hide_restore_and_dismiss(people, spam):
    thread, reply = spam
    for act in (content_hide, content_restore, flags_dismiss):
        with pytest.raises(NotAllowed, match="only stewards of Urban Growers"):
            act(actor=people.member, thread=thread, reply=reply)


def test_upheld_flags_count_against_the_author_and_demote_them(people, spam, crowd):
    thread, reply = spam
    flag_create(reporter=crowd[0], thread=thread, reply=reply, reason="spam")
    flag_create(reporter=crowd[1], thread=thread, reply=reply, reason="spam")
    content_hide(actor=people.steward, thread=thread, reply=reply)
    other = question(people.community, people.newcomer, title="Second advert")
    flag_create(reporter=crowd[0], thread=other, reason="spam")
    flags_dismiss(actor=people.steward, thread=other)
    figures = figures_for(people.community.pk, [people.newcomer.pk], now=other.created_at)
    # Two flags on one reply count once; a dismissed flag not at all.
    assert figures[people.newcomer.pk].flags_upheld == 1


def test_every_steward_action_writes_an_audit_entry(people, spam, crowd):
    thread, reply = spam
    flag_create(reporter=crowd[0], thread=thread, reply=reply, reason="spam")
    flags_dismiss(actor=people.steward, thread=thread, reply=reply, note="fine")
    content_hide(actor=people.steward, thread=thread, reply=reply)
    content_restore(actor=people.steward, thread=thread, reply=reply)
    suspension = suspension_create(
        actor=people.steward, person=people.newcomer, community=people.community, note="ads", days=3
    )
    suspension_lift(actor=people.steward, suspension=suspension)
    level_override(
        actor=people.steward,
        community=people.community,
        person=people.member,
        level=Level.TRUSTED,
        note="long-time member elsewhere",
    )
    level_override(
        actor=people.steward, community=people.community, person=people.member, level=None
    )
    assert actions(people.community) == [
        AuditAction.DISMISS,
        AuditAction.HIDE,
        AuditAction.RESTORE,
        AuditAction.SUSPEND,
        AuditAction.LIFT,
        AuditAction.OVERRIDE,
        AuditAction.CLEAR_OVERRIDE,
    ]
    assert all(e.actor == people.steward for e in AuditEntry.objects.all())
    assert AuditEntry.objects.get(action=AuditAction.OVERRIDE).note == (
        "trusted: long-time member elsewhere"
    )


def test_audit_entries_cannot_be_changed_or_removed(people, spam):
    thread, reply = spam
    content_hide(actor=people.steward, thread=thread, reply=reply)
    entry = AuditEntry.objects.get(action=AuditAction.HIDE)
    entry.note = "nothing happened"
    with pytest.raises(AuditError):
        entry.save()
    with pytest.raises(AuditError):
        entry.delete()


def test_a_level_override_needs_a_steward_a_member_and_a_note(people):
    with pytest.raises(NotAllowed):
        level_override(
            actor=people.member, community=people.community, person=people.newcomer, level=2
        )
    with pytest.raises(InvalidInput, match="not a member"):
        level_override(
            actor=people.steward, community=people.community, person=people.outsider, level=2
        )
    with pytest.raises(InvalidInput) as refused:
        level_override(
            actor=people.steward, community=people.community, person=people.newcomer, level=2
        )
    assert refused.value.field == "note"
    with pytest.raises(InvalidInput, match="between 0"):
        level_override(
            actor=people.steward,
            community=people.community,
            person=people.newcomer,
            level=9,
            note="x",
        )


def test_suspensions_have_rules_of_their_own(people):
    with pytest.raises(InvalidInput, match="give a reason"):
        suspension_create(
            actor=people.steward, person=people.member, community=people.community, note=""
        )
    with pytest.raises(NotAllowed, match="only stewards"):
        suspension_create(
            actor=people.member, person=people.newcomer, community=people.community, note="x"
        )
    with pytest.raises(NotAllowed, match="site administrators"):
        suspension_create(actor=people.steward, person=people.member, community=None, note="x")
    with pytest.raises(NotAllowed, match="yourself"):
        suspension_create(
            actor=people.steward, person=people.steward, community=people.community, note="x"
        )
    with pytest.raises(InvalidInput, match="days must be between 1 and 3650"):
        suspension_create(
            actor=people.steward, person=people.member, community=people.community, note="x", days=0
        )
    suspension_create(
        actor=people.steward, person=people.member, community=people.community, note="x"
    )
    with pytest.raises(Conflict, match="already suspended"):
        suspension_create(
            actor=people.steward, person=people.member, community=people.community, note="y"
        )


def test_a_temporary_suspension_ends_by_itself(people):
    from datetime import timedelta

    from django.utils import timezone

    from practica.trust.models import Suspension

    suspension = suspension_create(
        actor=people.steward, person=people.member, community=people.community, note="x", days=1
    )
    Suspension.objects.filter(pk=suspension.pk).update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert question(people.community, people.member).pk


def test_being_a_steward_elsewhere_does_not_reveal_hidden_threads(people):
    from practica.communities.services import community_create, community_join

    seeds = community_create(creator=people.member, name="Seed Savers", slug="seeds")
    for person in (people.steward, people.newcomer):
        community_join(community=seeds, user=person)
    thread = question(seeds, people.newcomer, title="Seed spam")
    content_hide(actor=people.member, thread=thread)
    assert not Thread.objects.visible_to(people.steward).filter(pk=thread.pk).exists()
    assert Thread.objects.visible_to(people.member).filter(pk=thread.pk).exists()
    assert Thread.objects.visible_to(people.newcomer).filter(pk=thread.pk).exists()


def test_a_hidden_reply_is_not_counted_in_lists_nor_shown_on_its_authors_profile(
    client, people, spam
):
    thread, reply = spam
    content_hide(actor=people.steward, thread=thread, reply=reply)
    listed = thread_list(community=people.community, user=people.member).get(pk=thread.pk)
    assert listed.reply_count == 0  # type: ignore[attr-defined]
    profile = reverse("people:profile", args=["carol"])
    client.force_login(people.member)
    assert f"#reply-{reply.pk}" not in client.get(profile).content.decode()
    client.force_login(people.steward)
    assert f"#reply-{reply.pk}" in client.get(profile).content.decode()
