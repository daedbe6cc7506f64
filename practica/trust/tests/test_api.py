"""Trust and safety over HTTP, every answer checked against the published OpenAPI document."""

from __future__ import annotations

from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create
from practica.testing.api import ApiClient, Cast
from practica.trust.models import AuditEntry, Flag

pytest_plugins = ["practica.testing.api_fixtures"]


def garden_thread(cast: Cast) -> Thread:
    return thread_create(
        community=cast.gardeners, author=cast.mo, kind="question", title="Beans?", body="When?"
    )


def advert(cast: Cast, thread: Thread) -> Reply:
    return reply_create(thread=thread, author=cast.nina, body="Buy my seed bombs")


def test_a_member_flags_a_reply_and_a_thread(api: ApiClient, cast: Cast) -> None:
    thread = garden_thread(cast)
    reply = advert(cast, thread)
    answer = api.as_(cast.mo).post(f"/api/v1/replies/{reply.pk}/flags", {"reason": "spam"})
    assert answer.status == 201
    assert answer.body["reply_id"] == reply.pk and answer.body["status"] == "open"
    answer = api.as_(cast.nina).post(
        f"/api/v1/threads/{thread.pk}/flags", {"reason": "other", "note": "duplicate of #3"}
    )
    assert answer.status == 201 and answer.body["reply_id"] is None
    assert Flag.objects.count() == 2


def test_flags_are_refused_clearly(api: ApiClient, cast: Cast) -> None:
    thread = garden_thread(cast)
    reply = advert(cast, thread)
    path = f"/api/v1/replies/{reply.pk}/flags"
    assert api.post(path, {"reason": "spam"}).status == 401
    nina = api.as_(cast.nina).post(path, {"reason": "spam"})
    assert nina.status == 403 and "own words" in nina.detail
    otto = api.as_(cast.otto).post(path, {"reason": "spam"})
    assert otto.status == 403 and otto.detail == "join Gardeners to flag posts"
    other = api.as_(cast.mo).post(path, {"reason": "other"})
    assert other.status == 422 and other.field == "note"
    bad = api.as_(cast.mo).post(path, {"reason": "rude"})
    assert bad.status == 422 and bad.field == "reason"
    assert api.as_(cast.mo).post(path, {"reason": "spam"}).status == 201
    assert api.as_(cast.mo).post(path, {"reason": "spam"}).status == 409


def test_a_steward_hides_and_restores_and_others_stop_seeing_it(api: ApiClient, cast: Cast) -> None:
    thread = garden_thread(cast)
    reply = advert(cast, thread)
    assert api.as_(cast.mo).post(f"/api/v1/replies/{reply.pk}/hide", {}).status == 403
    hidden = api.as_(cast.stella).post(f"/api/v1/replies/{reply.pk}/hide", {"note": "advert"})
    assert hidden.status == 200 and hidden.body["hidden_at"] is not None
    assert api.as_(cast.mo).get(f"/api/v1/threads/{thread.pk}").body["replies"] == []
    assert [
        r["id"] for r in api.as_(cast.nina).get(f"/api/v1/threads/{thread.pk}").body["replies"]
    ] == [reply.pk]
    restored = api.as_(cast.stella).post(f"/api/v1/replies/{reply.pk}/restore", {})
    assert restored.status == 200 and restored.body["hidden_at"] is None
    again = api.as_(cast.stella).post(f"/api/v1/replies/{reply.pk}/restore", {})
    assert again.status == 409
    assert api.as_(cast.stella).post(f"/api/v1/threads/{thread.pk}/hide", {}).status == 200
    assert api.as_(cast.nina).get(f"/api/v1/threads/{thread.pk}").status == 404
    assert api.get(f"/api/v1/threads/{thread.pk}").status == 404
    assert [e.action for e in AuditEntry.objects.exclude(action="approve").order_by("id")] == [
        "hide",
        "restore",
        "hide",
    ]


def test_a_member_reads_their_standing(api: ApiClient, cast: Cast) -> None:
    answer = api.as_(cast.nina).get("/api/v1/communities/gardeners/standing")
    assert answer.status == 200
    body = answer.body
    assert body["level"] == "newcomer" and body["next_level"] == "member"
    assert {m["figure"] for m in body["missing"]} == {
        "days_in_community",
        "days_active",
        "replies_given",
    }
    # Gardeners is a small community: members may already do what regulars do.
    allowed = {c["name"]: c["allowed"] for c in body["capabilities"]}
    assert allowed == {
        "post_links": True,
        "post_freely": True,
        "edit_tags": True,
        "distil": True,
        "hide_spam": False,
    }
    assert api.as_(cast.otto).get("/api/v1/communities/gardeners/standing").status == 403
    assert api.as_(cast.nina).get("/api/v1/communities/quiet-room/standing").status == 404
