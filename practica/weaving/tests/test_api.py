"""The weaving API over HTTP, checked against its OpenAPI schema."""

from __future__ import annotations

from practica.exchange.services import reply_create, thread_create
from practica.ledger.models import LedgerEvent, Verb
from practica.testing.api import ApiClient
from practica.weaving.models import Notification
from practica.weaving.tests.conftest import make_brewers

pytest_plugins = ["practica.testing.api_fixtures"]


def test_related_lists_prior_threads_with_why_and_source_ids(
    api: ApiClient, transactional_db: None
) -> None:
    b = make_brewers()
    response = api.as_(b.hana).get("/api/v1/communities/brewers/related", q="citra hops", k=3)
    assert response.status == 200
    first = response.body["results"][0]
    assert first["id"] == b.hops.pk
    assert first["url"] == f"/c/brewers/t/{b.hops.pk}/"
    assert "citra" in first["why"]
    assert first["source_id"] == ""
    assert first["is_resolved"] is True
    assert len(response.body["results"]) <= 3


def test_members_only_community_threads_never_reach_an_outsider(
    api: ApiClient, transactional_db: None
) -> None:
    b = make_brewers()
    for client in (api, api.as_(b.olga)):
        response = client.get("/api/v1/communities/cellar/related", q="citra hops supplier")
        assert response.status == 404
        response = client.get("/api/v1/communities/cellar/experts", q="citra hops supplier")
        assert response.status == 404
    inside = api.as_(b.hana).get("/api/v1/communities/cellar/related", q="citra hops supplier")
    assert [r["id"] for r in inside.body["results"]] == [b.secret.pk]


def test_experts_explain_from_the_record_and_leave_out_the_asker(
    api: ApiClient, transactional_db: None
) -> None:
    b = make_brewers()
    response = api.as_(b.quinn).get("/api/v1/communities/brewers/experts", q="citra hops")
    assert response.status == 200
    people = [r["username"] for r in response.body["results"]]
    assert people[0] == "hana" and "quinn" not in people
    top = response.body["results"][0]
    assert top["accepted"] == 1 and top["acknowledged"] == 1 and top["stories"] == 1
    assert top["url"] == "/c/brewers/people/hana/"


def test_bad_queries_are_422_naming_the_parameter(api: ApiClient, transactional_db: None) -> None:
    make_brewers()
    response = api.get("/api/v1/communities/brewers/related", q="hops", k=0)
    assert response.status == 422
    assert response.field == "k"
    response = api.get("/api/v1/communities/brewers/experts", q="   ")
    assert response.status == 422
    assert response.field == "q"


def test_invitation_to_answer_notifies_the_invited_person(
    api: ApiClient, transactional_db: None
) -> None:
    b = make_brewers()
    path = f"/api/v1/threads/{b.yeast.pk}/invitations"
    response = api.as_(b.hana).post(path, {"username": "yuri"})
    assert response.status == 201
    assert response.body["kind"] == "invitation"
    assert api.as_(b.hana).post(path, {"username": "yuri"}).status == 409
    assert api.as_(b.hana).post(path, {"username": "nobody"}).status == 404
    mine = api.as_(b.yuri).get("/api/v1/notifications", unread=True)
    # Other features notify too (the circle invitation in the fixture, for one).
    invitations = [n["id"] for n in mine.body if n["kind"] == "invitation"]
    assert invitations == [response.body["id"]]
    read = api.as_(b.yuri).post(f"/api/v1/notifications/{response.body['id']}/read")
    assert read.status == 200 and read.body["read_at"] is not None
    assert api.as_(b.hana).post(f"/api/v1/notifications/{response.body['id']}/read").status == 404


def test_introduction_over_the_api_lands_in_the_ledger(
    api: ApiClient, transactional_db: None
) -> None:
    b = make_brewers()
    body = {"person_a": "hana", "person_b": "yuri", "note": "Both into sours."}
    assert api.post("/api/v1/communities/brewers/introductions", body).status == 401
    response = api.as_(b.quinn).post("/api/v1/communities/brewers/introductions", body)
    assert response.status == 201
    assert response.body["introducer"] == "quinn"
    assert LedgerEvent.objects.filter(verb=Verb.INTRODUCED).count() == 2
    assert Notification.objects.filter(kind="introduction").count() == 2
    wrong = api.as_(b.quinn).post(
        "/api/v1/communities/brewers/introductions", {**body, "person_b": "olga"}
    )
    assert wrong.status == 422 and wrong.field == "person_b"


def test_a_thread_being_read_is_left_out_of_its_own_suggestions(
    api: ApiClient, transactional_db: None
) -> None:
    b = make_brewers()
    thread = thread_create(
        community=b.community, author=b.yuri, kind="question", title="Citra hops again",
        body="Citra hops: dry hop or whirlpool?",
    )  # fmt: skip
    reply_create(thread=thread, author=b.hana, body="Dry hop.")
    response = api.get(
        "/api/v1/communities/brewers/related", q="citra hops dry hop", thread=thread.pk
    )
    assert thread.pk not in [r["id"] for r in response.body["results"]]
    experts = api.get("/api/v1/communities/brewers/experts", q="citra hops", thread=thread.pk)
    assert "yuri" not in [r["username"] for r in experts.body["results"]]
