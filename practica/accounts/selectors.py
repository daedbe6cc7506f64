"""Reads about people and their tokens."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from practica.accounts.models import AccessToken, User
from practica.core.errors import Conflict, NotFound


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def user_for_token(*, token: str) -> User | None:
    """The active person a bearer token belongs to, or None."""
    found = (
        AccessToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def user_get(*, username: str) -> User:
    """An active person by username, or NotFound."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no user {username!r}", field="username")
    return user


def token_list(*, user: User) -> QuerySet[AccessToken]:
    """A person's tokens, newest first, revoked ones included."""
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_get_active(*, prefix: str) -> AccessToken:
    """The active token shown as ``prefix`` by ``token list`` (or given whole).

    NotFound when none matches; Conflict when two tokens share the prefix,
    which is rare but possible, and then only the whole token can tell them apart.
    """
    active = AccessToken.objects.select_related("user").filter(revoked_at__isnull=True)
    whole = active.filter(digest=token_digest(prefix)).first()
    if whole is not None:
        return whole
    matches = list(active.filter(prefix=prefix)[:2])
    if not matches:
        raise NotFound(f"no active token with prefix {prefix!r}", field="prefix")
    if len(matches) > 1:
        raise Conflict(
            f"several active tokens have prefix {prefix!r}; give the whole token", field="prefix"
        )
    return matches[0]
