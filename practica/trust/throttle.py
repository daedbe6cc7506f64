"""Rate limits kept in Django's cache: the API per token, and failed logins per username and
address. ``practica.core.security.SecurityMiddleware`` calls ``api_refusal`` and
``login_refusal`` before a request reaches its view.

The cache is Redis when ``REDIS_URL`` is set (shared by every worker), local
memory otherwise (each worker counts for itself, so a deployment with N
workers and no Redis allows up to N times the limit; docs/trust.md says so).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from practica.accounts.selectors import token_digest

API_PER_MINUTE = 120
LOGIN_FAILURES = 5
LOGIN_WINDOW_SECONDS = 15 * 60
SUSPENDED_CACHE_KEY = "trust:suspended-people"
_SUSPENDED_SECONDS = 30


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def window_hit(key: str, *, limit: int, period: int, now: float | None = None) -> tuple[bool, int]:
    """Count a hit in the current fixed window of ``period`` seconds.

    Returns (allowed, seconds until the window ends). ``add`` then ``incr`` is
    atomic on Redis and within one process on local memory.
    """
    now = time.time() if now is None else now
    window = int(now // period)
    bucket = f"{key}:{window}"
    cache.add(bucket, 0, timeout=period + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr: this hit starts the window
        cache.set(bucket, 1, timeout=period + 5)
        count = 1
    retry = max(1, int(period - now % period))
    return count <= limit, retry


def _problem(detail: str, status: int, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail, "field": None}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# The API ---------------------------------------------------------------------------------


def bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def api_refusal(request: HttpRequest) -> HttpResponse | None:
    """429 past the per-token rate; 403 for a person suspended where the path points."""
    token = bearer_token(request)
    if token is None:
        return None  # anonymous reads: see docs/trust.md (limit them at the proxy)
    digest = token_digest(token)
    limit = _setting("PRACTICA_API_RATE_PER_MINUTE", API_PER_MINUTE)
    allowed, retry = window_hit(f"trust:api:{digest}", limit=limit, period=60)
    if not allowed:
        return _problem(
            f"too many requests: at most {limit} a minute for one token; "
            f"try again in {retry} seconds",
            429,
            Retry_After=str(retry),
        )
    return _suspension_refusal(request, digest)


def _suspended_people() -> dict[int, list[int | None]]:
    """Who has a suspension that may be active, by person: their communities (None: site)."""
    found = cache.get(SUSPENDED_CACHE_KEY)
    if found is None:
        from practica.trust.models import Suspension

        found = {}
        for person, community in Suspension.objects.active().values_list(
            "person_id", "community_id"
        ):
            found.setdefault(person, []).append(community)
        cache.set(SUSPENDED_CACHE_KEY, found, _SUSPENDED_SECONDS)
    return dict(found)


def _community_of_path(path: str, person: Any) -> int | None:
    for pattern, lookup in _PATHS:
        match = pattern.match(path)
        if match:
            return lookup(match.group(1), person)
    return None


def _by_slug(slug: str, person: Any) -> int | None:
    from practica.communities.models import Community

    return Community.objects.filter(slug=slug).values_list("pk", flat=True).first()


def _by_id(model_path: str, field: str) -> Callable[[str, Any], int | None]:
    """The community of an object named by id, if the person may read the object.

    A thread or reply they may not read answers 404 like a missing one (the endpoint
    says so); refusing it with 403 would tell them that it exists.
    """

    def lookup(pk: str, person: Any) -> int | None:
        from django.apps import apps

        model: Any = apps.get_model(model_path)
        rows = getattr(model.objects, "visible_to", None)
        found = rows(person) if rows is not None else model.objects.all()
        return found.filter(pk=int(pk)).values_list(field, flat=True).first()

    return lookup


_PATHS: list[tuple[re.Pattern[str], Callable[[str, Any], int | None]]] = [
    (re.compile(r"^/api/v1/communities/([-a-z0-9]+)(?:/|$)"), _by_slug),
    (re.compile(r"^/api/v1/threads/(\d+)(?:/|$)"), _by_id("exchange.Thread", "community_id")),
    (
        re.compile(r"^/api/v1/replies/(\d+)(?:/|$)"),
        _by_id("exchange.Reply", "thread__community_id"),
    ),
    (
        re.compile(r"^/api/v1/experiments/(\d+)(?:/|$)"),
        _by_id("learning.Experiment", "community_id"),
    ),
    (re.compile(r"^/api/v1/practices/(\d+)(?:/|$)"), _by_id("learning.Practice", "community_id")),
    (
        re.compile(r"^/api/v1/observations/(\d+)(?:/|$)"),
        _by_id("learning.Observation", "cycle__experiment__community_id"),
    ),
]


def _suspension_refusal(request: HttpRequest, digest: str) -> HttpResponse | None:
    suspended = _suspended_people()
    if not suspended:
        return None  # the usual case: no query at all
    from practica.accounts.models import AccessToken, User
    from practica.communities.models import Community
    from practica.trust.selectors import suspension_message, suspension_of

    person_id = (
        AccessToken.objects.filter(digest=digest, revoked_at__isnull=True)
        .values_list("user_id", flat=True)
        .first()
    )
    if person_id is None or person_id not in suspended:
        return None
    scopes = suspended[person_id]
    person = User.objects.get(pk=person_id)
    community_id = _community_of_path(request.path_info, person) if any(scopes) else None
    if None not in scopes and community_id not in scopes:
        return None
    community = Community.objects.filter(pk=community_id).first() if community_id else None
    suspension = suspension_of(person, community)
    if suspension is None:
        return None
    return _problem(suspension_message(suspension), 403)


# Logging in --------------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _login_key(username: str, address: str) -> str:
    raw = f"{username.strip().lower()}\n{address}".encode()
    return "trust:login:" + hashlib.sha256(raw).hexdigest()


def login_failed(*, username: str, request: HttpRequest | None) -> None:
    """Count a failed login for this username from this address (15-minute window)."""
    if request is None or not username:
        return
    key = _login_key(username, _client_address(request))
    now = time.time()
    count, since = cache.get(key, (0, now))
    cache.set(key, (count + 1, since), timeout=max(1, int(since + LOGIN_WINDOW_SECONDS - now)))


def login_succeeded(*, username: str, request: HttpRequest | None) -> None:
    if request is not None and username:
        cache.delete(_login_key(username, _client_address(request)))


def _login_paths() -> set[str]:
    paths = set()
    for name in ("accounts:login", "admin:login"):
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue
    return paths


def login_refusal(request: HttpRequest) -> HttpResponse | None:
    """429 with a page that says why, after too many failed logins for one username here."""
    if request.method != "POST" or request.path_info not in _login_paths():
        return None
    username = str(request.POST.get("username", ""))
    if not username:
        return None
    count, since = cache.get(_login_key(username, _client_address(request)), (0, 0.0))
    limit = _setting("PRACTICA_LOGIN_FAILURES", LOGIN_FAILURES)
    if count < limit:
        return None
    wait = max(1, int(since + LOGIN_WINDOW_SECONDS - time.time()))
    minutes = max(1, round(wait / 60))
    message = (
        f"Too many failed attempts to log in as “{username}” from your address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}, "
        "or reset your password."
    )
    response = render(request, "trust/login_refused.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response
