"""Communities over HTTP: listing, creating, reading, joining and members."""

from __future__ import annotations

from practica.accounts.services import user_create
from practica.communities.models import Membership, MembershipStatus, Role
from practica.communities.services import community_create, community_join
from practica.exchange.services import thread_create
from practica.testing.api import ApiClient, Cast

pytest_plugins = ["practica.testing.api_fixtures"]

COMMUNITIES = "/api/v1/communities"
NEW = {
    "name": "Beekeepers",
    "slug": "beekeepers",
    "domain": "Urban beekeeping",
    "purpose": "Keep bees healthy in town.",
    "aspiration": "collaborative_learning",
    "visibility": "public",
}


def test_anyone_lists_community_cards_including_members_only_ones(
    api: ApiClient, cast: Cast
) -> None:
    response = api.get(COMMUNITIES)
    assert response.status == 200
    assert response.body["count"] == 2
    cards = {card["slug"]: card for card in response.body["items"]}
    assert cards["quiet-room"]["visibility"] == "members"
    assert cards["quiet-room"]["purpose"] == "A closed circle."
    assert cards["gardeners"]["member_count"] == 3


def test_member_creates_a_community_and_becomes_its_steward(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, NEW)
    assert response.status == 201
    assert isinstance(response.body["id"], int)
    assert response.body["aspiration"] == "collaborative_learning"
    assert response.body["member_count"] == 1
    membership = Membership.objects.get(community_id=response.body["id"], user=cast.nina)
    assert membership.role == Role.STEWARD


def test_creating_a_community_needs_a_token(api: ApiClient, cast: Cast) -> None:
    assert api.post(COMMUNITIES, NEW).status == 401


def test_taken_slug_is_a_conflict_naming_the_slug(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, {**NEW, "slug": "gardeners"})
    assert response.status == 409
    assert response.field == "slug"


def test_badly_formed_slug_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, {**NEW, "slug": "Bee Keepers!"})
    assert response.status == 422
    assert response.field == "slug"


def test_unknown_aspiration_is_refused_with_the_choices(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, {**NEW, "aspiration": "world_domination"})
    assert response.status == 422
    assert response.field == "aspiration"
    assert "knowledge_weaving" in response.detail


def test_unknown_visibility_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, {**NEW, "visibility": "secret"})
    assert response.status == 422
    assert response.field == "visibility"


def test_too_long_name_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, {**NEW, "name": "B" * 201})
    assert response.status == 422
    assert response.field == "name"


def test_blank_name_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(COMMUNITIES, {**NEW, "name": "   "})
    assert response.status == 422
    assert response.field == "name"


def test_anyone_reads_a_community_card(api: ApiClient, cast: Cast) -> None:
    response = api.get(f"{COMMUNITIES}/quiet-room")
    assert response.status == 200
    assert response.body["name"] == "Quiet Room"
    assert response.body["member_count"] == 2


def test_unknown_community_is_a_404(api: ApiClient, cast: Cast) -> None:
    response = api.get(f"{COMMUNITIES}/no-such-place")
    assert response.status == 404
    assert response.field == "slug"


def test_joining_a_public_community_is_immediate(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.otto).post(f"{COMMUNITIES}/gardeners/join")
    assert response.status == 200
    body = response.body
    assert (body["username"], body["status"], body["role"]) == ("otto", "active", "member")
    assert body["community"] == "gardeners"


def test_joining_twice_is_harmless(api: ApiClient, cast: Cast) -> None:
    first = api.as_(cast.otto).post(f"{COMMUNITIES}/gardeners/join")
    second = api.as_(cast.otto).post(f"{COMMUNITIES}/gardeners/join")
    assert first.body["id"] == second.body["id"]


def test_asking_to_join_a_members_only_community_waits_for_a_steward(
    api: ApiClient, cast: Cast
) -> None:
    thread_create(
        community=cast.quiet, author=cast.stella, kind="discussion", title="Hard week", body="…"
    )
    response = api.as_(cast.otto).post(f"{COMMUNITIES}/quiet-room/join")
    assert response.status == 200
    assert response.body["status"] == MembershipStatus.PENDING
    # Asking is not belonging: the content stays hidden until approval.
    assert api.as_(cast.otto).get(f"{COMMUNITIES}/quiet-room/threads").status == 404


def test_joining_needs_a_token(api: ApiClient, cast: Cast) -> None:
    assert api.post(f"{COMMUNITIES}/gardeners/join").status == 401


def test_joining_an_unknown_community_is_a_404(api: ApiClient, cast: Cast) -> None:
    assert api.as_(cast.otto).post(f"{COMMUNITIES}/nowhere/join").status == 404


def test_anyone_lists_the_members_of_a_public_community_stewards_first(
    api: ApiClient, cast: Cast
) -> None:
    response = api.get(f"{COMMUNITIES}/gardeners/members")
    assert response.status == 200
    assert response.body["count"] == 3
    first = response.body["items"][0]
    assert (first["username"], first["role"]) == ("stella", "steward")
    assert {m["username"] for m in response.body["items"]} == {"stella", "mo", "nina"}


def test_members_of_a_members_only_community_are_hidden_from_outsiders(
    api: ApiClient, cast: Cast
) -> None:
    assert api.get(f"{COMMUNITIES}/quiet-room/members").status == 404
    assert api.as_(cast.otto).get(f"{COMMUNITIES}/quiet-room/members").status == 404
    response = api.as_(cast.mo).get(f"{COMMUNITIES}/quiet-room/members")
    assert response.status == 200
    assert response.body["count"] == 2


def test_pending_members_are_not_listed(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.nina)  # pending
    response = api.as_(cast.mo).get(f"{COMMUNITIES}/quiet-room/members")
    assert "nina" not in {m["username"] for m in response.body["items"]}


def test_member_count_leaves_out_people_waiting_for_a_steward(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)  # pending
    cards = {card["slug"]: card for card in api.get(COMMUNITIES).body["items"]}
    assert cards["quiet-room"]["member_count"] == 2
    assert api.get(f"{COMMUNITIES}/quiet-room").body["member_count"] == 2


def test_community_list_pages_with_limit_and_offset(api: ApiClient, cast: Cast) -> None:
    for n in range(5):
        community_create(creator=cast.stella, name=f"Circle {n}", slug=f"circle-{n}")
    first = api.get(COMMUNITIES, limit=3)
    second = api.get(COMMUNITIES, limit=3, offset=3)
    assert first.body["count"] == second.body["count"] == 7
    assert len(first.body["items"]) == 3
    assert len(second.body["items"]) == 3
    names = [c["name"] for c in first.body["items"] + second.body["items"]]
    assert names == ["Circle 0", "Circle 1", "Circle 2", "Circle 3", "Circle 4", "Gardeners"]


def test_member_list_pages(api: ApiClient, cast: Cast) -> None:
    for n in range(4):
        community_join(community=cast.gardeners, user=user_create(username=f"grower{n}"))
    response = api.get(f"{COMMUNITIES}/gardeners/members", limit=2, offset=6)
    assert response.body["count"] == 7
    assert len(response.body["items"]) == 1


def test_page_past_the_end_is_empty_not_an_error(api: ApiClient, cast: Cast) -> None:
    response = api.get(COMMUNITIES, offset=500)
    assert response.status == 200
    assert response.body["items"] == []
    assert response.body["count"] == 2


def test_page_size_above_the_maximum_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(COMMUNITIES, limit=101)
    assert response.status == 422
    assert response.field == "limit"


def test_huge_offset_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(COMMUNITIES, offset=10**20)
    assert response.status == 422
    assert response.field == "offset"


def test_non_numeric_limit_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(COMMUNITIES, limit="ten")
    assert response.status == 422
    assert response.field == "limit"
