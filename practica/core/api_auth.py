"""Bearer-token authentication for the API (personal access tokens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from practica.accounts.selectors import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token=token)
        if user is None:
            return None
        request.user = user
        return user


class OptionalBearerToken(BearerToken):
    """Reads allowed to anonymous visitors: a missing header is not an error.

    A header that is present but wrong still fails, so a typo in a token is
    never silently treated as browsing anonymously.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return AnonymousMarker
        return super().__call__(request)


class _Anonymous:
    def __bool__(self) -> bool:  # Ninja only checks that the result is not None
        return True


AnonymousMarker = _Anonymous()
