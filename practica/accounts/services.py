"""Writes about people: sign-up, profiles, tokens."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from practica.accounts.models import AccessToken, User
from practica.accounts.selectors import token_digest
from practica.core.errors import Conflict

if TYPE_CHECKING:
    from practica.accounts.erasure import Erasure

TOKEN_PREFIX = "prc_"

PROFILE_FIELDS = (
    "display_name",
    "bio",
    "interests",
    "offers",
    "learning",
    "sector",
    "discipline",
    "region",
    "role_in_practice",
    "location",
    "website",
)


def user_create(
    *, username: str, email: str = "", password: str | None = None, **profile: str
) -> User:
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    if User.objects.filter(username__iexact=username).exists():
        # "Ada" and "ada" would be two people that others cannot tell apart.
        raise Conflict(f"the username {username!r} is taken", field="username")
    user = User(username=username, email=email, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def profile_update(*, user: User, **fields: str) -> User:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    return user


@transaction.atomic
def token_create(*, user: User, name: str = "personal") -> tuple[AccessToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name or "personal", prefix=secret[:10], digest=token_digest(secret)
    )
    return token, secret


def token_revoke(*, token: AccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# Data rights: a person downloads everything held about them, or deletes their account.
# The work is in person_data.py and erasure.py; see docs/privacy.md.


def person_export(*, user: User) -> dict[str, Any]:
    """Everything Practica holds about this person, as JSON-ready values."""
    from practica.accounts.person_data import person_data

    return person_data(user, exported_at=timezone.now())


def person_delete(*, user: User, remove_contributions: bool = False) -> Erasure:
    """Delete the account; what they wrote stays under "former member #n" unless removed."""
    from practica.accounts.erasure import erase

    return erase(user=user, remove_contributions=remove_contributions)
