"""Circles and agreements in the browser: list, open, read, invite, join, leave, accept, publish."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from practica.communities.circles import (
    agreement_pending,
    agreement_publish,
    circle_create,
    circle_invite,
    circle_join,
)
from practica.communities.models import AgreementAcceptance, Circle, CircleMembership, CircleTier
from practica.exchange.models import Thread
from practica.exchange.services import reply_create, thread_create
from practica.weaving.models import Notification

pytestmark = pytest.mark.django_db
#: Named explicitly: other backends may come first in AUTHENTICATION_BACKENDS.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def as_(client: Client, person) -> Client:
    client.force_login(person, backend=MODEL_BACKEND)
    return client


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def circles_url(slug: str = "growers") -> str:
    return reverse("circles:list", args=[slug])


def circle_url(circle: Circle) -> str:
    return reverse("circles:detail", args=[circle.community.slug, circle.slug])


def open_circle(people, tier=CircleTier.MEMBERS, slug="night", name="Night shift", **kw):
    return circle_create(
        community=people.community, actor=people.steward, name=name, slug=slug, tier=tier, **kw
    )


def test_the_circle_list_shows_open_circles_and_only_the_closed_ones_you_are_in(client, people):
    open_circle(people, CircleTier.OPEN, slug="lobby", name="Lobby")
    open_circle(people, CircleTier.CONFIDENTIAL, slug="grief", name="Grief circle")
    as_member = flat(as_(client, people.member).get(circles_url()))
    assert "Lobby" in as_member and "Grief circle" not in as_member
    as_steward = flat(as_(Client(), people.steward).get(circles_url()))
    assert "Grief circle" in as_steward and "You are in it" in as_steward
    assert "Open a circle" in as_steward and "Open a circle" not in as_member


def test_an_empty_circle_list_tells_a_steward_how_to_start(client, people):
    page = flat(as_(client, people.steward).get(circles_url()))
    assert "No circles you can see yet" in page and "Open the first circle" in page


def test_the_circle_list_of_a_members_only_community_is_hidden_from_outsiders(client, people):
    assert as_(client, people.outsider).get(circles_url("stewards")).status_code == 404


def test_a_steward_opens_a_circle_through_the_form(client, people):
    response = as_(client, people.steward).post(
        reverse("circles:create", args=["growers"]),
        {"name": "Night shift", "slug": "", "tier": "private", "chatham_house": "on"},
    )
    circle = Circle.objects.get(slug="night-shift")
    assert response.status_code == 302 and response["Location"] == circle_url(circle)
    assert circle.tier == CircleTier.PRIVATE and circle.chatham_house
    assert list(circle.memberships.values_list("user__username", flat=True)) == ["alice"]


def test_the_circle_form_shows_a_taken_slug_on_its_field(client, people):
    open_circle(people)
    response = as_(client, people.steward).post(
        reverse("circles:create", args=["growers"]),
        {"name": "Night", "slug": "night", "tier": "members"},
    )
    assert response.status_code == 422
    assert "exists already" in flat(response)


def test_members_cannot_open_circles(client, people):
    response = as_(client, people.member).get(reverse("circles:create", args=["growers"]))
    assert response.status_code == 403


def test_a_closed_circle_is_404_to_a_community_member_outside_it(client, people):
    circle = open_circle(people, CircleTier.PRIVATE)
    assert as_(client, people.member).get(circle_url(circle)).status_code == 404
    circle_invite(circle=circle, actor=people.steward, user=people.member)
    assert as_(Client(), people.member).get(circle_url(circle)).status_code == 200


def test_the_circle_page_lists_its_threads_and_members(client, people):
    circle = open_circle(people)
    circle_join(circle=circle, user=people.member)
    thread_create(
        community=people.community, author=people.member, kind="question", title="Frost tonight?",
        body="Cover the beds?", circle=circle,
    )  # fmt: skip
    page = flat(as_(client, people.newcomer).get(circle_url(circle)))
    assert "Frost tonight?" in page and "Bob Member" in page
    assert "Join Night shift" in page and "Start a thread here" in page


def test_members_join_and_leave_an_open_circle(client, people):
    circle = open_circle(people, CircleTier.OPEN)
    as_(client, people.member)
    client.post(reverse("circles:join", args=["growers", "night"]))
    assert CircleMembership.objects.filter(circle=circle, user=people.member).exists()
    client.post(reverse("circles:leave", args=["growers", "night"]))
    assert not CircleMembership.objects.filter(circle=circle, user=people.member).exists()


def test_a_closed_circle_cannot_be_joined_without_an_invitation(client, people):
    circle = open_circle(people, CircleTier.PRIVATE)
    circle_invite(circle=circle, actor=people.steward, user=people.member)
    response = as_(client, people.newcomer).post(reverse("circles:join", args=["growers", "night"]))
    assert response.status_code == 404
    assert not circle.memberships.filter(user=people.newcomer).exists()


def test_a_circle_member_invites_by_username_and_the_invited_person_is_told(client, people):
    circle = open_circle(people, CircleTier.CONFIDENTIAL)
    response = as_(client, people.steward).post(
        reverse("circles:invite", args=["growers", "night"]), {"username": "@bob"}
    )
    assert response.status_code == 302
    assert circle.memberships.filter(user=people.member).exists()
    note = Notification.objects.get(recipient=people.member)
    assert "Night shift" in note.text and note.link == circle_url(circle)


def test_inviting_someone_outside_the_community_says_why(client, people):
    open_circle(people, CircleTier.PRIVATE)
    response = as_(client, people.steward).post(
        reverse("circles:invite", args=["growers", "night"]), {"username": "dave"}, follow=True
    )
    assert "dave is not a member of the community" in flat(response).lower()


def test_under_the_chatham_house_rule_the_member_list_stays_inside(client, people):
    circle = open_circle(people, CircleTier.MEMBERS, chatham_house=True)
    circle_join(circle=circle, user=people.member)
    outside = flat(as_(client, people.newcomer).get(circle_url(circle)))
    assert "Bob Member" not in outside and "known only inside it" in outside
    inside = flat(as_(Client(), people.member).get(circle_url(circle)))
    assert "Bob Member" in inside


def test_chatham_house_threads_name_their_authors_only_inside_the_circle(client, people):
    circle = open_circle(people, CircleTier.OPEN, chatham_house=True)
    circle_join(circle=circle, user=people.member)
    thread = thread_create(
        community=people.community, author=people.member, kind="story", title="The flood",
        what_happened="Water everywhere.", circle=circle,
    )  # fmt: skip
    reply_create(thread=thread, author=people.steward, body="We lost a shed too.")
    url = reverse("exchange:thread", args=["growers", thread.pk])
    outside = flat(Client().get(url))
    assert "Bob Member" not in outside and "Alice Steward" not in outside
    assert "a member of Night shift" in outside
    assert "a member of Night shift" in flat(
        Client().get(reverse("communities:detail", args=["growers"]))
    )
    inside = flat(as_(client, people.member).get(url))
    assert "Bob Member" in inside


def test_the_new_thread_form_offers_only_circles_you_may_post_in(client, people):
    open_circle(people, CircleTier.MEMBERS, slug="lobby", name="Lobby")
    open_circle(people, CircleTier.PRIVATE, slug="inner", name="Inner room")
    url = reverse("exchange:thread_create", args=["growers"])
    member_form = flat(as_(client, people.member).get(url))
    assert "Lobby" in member_form and "Inner room" not in member_form
    steward_form = flat(as_(Client(), people.steward).get(url + "?circle=inner"))
    assert re.search(r'<option value="inner" selected>Inner room', steward_form)


def test_posting_into_a_circle_from_the_form_keeps_the_thread_in_it(client, people):
    circle = open_circle(people, CircleTier.PRIVATE)
    response = as_(client, people.steward).post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "discussion", "circle": "night", "title": "Rota", "body": "Who takes Friday?"},
    )
    assert response.status_code == 302
    assert Thread.objects.get(title="Rota").circle == circle


def test_a_forged_circle_choice_is_refused_on_the_form(client, people):
    open_circle(people, CircleTier.PRIVATE)
    response = as_(client, people.member).post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "discussion", "circle": "night", "title": "Sneak", "body": "In?"},
    )
    assert response.status_code == 422
    assert not Thread.objects.filter(title="Sneak").exists()


# Agreements ---------------------------------------------------------------------------


def agreement_url(slug: str = "growers") -> str:
    return reverse("circles:agreement", args=[slug])


def test_a_steward_publishes_a_new_version_and_the_history_shows_what_changed(client, people):
    agreement_publish(community=people.community, actor=people.steward, body="Be kind.")
    response = as_(client, people.steward).post(
        reverse("circles:agreement_publish", args=["growers"]),
        {"body": "Be kind. Share seeds.", "change_note": "Seeds added"},
    )
    assert response.status_code == 302
    page = flat(client.get(agreement_url()))
    assert "Version 2" in page and "What changed: Seeds added" in page
    assert "<ins>Share seeds.</ins>" in page or "<ins> Share seeds.</ins>" in page


def test_members_cannot_publish_agreements(client, people):
    response = as_(client, people.member).get(
        reverse("circles:agreement_publish", args=["growers"])
    )
    assert response.status_code == 403


def test_a_member_reads_and_accepts_the_current_version(client, people):
    agreement_publish(community=people.community, actor=people.steward, body="Be kind.")
    page = flat(as_(client, people.member).get(agreement_url()))
    assert "I accept these agreements" in page
    response = client.post(
        reverse("circles:agreement_accept", args=["growers"]),
        {"version": "1", "accept_agreement": "1"},
    )
    assert response.status_code == 302
    assert agreement_pending(community=people.community, person=people.member) is None


def test_accepting_without_ticking_the_box_accepts_nothing(client, people):
    agreement_publish(community=people.community, actor=people.steward, body="Be kind.")
    as_(client, people.member).post(
        reverse("circles:agreement_accept", args=["growers"]), {"version": "1"}
    )
    assert not AgreementAcceptance.objects.filter(person=people.member).exists()


def test_accepting_a_version_that_was_replaced_meanwhile_asks_to_read_the_new_one(client, people):
    agreement_publish(community=people.community, actor=people.steward, body="Be kind.")
    agreement_publish(community=people.community, actor=people.steward, body="Be very kind.")
    response = as_(client, people.member).post(
        reverse("circles:agreement_accept", args=["growers"]),
        {"version": "1", "accept_agreement": "1"},
        follow=True,
    )
    assert "read version 2" in flat(response)
    assert agreement_pending(community=people.community, person=people.member) is not None


def test_an_outsider_reads_the_agreements_of_a_members_only_community_before_joining(
    client, people
):
    agreement_publish(
        community=people.private, actor=people.steward, body="What is said here stays."
    )
    page = flat(as_(client, people.outsider).get(agreement_url("stewards")))
    assert "What is said here stays." in page and "when you join" in page


def test_a_circle_agreement_is_accepted_before_posting_in_the_circle(client, people):
    circle = open_circle(people, CircleTier.MEMBERS)
    agreement_publish(
        community=people.community, actor=people.steward, body="No names leave.", circle=circle
    )
    page = flat(as_(client, people.member).get(circle_url(circle)))
    assert "No names leave." in page
    response = client.post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "discussion", "circle": "night", "title": "Hello", "body": "Hi all"},
    )
    assert response.status_code == 422
    assert "accept the agreements of the circle night shift" in flat(response).lower()
    client.post(
        reverse("circles:circle_agreement_accept", args=["growers", "night"]),
        {"version": "1", "accept_agreement": "1"},
    )
    response = client.post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "discussion", "circle": "night", "title": "Hello", "body": "Hi all"},
    )
    assert response.status_code == 302


def test_the_community_page_offers_its_atom_feed_to_feed_readers(client, people):
    page = client.get(reverse("communities:detail", args=["growers"])).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/c/growers/feed.atom"' in page
