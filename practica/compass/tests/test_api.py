"""GET /api/v1/communities/{slug}/compass: the same object as the command, shared by the
same rules as the page."""

from __future__ import annotations

import pytest
from django.test import Client

from practica.accounts.services import token_create
from practica.compass.services import compass_settings_update

pytestmark = pytest.mark.django_db

REQUIRED = {
    "community",
    "window",
    "stage",
    "archetypes",
    "people",
    "responsiveness",
    "reply_graph",
    "newcomers",
    "next_steps",
}


def get(user, path: str, method: str = "get", **body):
    headers = {}
    if user is not None:
        _, secret = token_create(user=user, name="compass tests")
        headers["Authorization"] = f"Bearer {secret}"
    client = Client()
    if method == "post":
        return client.post(path, body, content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


def test_a_steward_reads_the_whole_compass_computed_on_first_request(people, story):
    response = get(people.steward, "/api/v1/communities/growers/compass")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= REQUIRED
    assert body["community"] == "growers"
    assert set(body["window"]) >= {"since", "until"}
    assert set(body["stage"]) >= {"name", "evidence"}
    assert body["stage"]["evidence"][0]["says"]
    assert set(body["archetypes"]) == {
        "knowledge_weaver",
        "collaborative_learner",
        "system_of_influence",
    }
    assert set(body["people"]) >= {"contributors", "newcomers", "gini", "top10_share"}
    assert set(body["reply_graph"]) >= {
        "nodes",
        "edges",
        "density",
        "reciprocity",
        "largest_component_share",
        "communities",
        "modularity",
    }
    assert body["person_level"] is True and body["up_to_date"] is True
    assert "map" in body and "names" in body


def test_members_get_403_until_shared_then_the_aggregate_only(people, story):
    url = "/api/v1/communities/growers/compass"
    assert get(people.member, url).status_code == 403
    compass_settings_update(
        community=people.community,
        actor=people.steward,
        members_see_aggregate=True,
        members_see_people=False,
        unanswered_days=7,
    )
    body = get(people.member, url).json()
    assert body["person_level"] is False
    assert not {"map", "roster", "detail", "names"} & set(body)
    assert all("items" not in step for step in body["next_steps"])


def test_outsiders_of_a_members_only_community_get_404(people):
    url = "/api/v1/communities/stewards/compass"
    assert get(people.outsider, url).status_code == 404
    assert get(None, url).status_code == 404
    assert get(people.steward, url).status_code == 200


def test_a_window_that_was_never_computed_is_computed_only_for_stewards(people, story):
    compass_settings_update(
        community=people.community,
        actor=people.steward,
        members_see_aggregate=True,
        members_see_people=False,
        unanswered_days=7,
    )
    url = "/api/v1/communities/growers/compass?since=2020-01-01&until=2021-01-01"
    assert get(people.member, url).status_code == 404
    body = get(people.steward, url).json()
    assert body["window"]["since"].startswith("2020-01-01")
    assert get(people.member, url).status_code == 200


def test_only_stewards_recompute_through_the_api(people, story):
    url = "/api/v1/communities/growers/compass/refresh"
    assert get(people.member, url, method="post", force=True).status_code == 403
    assert get(None, url, method="post").status_code == 401
    response = get(people.steward, url, method="post", force=True)
    assert response.status_code == 200
    assert response.json()["stage"]["name"] in {"network", "community_of_practice"}
    bad = get(people.steward, url, method="post", since="2022-01-01", until="2021-01-01")
    assert bad.status_code == 422
    assert "since" in bad.json()["detail"]
