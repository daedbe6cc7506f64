"""Search over HTTP: ranked hits with snippets and thread ids, filters, paging, privacy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from practica.exchange.models import Thread
from practica.exchange.services import reply_create, thread_create
from practica.testing.api import ApiClient, Cast

pytest_plugins = ["practica.testing.api_fixtures"]

GARDEN_SEARCH = "/api/v1/communities/gardeners/search"
QUIET_SEARCH = "/api/v1/communities/quiet-room/search"


def write(cast: Cast, title: str, body: str, **fields: Any) -> Thread:
    fields.setdefault("author", cast.mo)
    fields.setdefault("kind", "question")
    fields.setdefault("community", cast.gardeners)
    return thread_create(title=title, body=body, **fields)


def test_search_ranks_threads_and_gives_their_ids_and_snippets(api: ApiClient, cast: Cast) -> None:
    best = write(cast, "Compost tea for tomatoes", "Brew compost tea for a week.")
    other = write(cast, "Watering schedule", "Some say compost helps keep water in.")
    write(cast, "Slug traps", "Beer in a jar.")
    response = api.get(GARDEN_SEARCH, q="compost")
    assert response.status == 200
    assert response.body["count"] == 2
    hits = response.body["items"]
    assert [hit["id"] for hit in hits] == [best.pk, other.pk]
    assert hits[0]["score"] >= hits[1]["score"]
    assert "<mark>" in hits[0]["snippet_html"]
    assert hits[0]["author"] == "mo"
    assert hits[0]["matched_in"] == "thread"
    # The id leads to the thread itself.
    assert api.get(f"/api/v1/threads/{hits[0]['id']}").body["title"] == best.title


def test_a_match_in_a_reply_names_the_reply(api: ApiClient, cast: Cast) -> None:
    thread = write(cast, "Beans failing", "Nothing comes up.")
    reply = reply_create(thread=thread, author=cast.nina, body="Inoculate with rhizobia.")
    hit = api.get(GARDEN_SEARCH, q="rhizobia").body["items"][0]
    assert (hit["id"], hit["matched_in"], hit["reply_id"]) == (thread.pk, "reply", reply.pk)


def test_search_filters_by_kind_tag_and_author(api: ApiClient, cast: Cast) -> None:
    write(cast, "Mulch question", "Which mulch?", tags=["mulch"])
    write(cast, "Mulch offer", "Free mulch.", kind="offer", author=cast.nina)

    def titles(**filters: str) -> list[str]:
        found = api.get(GARDEN_SEARCH, q="mulch", **filters).body["items"]
        return [hit["title"] for hit in found]

    assert titles(kind="offer") == ["Mulch offer"]
    assert titles(tag="mulch") == ["Mulch question"]
    assert titles(author="nina") == ["Mulch offer"]


def test_search_filters_by_days(api: ApiClient, cast: Cast) -> None:
    old = write(cast, "Frost dates of old", "Frost came early.")
    Thread.objects.filter(pk=old.pk).update(created_at=datetime(2020, 3, 1, 12, tzinfo=UTC))
    write(cast, "Frost this spring", "Frost again.")
    since = api.get(GARDEN_SEARCH, q="frost", since="2021-01-01").body["items"]
    until = api.get(GARDEN_SEARCH, q="frost", until="2020-03-01").body["items"]
    assert [h["title"] for h in since] == ["Frost this spring"]
    assert [h["id"] for h in until] == [old.pk]


def test_search_pages(api: ApiClient, cast: Cast) -> None:
    for n in range(5):
        write(cast, f"Seed swap {n}", "Seeds to swap.")
    first = api.get(GARDEN_SEARCH, q="seeds", limit=2).body
    last = api.get(GARDEN_SEARCH, q="seeds", limit=2, offset=4).body
    assert (first["count"], len(first["items"])) == (5, 2)
    assert len(last["items"]) == 1
    assert {h["id"] for h in first["items"]}.isdisjoint(h["id"] for h in last["items"])


def test_search_without_words_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(GARDEN_SEARCH)
    assert response.status == 422
    assert response.field == "q"


def test_search_with_only_punctuation_finds_nothing_rather_than_failing(
    api: ApiClient, cast: Cast
) -> None:
    write(cast, "Anything", "At all.")
    response = api.get(GARDEN_SEARCH, q='"*():^-')
    assert response.status == 200
    assert response.body["count"] == 0


def test_search_with_a_bad_day_names_the_field(api: ApiClient, cast: Cast) -> None:
    response = api.get(GARDEN_SEARCH, q="frost", since="last tuesday")
    assert response.status == 422
    assert response.field == "since"


def test_search_with_the_start_after_the_end_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(GARDEN_SEARCH, q="frost", since="2024-05-01", until="2024-04-01")
    assert response.status == 422
    assert response.field == "since"


def test_search_page_too_deep_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(GARDEN_SEARCH, q="frost", offset=10**9)
    assert response.status == 422
    assert response.field == "offset"


def test_search_of_a_members_only_community_is_hidden_from_outsiders(
    api: ApiClient, cast: Cast
) -> None:
    write(cast, "Grant budget", "The grant ends in May.", community=cast.quiet, author=cast.stella)
    assert api.get(QUIET_SEARCH, q="grant").status == 404
    hidden = api.as_(cast.otto).get(QUIET_SEARCH, q="grant")
    assert hidden.status == 404
    assert "May" not in hidden.text


def test_search_of_a_members_only_community_works_for_members(api: ApiClient, cast: Cast) -> None:
    thread = write(
        cast, "Grant budget", "The grant ends in May.", community=cast.quiet, author=cast.stella
    )
    response = api.as_(cast.mo).get(QUIET_SEARCH, q="grant")
    assert [h["id"] for h in response.body["items"]] == [thread.pk]


def test_search_of_one_community_never_shows_another_communitys_threads(
    api: ApiClient, cast: Cast
) -> None:
    write(cast, "Grant budget", "The grant ends in May.", community=cast.quiet, author=cast.stella)
    response = api.as_(cast.mo).get(GARDEN_SEARCH, q="grant")
    assert response.body["count"] == 0


def test_search_of_an_unknown_community_is_a_404(api: ApiClient, cast: Cast) -> None:
    assert api.get("/api/v1/communities/nowhere/search", q="x").status == 404
