"""Circles and agreements over HTTP, and circles in the thread endpoints."""

from __future__ import annotations

from practica.communities.circles import agreement_publish, circle_create, circle_join
from practica.communities.models import CircleMembership, CircleTier
from practica.exchange.services import reply_create, thread_create
from practica.testing.api import ApiClient, Cast

pytest_plugins = ["practica.testing.api_fixtures"]

CIRCLES = "/api/v1/communities/gardeners/circles"


def test_the_circle_list_shows_only_circles_you_may_know_of(api: ApiClient, cast: Cast) -> None:
    for slug, tier in (("lobby", "open"), ("members", "members"), ("inner", "confidential")):
        circle_create(
            community=cast.gardeners, actor=cast.stella, name=slug.title(), slug=slug, tier=tier
        )
    anonymous = {c["slug"] for c in api.get(CIRCLES).body}
    assert anonymous == {"lobby"}
    member = {c["slug"]: c for c in api.as_(cast.mo).get(CIRCLES).body}
    assert set(member) == {"lobby", "members"}
    steward = {c["slug"]: c for c in api.as_(cast.stella).get(CIRCLES).body}
    assert steward["inner"]["is_in"] is True and steward["inner"]["tier"] == "confidential"


def test_a_steward_opens_a_circle_and_others_may_not(api: ApiClient, cast: Cast) -> None:
    body = {"name": "Night shift", "slug": "night", "tier": "private", "chatham_house": True}
    refused = api.as_(cast.mo).post(CIRCLES, body)
    assert refused.status == 403
    made = api.as_(cast.stella).post(CIRCLES, body)
    assert made.status == 201
    assert made.body["slug"] == "night" and made.body["chatham_house"] is True
    assert made.body["is_in"] is True
    again = api.as_(cast.stella).post(CIRCLES, body)
    assert again.status == 409 and again.field == "slug"
    bad = api.as_(cast.stella).post(CIRCLES, {**body, "slug": "x", "tier": "secret"})
    assert bad.status == 422


def test_members_of_a_closed_circle_invite_and_others_get_404(api: ApiClient, cast: Cast) -> None:
    circle = circle_create(
        community=cast.gardeners, actor=cast.stella, name="Inner", slug="inner",
        tier=CircleTier.CONFIDENTIAL,
    )  # fmt: skip
    url = f"/api/v1/circles/{circle.pk}/invite"
    assert api.as_(cast.mo).post(url, {"username": "nina"}).status == 404
    invited = api.as_(cast.stella).post(url, {"username": "mo"})
    assert invited.status == 201 and invited.body["username"] == "mo"
    assert CircleMembership.objects.filter(circle=circle, user=cast.mo).exists()
    outsider = api.as_(cast.mo).post(url, {"username": "otto"})
    assert outsider.status == 422 and outsider.field == "user"
    nobody = api.as_(cast.mo).post(url, {"username": "zed"})
    assert nobody.status == 404 and nobody.field == "username"
    assert api.post(url, {"username": "nina"}).status == 401


def test_threads_are_posted_into_a_circle_by_its_slug(api: ApiClient, cast: Cast) -> None:
    circle_create(
        community=cast.gardeners, actor=cast.stella, name="Inner", slug="inner",
        tier=CircleTier.PRIVATE,
    )  # fmt: skip
    payload = {"kind": "discussion", "title": "Rota", "body": "Fridays?", "circle": "inner"}
    made = api.as_(cast.stella).post("/api/v1/communities/gardeners/threads", payload)
    assert made.status == 201
    assert made.body["circle"] == {
        "slug": "inner", "name": "Inner", "tier": "private", "chatham_house": False,
    }  # fmt: skip
    # A circle you are not in does not exist for you, so you cannot post in it.
    assert api.as_(cast.mo).post("/api/v1/communities/gardeners/threads", payload).status == 404
    thread_id = made.body["id"]
    assert api.as_(cast.mo).get(f"/api/v1/threads/{thread_id}").status == 404
    listed = api.as_(cast.mo).get("/api/v1/communities/gardeners/threads").body["items"]
    assert all(t["title"] != "Rota" for t in listed)


def test_the_api_names_nobody_outside_a_chatham_house_circle(api: ApiClient, cast: Cast) -> None:
    circle = circle_create(
        community=cast.gardeners, actor=cast.stella, name="Open mic", slug="mic",
        tier=CircleTier.OPEN, chatham_house=True,
    )  # fmt: skip
    thread = thread_create(
        community=cast.gardeners, author=cast.mo, kind="story", title="My worst harvest",
        what_happened="Blight.", circle=circle,
    )  # fmt: skip
    reply_create(thread=thread, author=cast.nina, body="Mine too.")
    outside = api.get(f"/api/v1/threads/{thread.pk}").body
    assert outside["author"] is None and outside["attributed_to"] == "a member of Open mic"
    assert outside["replies"][0]["author"] is None
    listed = api.get("/api/v1/communities/gardeners/threads").body["items"][0]
    assert listed["author"] is None and listed["attributed_to"] == "a member of Open mic"
    circle_join(circle=circle, user=cast.stella)
    inside = api.as_(cast.stella).get(f"/api/v1/threads/{thread.pk}").body
    assert inside["author"]["username"] == "mo" and inside["attributed_to"] == "Mo"
    assert inside["replies"][0]["author"]["username"] == "nina"


def test_the_agreement_is_read_by_anyone_and_accepted_by_version(
    api: ApiClient, cast: Cast
) -> None:
    url = "/api/v1/communities/quiet-room/agreement"
    assert api.get(url).status == 404
    agreement_publish(community=cast.quiet, actor=cast.stella, body="What is said here stays.")
    read = api.as_(cast.otto).get(url)
    assert read.status == 200 and read.body["version"] == 1 and read.body["accepted"] is False
    assert read.body["body_html"].strip() == "<p>What is said here stays.</p>"
    agreement_publish(community=cast.quiet, actor=cast.stella, body="Stays here. Be kind.")
    stale = api.as_(cast.mo).post(url, {"version": 1})
    assert stale.status == 409 and "version 2" in stale.detail
    accepted = api.as_(cast.mo).post(url, {"version": 2})
    assert accepted.status == 200 and accepted.body["accepted"] is True
    assert api.post(url, {"version": 2}).status == 401


def test_accepting_by_api_first_lets_a_person_join_by_api(api: ApiClient, cast: Cast) -> None:
    agreement_publish(community=cast.gardeners, actor=cast.stella, body="Share seeds.")
    join = "/api/v1/communities/gardeners/join"
    refused = api.as_(cast.otto).post(join)
    assert refused.status == 422 and refused.field == "accept_agreement"
    api.as_(cast.otto).post("/api/v1/communities/gardeners/agreement", {"version": 1})
    assert api.as_(cast.otto).post(join).status == 200
