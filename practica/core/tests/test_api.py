"""The API as a whole, over HTTP: its published contract, authentication and error shape."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from django.test import Client

from practica.accounts.models import AccessToken
from practica.accounts.services import token_create, token_revoke
from practica.testing.api import ApiClient, Cast
from practica.trust.services import suspension_create

pytest_plugins = ["practica.testing.api_fixtures"]

THREADS = "/api/v1/communities/gardeners/threads"
QUESTION = {"kind": "question", "title": "When to sow beans?", "body": "Our plot is shaded."}


def test_openapi_document_is_served_and_documents_every_route(api: ApiClient) -> None:
    paths = api.contract.document["paths"]
    for path in (
        "/api/v1/communities",
        "/api/v1/communities/{slug}",
        "/api/v1/communities/{slug}/join",
        "/api/v1/communities/{slug}/members",
        "/api/v1/communities/{slug}/threads",
        "/api/v1/communities/{slug}/search",
        "/api/v1/threads/{id}",
        "/api/v1/threads/{id}/replies",
        "/api/v1/threads/{id}/acknowledge",
        "/api/v1/replies/{id}/accept",
        "/api/v1/replies/{id}/acknowledge",
        "/api/v1/me",
    ):
        assert path in paths, path


def test_docs_page_is_served(api: ApiClient) -> None:
    with urllib.request.urlopen(api.base_url + "/api/docs", timeout=30) as answer:
        assert answer.status == 200
        assert "openapi.json" in answer.read().decode()


def test_openapi_shows_the_bearer_scheme_and_which_reads_allow_anonymous(api: ApiClient) -> None:
    document = api.contract.document
    scheme = document["components"]["securitySchemes"]["BearerToken"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    read = document["paths"]["/api/v1/communities/{slug}/threads"]["get"]
    write = document["paths"]["/api/v1/communities/{slug}/threads"]["post"]
    assert read["security"] == [{"BearerToken": []}, {}]
    assert write["security"] == [{"BearerToken": []}]


def test_anonymous_visitor_reads_public_threads(api: ApiClient, cast: Cast) -> None:
    response = api.get(THREADS)
    assert response.status == 200
    assert response.body["count"] == 0


def test_anonymous_visitor_cannot_write(api: ApiClient, cast: Cast) -> None:
    response = api.post(THREADS, QUESTION)
    assert response.status == 401
    assert response.field == "Authorization"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_wrong_token_is_refused_even_for_a_public_read(api: ApiClient, cast: Cast) -> None:
    response = api.with_token("prc_not-a-real-token").get(THREADS)
    assert response.status == 401
    assert "unknown" in response.detail


def test_authorization_header_of_another_scheme_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.call("GET", THREADS, headers={"Authorization": "Basic bW86c2VjcmV0"})
    assert response.status == 401
    assert "Bearer" in response.detail


def test_empty_bearer_token_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.call("GET", THREADS, headers={"Authorization": "Bearer "})
    assert response.status == 401


def test_revoked_token_is_refused(api: ApiClient, cast: Cast) -> None:
    token, secret = token_create(user=cast.mo, name="old laptop")
    assert api.with_token(secret).get("/api/v1/me").status == 200
    token_revoke(token=token)
    response = api.with_token(secret).get("/api/v1/me")
    assert response.status == 401


def test_token_of_a_deactivated_person_is_refused(api: ApiClient, cast: Cast) -> None:
    _, secret = token_create(user=cast.mo)
    cast.mo.is_active = False
    cast.mo.save(update_fields=["is_active"])
    assert api.with_token(secret).post(THREADS, QUESTION).status == 401


def test_using_a_token_records_when_it_was_last_used(api: ApiClient, cast: Cast) -> None:
    token, secret = token_create(user=cast.mo)
    api.with_token(secret).get(THREADS)
    token = AccessToken.objects.get(pk=token.pk)
    assert token.last_used_at is not None


def test_token_acts_as_its_owner(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(THREADS, QUESTION)
    assert response.status == 201
    assert response.body["author"]["username"] == "mo"


def test_browser_session_does_not_count_as_a_token(api: ApiClient, cast: Cast) -> None:
    # A logged-in browser tab must not be able to write through the API
    # (it would need CSRF protection); only bearer tokens authenticate.
    session_client = Client()
    session_client.force_login(cast.mo)
    cookie = session_client.cookies["sessionid"].value
    response = api.call(
        "POST", THREADS, json_body=QUESTION, headers={"Cookie": f"sessionid={cookie}"}
    )
    assert response.status == 401


def test_malformed_json_is_a_400_naming_the_body(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).call("POST", THREADS, raw_body=b'{"kind": "question",')
    assert response.status == 400
    assert response.field == "body"
    assert "JSON" in response.detail


def test_json_that_is_not_an_object_is_a_422(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).call("POST", THREADS, json_body=["question"])
    assert response.status == 422


def test_missing_field_is_named(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(THREADS, {"kind": "question", "body": "no title"})
    assert response.status == 422
    assert response.field == "title"
    assert response.detail == "title: is required"


def test_wrong_type_is_named(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(THREADS, {**QUESTION, "tags": "beans"})
    assert response.status == 422
    assert response.field == "tags"


def test_text_with_nul_characters_is_refused_not_a_crash(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(THREADS, {**QUESTION, "body": "beans\x00"})
    assert response.status == 422
    assert response.field == "body"


def test_text_with_a_lone_surrogate_is_refused_not_a_crash(api: ApiClient, cast: Cast) -> None:
    raw = json.dumps({**QUESTION, "title": "beans"}).replace("beans", "\\ud800beans")
    response = api.as_(cast.mo).call("POST", THREADS, raw_body=raw.encode())
    assert response.status == 422
    assert response.field == "title"


def test_error_bodies_carry_detail_and_field_only(api: ApiClient, cast: Cast) -> None:
    response = api.get("/api/v1/threads/0")
    assert response.status == 422
    assert set(response.body) == {"detail", "field"}
    assert response.field == "id"


def test_every_operation_documents_the_refusals_any_token_can_meet(api: ApiClient) -> None:
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in api.contract.document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("403", "429"):
                assert status in responses, f"{method.upper()} {path} lacks {status}"
                assert responses[status]["content"]["application/json"]["schema"] == error
            assert "Retry-After" in responses["429"]["headers"], f"{method.upper()} {path}"


def test_a_read_past_the_rate_limit_answers_as_documented(
    api: ApiClient, cast: Cast, settings: Any
) -> None:
    settings.PRACTICA_API_RATE_PER_MINUTE = 1
    reader = api.as_(cast.mo)
    assert reader.get(THREADS).status == 200
    refused = reader.get(THREADS)  # checked against the published contract
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) >= 1


def test_a_suspended_person_reading_gets_the_documented_403(api: ApiClient, cast: Cast) -> None:
    suspension_create(actor=cast.stella, person=cast.mo, community=cast.gardeners, note="pause")
    refused = api.as_(cast.mo).get(THREADS)  # checked against the published contract
    assert refused.status == 403
    assert "suspended" in refused.detail
