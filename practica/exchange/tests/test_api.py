"""Knowledge exchange over HTTP: threads, replies, acceptance, acknowledgements, privacy."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from practica.accounts.services import user_create
from practica.communities.services import community_join
from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create
from practica.testing.api import ApiClient, Cast, make_cast

pytest_plugins = ["practica.testing.api_fixtures"]

GARDEN_THREADS = "/api/v1/communities/gardeners/threads"
QUIET_THREADS = "/api/v1/communities/quiet-room/threads"


def ask(cast: Cast, *, by: Any = None, kind: str = "question", **fields: Any) -> Thread:
    values = {"title": "When to sow beans?", "body": "Our plot is shaded.", **fields}
    return thread_create(community=cast.gardeners, author=by or cast.mo, kind=kind, **values)


def secret_thread(cast: Cast) -> Thread:
    return thread_create(
        community=cast.quiet,
        author=cast.stella,
        kind="discussion",
        title="Budget worries",
        body="Between us: the grant ends in May.",
    )


# Starting threads


def test_member_starts_a_question_with_tags(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(
        GARDEN_THREADS,
        {
            "kind": "question",
            "title": "Beans?",
            "body": "When *exactly*?",
            "tags": ["Beans", "sowing time"],
        },
    )
    assert response.status == 201
    body = response.body
    assert Thread.objects.filter(pk=body["id"], author=cast.mo).exists()
    assert body["tags"] == ["beans", "sowing-time"]
    assert body["body_html"] == "<p>When <em>exactly</em>?</p>\n"
    assert body["replies"] == []
    assert body["is_resolved"] is False


def test_story_can_be_told_in_parts_without_a_body(api: ApiClient, cast: Cast) -> None:
    parts = {
        "context": "A dry summer.",
        "what_happened": "The beans wilted.",
        "learned": "Mulch early.",
        "differently": "Water at dawn.",
    }
    response = api.as_(cast.nina).post(
        GARDEN_THREADS, {"kind": "story", "title": "Our dry summer", **parts}
    )
    assert response.status == 201
    assert {k: response.body[k] for k in parts} == parts
    assert response.body["body"] == ""


def test_story_with_neither_body_nor_parts_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(GARDEN_THREADS, {"kind": "story", "title": "Nothing"})
    assert response.status == 422
    assert response.field == "body"


def test_only_a_story_has_parts(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).post(
        GARDEN_THREADS, {"kind": "question", "title": "Q", "body": "B", "learned": "L"}
    )
    assert response.status == 422
    assert response.field == "learned"


def test_unknown_kind_is_refused_with_the_choices(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(GARDEN_THREADS, {"kind": "poem", "title": "T", "body": "B"})
    assert response.status == 422
    assert response.field == "kind"
    assert "'story'" in response.detail


def test_too_long_title_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(
        GARDEN_THREADS, {"kind": "question", "title": "T" * 301, "body": "B"}
    )
    assert response.status == 422
    assert response.field == "title"


def test_too_many_tags_are_refused(api: ApiClient, cast: Cast) -> None:
    tags = [f"tag{n}" for n in range(9)]
    response = api.as_(cast.mo).post(
        GARDEN_THREADS, {"kind": "question", "title": "T", "body": "B", "tags": tags}
    )
    assert response.status == 422
    assert response.field == "tags"


def test_badly_formed_tag_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post(
        GARDEN_THREADS, {"kind": "question", "title": "T", "body": "B", "tags": ["<b>"]}
    )
    assert response.status == 422
    assert response.field == "tags"


def test_outsider_of_a_public_community_must_join_before_starting_a_thread(
    api: ApiClient, cast: Cast
) -> None:
    response = api.as_(cast.otto).post(
        GARDEN_THREADS, {"kind": "question", "title": "T", "body": "B"}
    )
    assert response.status == 403
    assert "join" in response.detail.lower()


def test_outsider_cannot_even_find_a_members_only_community_to_post_in(
    api: ApiClient, cast: Cast
) -> None:
    response = api.as_(cast.otto).post(
        QUIET_THREADS, {"kind": "question", "title": "T", "body": "B"}
    )
    assert response.status == 404


# Reading threads


def test_thread_list_is_filtered_by_kind_and_tag(api: ApiClient, cast: Cast) -> None:
    ask(cast, tags=["beans"])
    ask(cast, title="Slugs", tags=["pests"])
    ask(cast, kind="offer", title="Spare seeds", tags=["beans"])
    assert api.get(GARDEN_THREADS).body["count"] == 3
    questions = api.get(GARDEN_THREADS, kind="question").body
    assert {t["title"] for t in questions["items"]} == {"When to sow beans?", "Slugs"}
    beans = api.get(GARDEN_THREADS, tag="beans").body
    assert {t["title"] for t in beans["items"]} == {"When to sow beans?", "Spare seeds"}
    both = api.get(GARDEN_THREADS, kind="offer", tag="beans").body
    assert [t["title"] for t in both["items"]] == ["Spare seeds"]


def test_thread_list_summaries_count_replies_and_show_resolution(
    api: ApiClient, cast: Cast
) -> None:
    thread = ask(cast)
    reply_create(thread=thread, author=cast.nina, body="In May.")
    summary = api.get(GARDEN_THREADS).body["items"][0]
    assert summary["id"] == thread.pk
    assert summary["reply_count"] == 1
    assert summary["is_resolved"] is False
    assert summary["excerpt"] == "Our plot is shaded."
    assert summary["author"] == {"username": "mo", "name": "Mo"}


def test_thread_list_filter_with_unknown_kind_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.get(GARDEN_THREADS, kind="poem")
    assert response.status == 422
    assert response.field == "kind"


def test_thread_list_pages(api: ApiClient, cast: Cast) -> None:
    for n in range(5):
        ask(cast, title=f"Question {n}")
    page = api.get(GARDEN_THREADS, limit=2, offset=4).body
    assert page["count"] == 5
    assert [t["title"] for t in page["items"]] == ["Question 0"]  # oldest activity last


def test_thread_is_read_with_its_replies_and_comments(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="Sow in **May**.")
    comment = reply_create(thread=thread, author=cast.mo, body="Even in shade?", parent=answer)
    response = api.get(f"/api/v1/threads/{thread.pk}")
    assert response.status == 200
    replies = response.body["replies"]
    assert [r["id"] for r in replies] == [answer.pk, comment.pk]
    assert replies[0]["kind"] == "answer"
    assert replies[0]["body_html"] == "<p>Sow in <strong>May</strong>.</p>\n"
    assert replies[0]["author"]["username"] == "nina"
    assert (replies[1]["kind"], replies[1]["parent_id"]) == ("comment", answer.pk)
    assert replies[0]["provenance"] is None


def test_imported_replies_carry_their_source_and_licence(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    reply = reply_create(thread=thread, author=cast.nina, body="Imported wisdom.")
    Reply.objects.filter(pk=reply.pk).update(
        source="gardening.stackexchange.com", source_id="4242", licence="CC BY-SA 4.0"
    )
    provenance = api.get(f"/api/v1/threads/{thread.pk}").body["replies"][0]["provenance"]
    assert provenance == {
        "source": "gardening.stackexchange.com",
        "source_id": "4242",
        "licence": "CC BY-SA 4.0",
    }


def test_replies_of_a_deleted_account_keep_their_words(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    leaver = user_create(username="leaver")
    community_join(community=cast.gardeners, user=leaver)
    reply_create(thread=thread, author=leaver, body="Still useful.")
    leaver.delete()
    reply = api.get(f"/api/v1/threads/{thread.pk}").body["replies"][0]
    assert (reply["author"], reply["body"]) == (None, "Still useful.")


def test_missing_thread_is_a_404(api: ApiClient, cast: Cast) -> None:
    response = api.get("/api/v1/threads/987654")
    assert response.status == 404
    assert response.field == "id"


@pytest.mark.parametrize("bad_id", ["0", "-3", "abc", "1e3", str(2**64)])
def test_impossible_thread_ids_are_refused(api: ApiClient, cast: Cast, bad_id: str) -> None:
    response = api.get(f"/api/v1/threads/{bad_id}")
    assert response.status == 422
    assert response.field == "id"


# Privacy: a members-only community's threads do not leak


def test_members_only_thread_is_hidden_from_anonymous_visitors(api: ApiClient, cast: Cast) -> None:
    thread = secret_thread(cast)
    assert api.get(f"/api/v1/threads/{thread.pk}").status == 404
    assert api.get(QUIET_THREADS).status == 404


def test_members_only_thread_is_hidden_from_outsiders(api: ApiClient, cast: Cast) -> None:
    thread = secret_thread(cast)
    as_otto = api.as_(cast.otto)
    missing = as_otto.get("/api/v1/threads/987654")
    hidden = as_otto.get(f"/api/v1/threads/{thread.pk}")
    assert hidden.status == missing.status == 404
    assert "grant" not in hidden.text
    assert as_otto.get(QUIET_THREADS).status == 404
    assert as_otto.post(f"/api/v1/threads/{thread.pk}/replies", {"body": "hi"}).status == 404


def test_members_only_thread_is_read_by_members(api: ApiClient, cast: Cast) -> None:
    thread = secret_thread(cast)
    response = api.as_(cast.mo).get(f"/api/v1/threads/{thread.pk}")
    assert response.status == 200
    assert "grant" in response.body["body"]
    assert api.as_(cast.mo).get(QUIET_THREADS).body["count"] == 1


def test_replies_in_a_members_only_community_cannot_be_acted_on_by_outsiders(
    api: ApiClient, cast: Cast
) -> None:
    thread = secret_thread(cast)
    reply = reply_create(thread=thread, author=cast.mo, body="Let us plan.")
    as_otto = api.as_(cast.otto)
    assert as_otto.post(f"/api/v1/replies/{reply.pk}/acknowledge").status == 404
    assert as_otto.post(f"/api/v1/replies/{reply.pk}/accept").status == 404
    assert as_otto.post(f"/api/v1/threads/{thread.pk}/acknowledge").status == 404


# Replying


def test_member_answers_a_thread(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    response = api.as_(cast.nina).post(f"/api/v1/threads/{thread.pk}/replies", {"body": "In May."})
    assert response.status == 201
    assert Reply.objects.filter(pk=response.body["id"], thread=thread).exists()
    assert response.body["kind"] == "answer"
    assert response.body["parent_id"] is None
    assert response.body["is_accepted"] is False


def test_member_comments_on_a_reply(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    response = api.as_(cast.mo).post(
        f"/api/v1/threads/{thread.pk}/replies", {"body": "Thanks!", "parent": answer.pk}
    )
    assert response.status == 201
    assert (response.body["kind"], response.body["parent_id"]) == ("comment", answer.pk)


def test_parent_from_another_thread_is_refused(api: ApiClient, cast: Cast) -> None:
    elsewhere = reply_create(thread=ask(cast, title="Other"), author=cast.nina, body="x")
    thread = ask(cast)
    response = api.as_(cast.mo).post(
        f"/api/v1/threads/{thread.pk}/replies", {"body": "y", "parent": elsewhere.pk}
    )
    assert response.status == 422
    assert response.field == "parent"


def test_missing_parent_is_a_404_naming_the_parent(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    response = api.as_(cast.mo).post(
        f"/api/v1/threads/{thread.pk}/replies", {"body": "y", "parent": 987654}
    )
    assert response.status == 404
    assert response.field == "parent"


def test_empty_reply_is_refused(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    response = api.as_(cast.mo).post(f"/api/v1/threads/{thread.pk}/replies", {"body": "  "})
    assert response.status == 422
    assert response.field == "body"


def test_replying_needs_a_token(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    assert api.post(f"/api/v1/threads/{thread.pk}/replies", {"body": "x"}).status == 401


def test_replying_to_a_missing_thread_is_a_404(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).post("/api/v1/threads/987654/replies", {"body": "x"})
    assert response.status == 404


# Acceptance


def test_asker_accepts_the_reply_that_resolved_the_question(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    response = api.as_(cast.mo).post(f"/api/v1/replies/{answer.pk}/accept")
    assert response.status == 200
    assert response.body["is_resolved"] is True
    assert response.body["accepted_reply_id"] == answer.pk
    assert response.body["replies"][0]["is_accepted"] is True


def test_only_the_asker_can_accept(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    response = api.as_(cast.stella).post(f"/api/v1/replies/{answer.pk}/accept")
    assert response.status == 403
    assert Thread.objects.get(pk=thread.pk).accepted_reply_id is None


def test_a_comment_cannot_be_accepted(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    comment = reply_create(thread=thread, author=cast.stella, body="Agreed.", parent=answer)
    response = api.as_(cast.mo).post(f"/api/v1/replies/{comment.pk}/accept")
    assert response.status == 422


def test_a_discussion_has_nothing_to_accept(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast, kind="discussion")
    reply = reply_create(thread=thread, author=cast.nina, body="Thoughts.")
    assert api.as_(cast.mo).post(f"/api/v1/replies/{reply.pk}/accept").status == 422


def test_accepting_a_missing_reply_is_a_404(api: ApiClient, cast: Cast) -> None:
    assert api.as_(cast.mo).post("/api/v1/replies/987654/accept").status == 404


# Acknowledgements


def test_member_says_a_reply_helped_them(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    response = api.as_(cast.mo).post(f"/api/v1/replies/{answer.pk}/acknowledge")
    assert response.status == 201
    assert (response.body["thread_id"], response.body["reply_id"]) == (thread.pk, answer.pk)
    replies = api.get(f"/api/v1/threads/{thread.pk}").body["replies"]
    assert replies[0]["acknowledgement_count"] == 1


def test_acknowledging_your_own_reply_is_refused(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    response = api.as_(cast.nina).post(f"/api/v1/replies/{answer.pk}/acknowledge")
    assert response.status == 403


def test_acknowledging_twice_is_a_conflict(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    answer = reply_create(thread=thread, author=cast.nina, body="In May.")
    api.as_(cast.mo).post(f"/api/v1/replies/{answer.pk}/acknowledge")
    assert api.as_(cast.mo).post(f"/api/v1/replies/{answer.pk}/acknowledge").status == 409


def test_member_says_a_story_helped_them(api: ApiClient, cast: Cast) -> None:
    story = ask(cast, by=cast.nina, kind="story", title="Dry summer", body="", learned="Mulch.")
    response = api.as_(cast.mo).post(f"/api/v1/threads/{story.pk}/acknowledge")
    assert response.status == 201
    assert (response.body["thread_id"], response.body["reply_id"]) == (story.pk, None)


def test_acknowledging_your_own_story_is_refused(api: ApiClient, cast: Cast) -> None:
    story = ask(cast, by=cast.nina, kind="story", title="Dry summer", body="Mulch.")
    assert api.as_(cast.nina).post(f"/api/v1/threads/{story.pk}/acknowledge").status == 403


def test_only_stories_are_acknowledged_as_a_whole(api: ApiClient, cast: Cast) -> None:
    thread = ask(cast)
    response = api.as_(cast.nina).post(f"/api/v1/threads/{thread.pk}/acknowledge")
    assert response.status == 422
    assert response.field == "thread"


def test_acknowledging_needs_a_token(api: ApiClient, cast: Cast) -> None:
    story = ask(cast, by=cast.nina, kind="story", title="Dry summer", body="Mulch.")
    assert api.post(f"/api/v1/threads/{story.pk}/acknowledge").status == 401


# Query counts: reading a thread costs the same with 2 replies or 20


def _queries_to_read(thread: Thread) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/threads/{thread.pk}")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_reading_a_thread_does_not_query_once_per_reply() -> None:
    cast = make_cast()
    thread = ask(cast)
    for _ in range(2):
        reply_create(thread=thread, author=cast.nina, body="In May.")
    few = _queries_to_read(thread)
    for n in range(18):
        author = cast.stella if n % 2 else cast.nina
        reply_create(thread=thread, author=author, body=f"Also {n}.")
    assert _queries_to_read(thread) == few


def _queries_to_list(path: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_listing_threads_does_not_query_once_per_thread() -> None:
    cast = make_cast()
    for n in range(2):
        ask(cast, title=f"Question {n}", tags=["beans"])
    few = _queries_to_list(GARDEN_THREADS)
    for n in range(10):
        ask(cast, by=cast.nina, title=f"More {n}", tags=["beans", f"t{n}"])
    assert _queries_to_list(GARDEN_THREADS) == few
