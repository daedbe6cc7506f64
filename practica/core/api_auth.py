"""Who is calling the API: personal access tokens, and anonymous readers.

The one place that decides authentication for every endpoint:

- writes use the API's default, ``BearerToken()``: no valid token, no write (401);
- reads of content that may be public use ``auth=PUBLIC_READ``: a request
  without an ``Authorization`` header reads as an anonymous visitor, while a
  header that is present but wrong is refused (401), so a mistyped or revoked
  token never silently downgrades to anonymous browsing.

Endpoints ask ``caller(request)`` who is calling. Browser session cookies are
deliberately ignored: the API speaks only to tokens, so it needs no CSRF
protection and a logged-in browser tab cannot be made to act through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security import HttpBearer
from pydantic import create_model

from practica.accounts.models import User
from practica.accounts.selectors import user_for_token
from practica.core.api_schemas import ErrorOut

SCHEME_NAME = "BearerToken"


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``, where the token is a personal access token."""

    openapi_bearerFormat = "personal access token (prc_…)"  # OpenAPI's spelling

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header)
        if not value:
            return None  # nobody claimed to be anyone: let the next scheme decide
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(message="use 'Authorization: Bearer <token>'")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token=token)
        if user is None:
            raise AuthenticationError(message="the token is unknown, revoked or expired")
        return user


class AnonymousAllowed:
    """The last resort of a read: no header at all means an anonymous visitor.

    A plain callable rather than an ``AuthBase``, so that it adds no security
    scheme of its own; the OpenAPI document marks the bearer token as optional
    on these operations instead (see ``practica.api``).
    """

    def __call__(self, request: HttpRequest) -> AnonymousUser:
        return AnonymousUser()  # truthy, so Ninja lets the request through


#: ``auth=`` for endpoints that anonymous visitors may call.
PUBLIC_READ: list[Any] = [BearerToken(), AnonymousAllowed()]


def caller(request: HttpRequest) -> User | AnonymousUser:
    """The person behind a request that passed authentication."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else AnonymousUser()


def signed_in(request: HttpRequest) -> User:
    """The person behind a request to an endpoint that requires a token."""
    auth = getattr(request, "auth", None)
    if not isinstance(auth, User):  # only reachable if an endpoint is misconfigured
        raise AuthenticationError()
    return auth


def allows_anonymous(auth_callbacks: Sequence[Any]) -> bool:
    return any(isinstance(cb, AnonymousAllowed) for cb in auth_callbacks)


#: What ``practica.trust.throttle`` may answer to any request that carries a token, before
#: the operation runs; so every operation documents both.
TOKEN_REFUSALS = {
    403: "Refused: the token's owner is suspended here (site-wide, or in this community).",
    429: "Too many requests for this token this minute; `Retry-After` says when to try again.",
}


class _Schema(OpenAPISchema):
    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        result = super().responses(operation)
        if not any(isinstance(cb, BearerToken) for cb in operation.auth_callbacks):
            return result
        # Ninja's way of naming a response model, so that the answer is a $ref to ErrorOut.
        wrapped: Any = create_model("ErrorResponse", response=(ErrorOut, ...))
        error = self._create_schema_from_model(wrapped, mode="serialization")[0]
        for status, description in TOKEN_REFUSALS.items():
            result.setdefault(
                status,
                {"description": description, "content": {"application/json": {"schema": error}}},
            )
        result[429]["headers"] = {
            "Retry-After": {
                "description": "Seconds until the token may call again.",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
        return dict(sorted(result.items()))

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if security and allows_anonymous(operation.auth_callbacks):
            # OpenAPI's way of saying "or no credentials at all".
            security = [*security, {}]
        return security


class PracticaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document shows which operations anonymous visitors may call."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Schema(api=self, path_prefix=path_prefix)
