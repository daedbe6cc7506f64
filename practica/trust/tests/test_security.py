"""Security headers, the API's rate limit, login throttling, suspensions on every channel,
signing out everywhere."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from practica.accounts.models import AccessToken
from practica.accounts.services import token_create, user_create
from practica.core.security import CONTENT_SECURITY_POLICY, RELAXED_POLICY, policy_for
from practica.trust import throttle
from practica.trust.models import SignIn
from practica.trust.services import suspension_create, suspension_lift

LOGIN = "/accounts/login/"


@pytest.fixture
def frozen_clock(monkeypatch):
    """Fixed-window counters: keep every request of a test inside one window."""
    monkeypatch.setattr(throttle.time, "time", lambda: 1_800_000_010.0)


# Headers ---------------------------------------------------------------------------------


def test_every_page_carries_a_strict_content_security_policy(client, people):
    response = client.get(reverse("communities:detail", args=["growers"]))
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["Permissions-Policy"].startswith("camera=()")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_api_answers_and_static_files_carry_the_headers_too(client, people):
    assert "default-src 'self'" in client.get("/api/v1/communities")["Content-Security-Policy"]
    static = client.get("/static/js/practica.js")
    assert static.status_code == 200 and static["X-Content-Type-Options"] == "nosniff"


def test_the_compass_page_with_its_charts_keeps_the_strict_policy(people):
    request = RequestFactory().get("/")
    request.resolver_match = resolve(reverse("compass:page", args=["growers"]))
    assert policy_for(request) == CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" in RELAXED_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    request.resolver_match = resolve(reverse("communities:detail", args=["growers"]))
    assert policy_for(request) == CONTENT_SECURITY_POLICY


def test_the_api_docs_load_their_scripts_from_this_site(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page
    assert client.get("/static/ninja/swagger-ui-init.js").status_code == 200


# The API's rate limit ------------------------------------------------------------------------


def test_a_token_past_its_rate_gets_429_with_retry_after(client, people, settings, frozen_clock):
    settings.PRACTICA_API_RATE_PER_MINUTE = 3
    _, secret = token_create(user=people.member)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for _ in range(3):
        assert client.get("/api/v1/me", **auth).status_code == 200
    refused = client.get("/api/v1/me", **auth)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert refused.json() == {
        "detail": "too many requests: at most 3 a minute for one token; try again in 50 seconds",
        "field": None,
    }
    # Another token, and anonymous reads, count on their own.
    _, other = token_create(user=people.member)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    assert client.get("/api/v1/communities").status_code == 200


def test_the_rate_window_starts_again_each_minute(people, settings, monkeypatch):
    settings.PRACTICA_API_RATE_PER_MINUTE = 1
    _, secret = token_create(user=people.member)
    auth = {"Authorization": f"Bearer {secret}"}
    client = Client()
    monkeypatch.setattr(throttle.time, "time", lambda: 1_800_000_001.0)
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    assert client.get("/api/v1/me", headers=auth).status_code == 429
    monkeypatch.setattr(throttle.time, "time", lambda: 1_800_000_061.0)
    assert client.get("/api/v1/me", headers=auth).status_code == 200


# Suspensions on the API ------------------------------------------------------------------


def test_a_person_suspended_from_a_community_cannot_use_the_api_there(client, people):
    _, secret = token_create(user=people.member)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    from practica.trust.tests.conftest import question

    thread = question(people.community, people.steward)
    room = question(people.private, people.steward, title="Room agenda")
    suspension_create(
        actor=people.steward, person=people.member, community=people.community, note="cool off"
    )
    for path in (
        "/api/v1/communities/growers/threads",
        f"/api/v1/threads/{thread.pk}",
    ):
        refused = client.get(path, **auth)
        assert refused.status_code == 403, path
        assert refused.json()["detail"] == (
            "you are suspended from Urban Growers until it is lifted (cool off)"
        )
    posted = client.post(
        f"/api/v1/threads/{thread.pk}/replies",
        data={"body": "Still here"},
        content_type="application/json",
        **auth,
    )
    assert posted.status_code == 403
    # Elsewhere, and without the token, nothing changes.
    assert client.get(f"/api/v1/threads/{room.pk}", **auth).status_code == 200
    assert client.get("/api/v1/me", **auth).status_code == 200
    assert client.get(f"/api/v1/threads/{thread.pk}").status_code == 200


def test_lifting_a_suspension_lets_the_token_back_in_at_once(client, people):
    _, secret = token_create(user=people.member)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    suspension = suspension_create(
        actor=people.steward, person=people.member, community=people.community, note="x"
    )
    assert client.get("/api/v1/communities/growers/threads", **auth).status_code == 403
    suspension_lift(actor=people.steward, suspension=suspension)
    assert client.get("/api/v1/communities/growers/threads", **auth).status_code == 200


@pytest.fixture
def admin_user(db):
    return user_create(username="root", password="pw-root-1234")


def make_admin(user):
    user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def test_a_site_wide_suspension_ends_sessions_refuses_logins_and_tokens(
    people, admin_user, django_capture_on_commit_callbacks
):
    admin = make_admin(admin_user)
    browser = Client()
    assert browser.login(username="bob", password="pw-bob-123")
    _, secret = token_create(user=people.member)
    with django_capture_on_commit_callbacks(execute=True):
        suspension_create(actor=admin, person=people.member, community=None, note="abuse", days=7)
    assert browser.get(reverse("accounts:profile_edit")).status_code == 302  # signed out
    refused = Client().post(LOGIN, {"username": "bob", "password": "pw-bob-123"})
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "You are suspended from this site until" in page and "(abuse)" in page
    # A wrong password gets the usual answer: the suspension is told only to its owner.
    wrong = Client().post(LOGIN, {"username": "bob", "password": "guess"})
    assert wrong.status_code == 200 and "suspended" not in wrong.content.decode()
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 403 and "suspended from this site" in api.json()["detail"]


# Logging in --------------------------------------------------------------------------------


def test_five_failed_logins_for_a_username_from_one_address_are_throttled(client, people):
    for _ in range(5):
        response = client.post(LOGIN, {"username": "bob", "password": "not-it"})
        assert response.status_code == 200
    refused = client.post(LOGIN, {"username": "bob", "password": "pw-bob-123"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "Too many failed attempts to log in as “bob” from your address" in (
        refused.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # Another address, or another username, is not held back.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    assert client.post(LOGIN, {"username": "carol", "password": "pw-carol-123"}).status_code == 302


def test_a_successful_login_clears_the_failures(client, people):
    for _ in range(4):
        client.post(LOGIN, {"username": "bob", "password": "not-it"})
    assert client.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(LOGIN, {"username": "bob", "password": "not-it"})
    assert client.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302


# Sessions --------------------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_and_can_revoke_tokens(people):
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        assert browser.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    assert SignIn.objects.filter(user=people.member).count() == 2
    page = laptop.get(reverse("trust:sessions")).content.decode()
    assert "This one" in page and page.count("<tr>") == 3  # a header and two sessions
    token, _ = token_create(user=people.member)
    response = laptop.post(reverse("trust:sessions"), {"revoke_tokens": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert phone.get(reverse("accounts:profile_edit")).status_code == 302
    assert laptop.get(reverse("accounts:profile_edit")).status_code == 302
    assert not SignIn.objects.filter(user=people.member).exists()
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None


def test_sign_out_everywhere_also_ends_sessions_it_never_recorded(people):
    from practica.trust.services import sessions_end

    old = Client()
    old.force_login(people.member)
    SignIn.objects.all().delete()  # as if opened before sign-ins were recorded
    bystander = Client()
    bystander.force_login(people.steward)
    assert sessions_end(user=people.member) == 1
    assert old.get(reverse("accounts:profile_edit")).status_code == 302
    assert bystander.get(reverse("accounts:profile_edit")).status_code == 200
    assert Session.objects.count() == 1


def test_the_sessions_page_needs_a_login(client):
    response = client.get(reverse("trust:sessions"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_list_of_sessions_forgets_sessions_that_ended(people):
    first, second = Client(), Client()
    assert first.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    first.post(reverse("accounts:logout"))
    assert not SignIn.objects.exists()
    assert second.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    other = Client()
    assert other.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    Session.objects.filter(session_key=second.session.session_key).delete()  # expired, say
    third = Client()
    assert third.post(LOGIN, {"username": "bob", "password": "pw-bob-123"}).status_code == 302
    keys = set(SignIn.objects.values_list("session_key", flat=True))
    assert keys == {other.session.session_key, third.session.session_key}
