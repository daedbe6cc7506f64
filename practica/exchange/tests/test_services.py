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


def ask(cast, **kw):
    defaults = dict(
        community=cast.community,
        author=cast.member,
        kind=ThreadKind.QUESTION,
        title="How deep should raised beds be?",
        body="Our soil is clay.",
        tags=["Raised Beds", "soil"],
    )
    defaults.update(kw)
    return thread_create(**defaults)


def test_member_asks_a_question_with_normalised_tags(cast):
    thread = ask(cast)
    assert sorted(t.name for t in thread.tags.all()) == ["raised-beds", "soil"]
    assert thread.is_resolvable and not thread.is_resolved


def test_outsider_cannot_start_a_thread(cast):
    with pytest.raises(NotAllowed):
        ask(cast, author=cast.outsider)


def test_thread_without_title_names_the_field(cast):
    with pytest.raises(InvalidInput) as err:
        ask(cast, title="  ")
    assert err.value.field == "title"


def test_story_can_be_told_in_parts_without_a_body(cast):
    story = ask(
        cast,
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


def test_only_a_story_has_parts(cast):
    with pytest.raises(InvalidInput) as err:
        ask(cast, context="not a story")
    assert err.value.field == "context"


def test_empty_story_is_refused(cast):
    with pytest.raises(InvalidInput):
        ask(cast, kind=ThreadKind.STORY, body="")


def test_bad_tag_names_the_field():
    with pytest.raises(InvalidInput) as err:
        normalise_tags(["<script>"])
    assert err.value.field == "tags"


def test_reply_records_who_replied_to_whom(cast):
    thread = ask(cast)
    reply = reply_create(thread=thread, author=cast.steward, body="Thirty centimetres.")
    event = LedgerEvent.objects.get(verb=Verb.REPLIED)
    assert (event.actor, event.target, event.thread_id, event.object_id) == (
        cast.steward,
        cast.member,
        thread.pk,
        reply.pk,
    )


def test_replying_to_yourself_is_not_an_interaction(cast):
    thread = ask(cast)
    reply_create(thread=thread, author=cast.member, body="Adding a photo.")
    assert not LedgerEvent.objects.exists()


def test_comment_on_a_comment_stays_one_level_deep(cast):
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.steward, body="Thirty centimetres.")
    comment = reply_create(thread=thread, author=cast.member, body="Why?", parent=answer)
    deeper = reply_create(thread=thread, author=cast.newcomer, body="Roots.", parent=comment)
    assert deeper.parent == answer
    tree = reply_tree(thread_get(thread_id=thread.pk, user=cast.member))
    assert [(r.pk, [c.pk for c in cs]) for r, cs in tree] == [(answer.pk, [comment.pk, deeper.pk])]
    # The comment on the comment goes towards the author of the answer it hangs from.
    assert LedgerEvent.objects.filter(actor=cast.newcomer, target=cast.steward).exists()


def test_mentions_are_recorded_for_members_only(cast):
    thread = ask(cast, body="Maybe @alice or @carol know? Not @dave, or @nobody.")
    mentioned = set(
        LedgerEvent.objects.filter(verb=Verb.MENTIONED).values_list("target__username", flat=True)
    )
    assert mentioned == {"alice", "carol"}
    assert all(e.thread_id == thread.pk for e in LedgerEvent.objects.all())


def test_only_the_asker_accepts_and_acceptance_is_recorded_once(cast):
    thread = ask(cast)
    reply = reply_create(thread=thread, author=cast.steward, body="Thirty centimetres.")
    with pytest.raises(NotAllowed):
        reply_accept(reply=reply, actor=cast.steward)
    reply_accept(reply=reply, actor=cast.member)
    reply_accept(reply=reply, actor=cast.member)
    thread.refresh_from_db()
    assert thread.accepted_reply == reply
    assert LedgerEvent.objects.filter(verb=Verb.ACCEPTED).count() == 1


def test_a_discussion_cannot_accept_a_reply(cast):
    thread = ask(cast, kind=ThreadKind.DISCUSSION)
    reply = reply_create(thread=thread, author=cast.steward, body="Agreed.")
    with pytest.raises(InvalidInput):
        reply_accept(reply=reply, actor=cast.member)


def test_this_helped_me_records_who_helped_whom(cast):
    thread = ask(cast)
    reply = reply_create(thread=thread, author=cast.steward, body="Thirty centimetres.")
    acknowledgement_create(person=cast.newcomer, thread=thread, reply=reply)
    event = LedgerEvent.objects.get(verb=Verb.ACKNOWLEDGED)
    assert (event.actor, event.target) == (cast.newcomer, cast.steward)
    with pytest.raises(Conflict):
        acknowledgement_create(person=cast.newcomer, thread=thread, reply=reply)


def test_nobody_acknowledges_their_own_reply(cast):
    thread = ask(cast)
    reply = reply_create(thread=thread, author=cast.steward, body="Thirty centimetres.")
    with pytest.raises(NotAllowed):
        acknowledgement_create(person=cast.steward, thread=thread, reply=reply)


def test_a_story_itself_can_be_acknowledged_but_a_question_cannot(cast):
    story = ask(cast, kind=ThreadKind.STORY, body="We lost the crop.")
    acknowledgement_create(person=cast.newcomer, thread=story)
    question = ask(cast)
    with pytest.raises(InvalidInput):
        acknowledgement_create(person=cast.newcomer, thread=question)


def test_edits_keep_history_and_only_author_or_steward_may_edit(cast):
    thread = ask(cast)
    with pytest.raises(NotAllowed):
        thread_edit(thread=thread, editor=cast.newcomer, title="Hijacked")
    thread_edit(thread=thread, editor=cast.member, title="How deep for clay?", reason="clearer")
    thread_edit(thread=thread, editor=cast.steward, tags=["clay"])
    thread.refresh_from_db()
    revisions = list(Revision.objects.filter(thread=thread).order_by("created_at", "id"))
    assert [r.snapshot["title"] for r in revisions] == [
        "How deep should raised beds be?",
        "How deep for clay?",
    ]
    assert revisions[1].snapshot["tags"] == ["raised-beds", "soil"]
    assert [t.name for t in thread.tags.all()] == ["clay"]
    assert thread.edited_at is not None


def test_reply_edit_keeps_the_old_body(cast):
    thread = ask(cast)
    reply = reply_create(thread=thread, author=cast.steward, body="Thirty.")
    reply_edit(reply=reply, editor=cast.steward, body="Thirty centimetres.", reason="units")
    assert Revision.objects.get(reply=reply).snapshot == {"body": "Thirty."}


def test_members_only_threads_are_hidden_from_outsiders(cast):
    secret = ask(cast, community=cast.private, title="Budget worries")
    assert Thread.objects.visible_to(cast.member).filter(pk=secret.pk).exists()
    assert not Thread.objects.visible_to(cast.outsider).filter(pk=secret.pk).exists()
    assert not Thread.objects.visible_to(None).filter(pk=secret.pk).exists()
    assert not Thread.objects.visible_to(cast.newcomer).filter(pk=secret.pk).exists()


def test_closed_circles_hide_their_threads_from_everyone_outside_them(cast):
    from practica.communities.models import Circle, CircleMembership, CircleTier

    circles = {
        tier: Circle.objects.create(community=cast.community, name=tier, slug=tier, tier=tier)
        for tier in CircleTier.values
    }
    for tier in (CircleTier.PRIVATE, CircleTier.CONFIDENTIAL):
        CircleMembership.objects.create(circle=circles[tier], user=cast.newcomer)
    threads = {
        tier: ask(cast, author=cast.newcomer, circle=circle, title=f"In {tier}")
        for tier, circle in circles.items()
    }

    def seen_by(user):
        visible = set(Thread.objects.visible_to(user).values_list("pk", flat=True))
        return {tier for tier, thread in threads.items() if thread.pk in visible}

    assert seen_by(None) == {"open"}
    assert seen_by(cast.outsider) == {"open"}
    assert seen_by(cast.member) == {"open", "members"}
    assert seen_by(cast.steward) == {"open", "members"}
    assert seen_by(cast.newcomer) == {"open", "members", "private", "confidential"}
    with pytest.raises(NotAllowed):
        ask(cast, author=cast.member, circle=circles[CircleTier.PRIVATE])
