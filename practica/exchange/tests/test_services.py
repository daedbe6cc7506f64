"""Knowledge exchange as the services see it: threads, replies, acceptance, acknowledgements."""

from __future__ import annotations

import pytest

from practica.core.errors import Conflict, InvalidInput, NotAllowed
from practica.exchange.models import Revision, Thread, ThreadKind
from practica.exchange.selectors import reply_tree, thread_get
from practica.exchange.services import (
    acknowledgement_create,
    normalise_tags,
    reply_accept,
    reply_create,
    reply_edit,
    thread_create,
    thread_edit,
)
from practica.ledger.models import LedgerEvent, Verb

pytestmark = pytest.mark.django_db


def ask(people, **kw):
    defaults = dict(
        community=people.community,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="How deep should raised beds be?",
        body="Our soil is clay.",
        tags=["Raised Beds", "soil"],
    )
    defaults.update(kw)
    return thread_create(**defaults)


def test_member_asks_a_question_with_normalised_tags(people):
    thread = ask(people)
    assert sorted(t.name for t in thread.tags.all()) == ["raised-beds", "soil"]
    assert thread.is_resolvable and not thread.is_resolved


def test_outsider_cannot_start_a_thread(people):
    with pytest.raises(NotAllowed):
        ask(people, author=people.outsider)


def test_thread_without_title_names_the_field(people):
    with pytest.raises(InvalidInput) as err:
        ask(people, title="  ")
    assert err.value.field == "title"


def test_story_can_be_told_in_parts_without_a_body(people):
    story = ask(
        people,
        kind=ThreadKind.STORY,
        title="The year the tomatoes split",
        body="",
        context="A hot July",
        what_happened="We watered late",
        learned="Mulch matters",
        differently="Water at dawn",
    )
    assert [label for label, _ in story.story_parts] == [
        "Context",
        "What happened",
        "What we learned",
        "What we would do differently",
    ]


def test_only_a_story_has_parts(people):
    with pytest.raises(InvalidInput) as err:
        ask(people, context="not a story")
    assert err.value.field == "context"


def test_empty_story_is_refused(people):
    with pytest.raises(InvalidInput):
        ask(people, kind=ThreadKind.STORY, body="")


def test_bad_tag_names_the_field():
    with pytest.raises(InvalidInput) as err:
        normalise_tags(["<script>"])
    assert err.value.field == "tags"


def test_reply_records_who_replied_to_whom(people):
    thread = ask(people)
    reply = reply_create(thread=thread, author=people.steward, body="Thirty centimetres.")
    event = LedgerEvent.objects.get(verb=Verb.REPLIED)
    assert (event.actor, event.target, event.thread_id, event.object_id) == (
        people.steward,
        people.member,
        thread.pk,
        reply.pk,
    )


def test_replying_to_yourself_is_not_an_interaction(people):
    thread = ask(people)
    reply_create(thread=thread, author=people.member, body="Adding a photo.")
    assert not LedgerEvent.objects.exists()


def test_comment_on_a_comment_stays_one_level_deep(people):
    thread = ask(people)
    answer = reply_create(thread=thread, author=people.steward, body="Thirty centimetres.")
    comment = reply_create(thread=thread, author=people.member, body="Why?", parent=answer)
    deeper = reply_create(thread=thread, author=people.newcomer, body="Roots.", parent=comment)
    assert deeper.parent == answer
    tree = reply_tree(thread_get(thread_id=thread.pk, user=people.member))
    assert [(r.pk, [c.pk for c in cs]) for r, cs in tree] == [(answer.pk, [comment.pk, deeper.pk])]
    # The comment on the comment goes towards the author of the answer it hangs from.
    assert LedgerEvent.objects.filter(actor=people.newcomer, target=people.steward).exists()


def test_mentions_are_recorded_for_members_only(people):
    thread = ask(people, body="Maybe @alice or @carol know? Not @dave, or @nobody.")
    mentioned = set(
        LedgerEvent.objects.filter(verb=Verb.MENTIONED).values_list("target__username", flat=True)
    )
    assert mentioned == {"alice", "carol"}
    assert all(e.thread_id == thread.pk for e in LedgerEvent.objects.all())


def test_only_the_asker_accepts_and_acceptance_is_recorded_once(people):
    thread = ask(people)
    reply = reply_create(thread=thread, author=people.steward, body="Thirty centimetres.")
    with pytest.raises(NotAllowed):
        reply_accept(reply=reply, actor=people.steward)
    reply_accept(reply=reply, actor=people.member)
    reply_accept(reply=reply, actor=people.member)
    thread.refresh_from_db()
    assert thread.accepted_reply == reply
    assert LedgerEvent.objects.filter(verb=Verb.ACCEPTED).count() == 1


def test_a_discussion_cannot_accept_a_reply(people):
    thread = ask(people, kind=ThreadKind.DISCUSSION)
    reply = reply_create(thread=thread, author=people.steward, body="Agreed.")
    with pytest.raises(InvalidInput):
        reply_accept(reply=reply, actor=people.member)


def test_this_helped_me_records_who_helped_whom(people):
    thread = ask(people)
    reply = reply_create(thread=thread, author=people.steward, body="Thirty centimetres.")
    acknowledgement_create(person=people.newcomer, thread=thread, reply=reply)
    event = LedgerEvent.objects.get(verb=Verb.ACKNOWLEDGED)
    assert (event.actor, event.target) == (people.newcomer, people.steward)
    with pytest.raises(Conflict):
        acknowledgement_create(person=people.newcomer, thread=thread, reply=reply)


def test_nobody_acknowledges_their_own_reply(people):
    thread = ask(people)
    reply = reply_create(thread=thread, author=people.steward, body="Thirty centimetres.")
    with pytest.raises(NotAllowed):
        acknowledgement_create(person=people.steward, thread=thread, reply=reply)


def test_a_story_itself_can_be_acknowledged_but_a_question_cannot(people):
    story = ask(people, kind=ThreadKind.STORY, body="We lost the crop.")
    acknowledgement_create(person=people.newcomer, thread=story)
    question = ask(people)
    with pytest.raises(InvalidInput):
        acknowledgement_create(person=people.newcomer, thread=question)


def test_edits_keep_history_and_only_author_or_steward_may_edit(people):
    thread = ask(people)
    with pytest.raises(NotAllowed):
        thread_edit(thread=thread, editor=people.newcomer, title="Hijacked")
    thread_edit(thread=thread, editor=people.member, title="How deep for clay?", reason="clearer")
    thread_edit(thread=thread, editor=people.steward, tags=["clay"])
    thread.refresh_from_db()
    revisions = list(Revision.objects.filter(thread=thread).order_by("created_at", "id"))
    assert [r.snapshot["title"] for r in revisions] == [
        "How deep should raised beds be?",
        "How deep for clay?",
    ]
    assert revisions[1].snapshot["tags"] == ["raised-beds", "soil"]
    assert [t.name for t in thread.tags.all()] == ["clay"]
    assert thread.edited_at is not None


def test_reply_edit_keeps_the_old_body(people):
    thread = ask(people)
    reply = reply_create(thread=thread, author=people.steward, body="Thirty.")
    reply_edit(reply=reply, editor=people.steward, body="Thirty centimetres.", reason="units")
    assert Revision.objects.get(reply=reply).snapshot == {"body": "Thirty."}


def test_members_only_threads_are_hidden_from_outsiders(people):
    secret = ask(people, community=people.private, title="Budget worries")
    assert Thread.objects.visible_to(people.member).filter(pk=secret.pk).exists()
    assert not Thread.objects.visible_to(people.outsider).filter(pk=secret.pk).exists()
    assert not Thread.objects.visible_to(None).filter(pk=secret.pk).exists()
    assert not Thread.objects.visible_to(people.newcomer).filter(pk=secret.pk).exists()


def test_closed_circles_hide_their_threads_from_everyone_outside_them(people):
    from practica.communities.models import Circle, CircleMembership, CircleTier

    circles = {
        tier: Circle.objects.create(community=people.community, name=tier, slug=tier, tier=tier)
        for tier in CircleTier.values
    }
    for tier in (CircleTier.PRIVATE, CircleTier.CONFIDENTIAL):
        CircleMembership.objects.create(circle=circles[tier], user=people.newcomer)
    threads = {
        tier: ask(people, author=people.newcomer, circle=circle, title=f"In {tier}")
        for tier, circle in circles.items()
    }

    def seen_by(user):
        visible = set(Thread.objects.visible_to(user).values_list("pk", flat=True))
        return {tier for tier, thread in threads.items() if thread.pk in visible}

    assert seen_by(None) == {"open"}
    assert seen_by(people.outsider) == {"open"}
    assert seen_by(people.member) == {"open", "members"}
    assert seen_by(people.steward) == {"open", "members"}
    assert seen_by(people.newcomer) == {"open", "members", "private", "confidential"}
    with pytest.raises(NotAllowed):
        ask(people, author=people.member, circle=circles[CircleTier.PRIVATE])
