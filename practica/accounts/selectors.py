"""Reads about people and their tokens."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from practica.accounts.models import AccessToken, User


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
