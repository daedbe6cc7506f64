"""Deleting a community takes its circles and their threads with it; a circle alone that
still holds threads cannot be deleted (what was said there must not vanish nor leak)."""

from __future__ import annotations

import pytest
from django.db.models import RestrictedError
from django.urls import reverse

from practica.communities.circles import (
    agreement_publish,
    circle_create,
    circle_delete,
    circle_invite,
)
from practica.communities.models import Circle, Community
from practica.core.errors import Conflict
from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create


def _circle_with_a_thread(people, tier: str = "private") -> tuple[Circle, Thread]:
    circle = circle_create(
        community=people.community, actor=people.steward, name="Night", slug="night", tier=tier
    )
    circle_invite(circle=circle, actor=people.steward, user=people.member)
    agreement_publish(
        community=people.community, actor=people.steward, body="Quiet please.", circle=circle
    )
    thread = thread_create(
        community=people.community,
        author=people.steward,
        kind="question",
        title="Night watering?",
        body="Is it fine?",
        circle=circle,
    )
    reply_create(thread=thread, author=people.member, body="Yes, mostly.")
    return circle, thread


def test_deleting_a_community_with_circles_and_threads_works(people):
    circle, thread = _circle_with_a_thread(people)
    outside = thread_create(
        community=people.community, author=people.member, kind="question", title="Soil?", body="?"
    )
    people.community.delete()
    assert not Community.objects.filter(slug="growers").exists()
    assert not Circle.objects.filter(pk=circle.pk).exists()
    assert not Thread.objects.filter(pk__in=[thread.pk, outside.pk]).exists()
    assert not Reply.objects.filter(thread_id=thread.pk).exists()
    # The other community is untouched.
    assert Community.objects.filter(slug="stewards").exists()


def test_a_circle_that_holds_threads_cannot_be_deleted_alone(people):
    circle, thread = _circle_with_a_thread(people)
    with pytest.raises(Conflict, match="still holds 1 thread;"):
        circle_delete(circle=circle, actor=people.steward)
    with pytest.raises(RestrictedError):
        circle.delete()  # the database rule agrees, whatever code path tries
    assert Thread.objects.get(pk=thread.pk).circle_id == circle.pk


def test_an_empty_circle_is_deleted_with_its_agreements(people):
    circle, thread = _circle_with_a_thread(people)
    thread.delete()
    circle_delete(circle=circle, actor=people.steward)
    assert not Circle.objects.filter(pk=circle.pk).exists()


def test_the_circle_page_says_why_a_circle_with_threads_stays(client, people):
    circle, _ = _circle_with_a_thread(people)
    client.force_login(people.steward)
    answer = client.post(reverse("circles:delete", args=["growers", "night"]), follow=True)
    assert answer.status_code == 200
    assert "still holds 1 thread" in answer.content.decode()
    assert Circle.objects.filter(pk=circle.pk).exists()
