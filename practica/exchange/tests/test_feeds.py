"""Atom feeds: what an anonymous feed reader gets, what a personal token adds, what never goes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from practica.communities.circles import circle_create, circle_invite, circle_join
from practica.communities.models import CircleTier
from practica.exchange.feeds import feed_token, reader_of
from practica.exchange.services import reply_create, thread_create

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": e.findtext(f"{ATOM}title") or "",
            "author": e.findtext(f"{ATOM}author/{ATOM}name") or "",
            "summary": e.findtext(f"{ATOM}summary") or "",
            "link": e.find(f"{ATOM}link").get("href", ""),  # type: ignore[union-attr]
        }
        for e in root.iter(f"{ATOM}entry")
    ]


def community_feed(slug: str = "growers", token: str = "") -> str:
    url = reverse("feeds:community", args=[slug])
    return f"{url}?token={token}" if token else url


def post(people, title: str, circle=None, community=None, author=None, **kw):
    return thread_create(
        community=community or people.community,
        author=author or people.member,
        kind="discussion",
        title=title,
        body=kw.pop("body", f"Body of {title}"),
        circle=circle,
        **kw,
    )


def test_the_community_feed_lists_its_latest_threads_newest_first(client, people):
    post(people, "Seed swap on Saturday", body="Bring **labelled** packets.")
    post(people, "Compost bins")
    found = entries(client.get(community_feed()))
    assert [e["title"] for e in found] == ["Compost bins", "Seed swap on Saturday"]
    assert found[1]["author"] == "Bob Member"
    assert "<strong>labelled</strong>" in found[1]["summary"]
    assert found[1]["link"].startswith("http://testserver/c/growers/t/")


def test_a_story_in_the_feed_carries_its_parts(client, people):
    thread_create(
        community=people.community, author=people.member, kind="story", title="Hail",
        what_happened="The hail came.", learned="Nets help.",
    )  # fmt: skip
    summary = entries(client.get(community_feed()))[0]["summary"]
    assert "What happened" in summary and "Nets help." in summary


def test_a_members_only_community_has_no_anonymous_feed(client, people):
    post(people, "Budget", community=people.private, author=people.steward)
    assert client.get(community_feed("stewards")).status_code == 404


def test_a_personal_token_opens_a_members_only_feed_for_its_owner_only(client, people):
    post(people, "Budget", community=people.private, author=people.steward)
    mine = entries(client.get(community_feed("stewards", feed_token(people.member))))
    assert [e["title"] for e in mine] == ["Budget"]
    assert client.get(community_feed("stewards", feed_token(people.outsider))).status_code == 404


def test_a_wrong_or_forged_token_reads_as_an_anonymous_visitor(people):
    token = feed_token(people.member)
    assert reader_of(token) == people.member
    assert not reader_of(token[:-1] + ("0" if token[-1] != "0" else "1")).is_authenticated
    assert not reader_of(f"{people.steward.pk}-{token.split('-', 1)[1]}").is_authenticated
    assert not reader_of("not-a-token").is_authenticated
    assert not reader_of("99999999999999999999999-x").is_authenticated


def test_changing_the_password_retires_every_feed_address(people):
    token = feed_token(people.member)
    people.member.set_password("a whole new secret 42")
    people.member.save()
    assert not reader_of(token).is_authenticated


def test_private_and_confidential_circles_never_reach_a_feed_even_for_their_members(client, people):
    for tier in (CircleTier.PRIVATE, CircleTier.CONFIDENTIAL):
        circle = circle_create(
            community=people.community, actor=people.steward, name=f"{tier} room", slug=tier,
            tier=tier,
        )  # fmt: skip
        circle_invite(circle=circle, actor=people.steward, user=people.member)
        thread = post(people, f"Said in the {tier} room", circle=circle)
        url = reverse("feeds:thread", args=["growers", thread.pk])
        assert client.get(f"{url}?token={feed_token(people.member)}").status_code == 404
    token = feed_token(people.member)
    titles = [e["title"] for e in entries(client.get(community_feed(token=token)))]
    assert not any("room" in t for t in titles)


def test_members_circles_are_in_a_members_own_feed_but_not_the_public_one(client, people):
    circle = circle_create(
        community=people.community, actor=people.steward, name="Lobby", slug="lobby",
        tier=CircleTier.MEMBERS,
    )  # fmt: skip
    post(people, "Members talk", circle=circle)
    assert entries(client.get(community_feed())) == []
    own = entries(client.get(community_feed(token=feed_token(people.newcomer))))
    assert [e["title"] for e in own] == ["Members talk"]


def test_feeds_name_nobody_from_a_chatham_house_circle(client, people):
    circle = circle_create(
        community=people.community, actor=people.steward, name="Open mic", slug="mic",
        tier=CircleTier.OPEN, chatham_house=True,
    )  # fmt: skip
    thread = post(people, "What I got wrong", circle=circle)
    reply_create(thread=thread, author=people.steward, body="Same here.")
    assert entries(client.get(community_feed()))[0]["author"] == "a member of Open mic"
    replies = entries(client.get(reverse("feeds:thread", args=["growers", thread.pk])))
    assert replies[0]["author"] == "a member of Open mic"
    assert replies[0]["title"] == "Reply by a member of Open mic"
    circle_join(circle=circle, user=people.newcomer)
    inside = entries(client.get(community_feed(token=feed_token(people.newcomer))))
    assert inside[0]["author"] == "Bob Member"


def test_the_thread_feed_lists_replies_in_order_with_anchors(client, people):
    thread = post(people, "Watering")
    first = reply_create(thread=thread, author=people.steward, body="Mornings.")
    reply_create(thread=thread, author=people.newcomer, body="Agreed.", parent=first)
    found = entries(client.get(reverse("feeds:thread", args=["growers", thread.pk])))
    assert [e["title"] for e in found] == ["Reply by Alice Steward", "Comment by Carol Newcomer"]
    assert found[0]["link"].endswith(f"#reply-{first.pk}")


def test_a_thread_feed_under_another_community_is_404(client, people):
    thread = post(people, "Watering")
    assert client.get(reverse("feeds:thread", args=["stewards", thread.pk])).status_code == 404
    assert client.get(reverse("feeds:thread", args=["growers", 999999])).status_code == 404


def test_a_members_page_offers_their_personal_feed_address(people):
    client = Client()
    client.force_login(people.member, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("communities:detail", args=["growers"])).content.decode()
    assert f"/c/growers/feed.atom?token={feed_token(people.member)}" in page
