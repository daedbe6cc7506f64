"""One error shape for the whole API: ``{"detail": message, "field": name-or-null}``.

Bad input of any kind is answered with a 4xx in this shape: domain errors
from services, schema validation (wrong types, unknown choices, too-long text),
unparseable JSON, unknown ids and URLs. ``field`` names the input the message
is about, as the client sent it (``title``, ``limit``, ``Authorization``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from practica.core.errors import PracticaError

_SOURCES = {"body", "query", "path", "form", "header", "cookie"}


def field_from_loc(loc: Any) -> str | None:
    """The client-facing name in a validation error's location.

    Ninja reports ``("body", "<parameter>", "title")`` for a JSON body and
    ``("query", "limit")`` for a query parameter; the parameter name is ours,
    not the client's, so it is dropped.
    """
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # the body's parameter name means nothing to clients
    elif parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts) or ("body" if loc and loc[0] == "body" else None)


def _message(error: dict[str, Any], field: str | None) -> str:
    message = str(error.get("msg", "invalid input"))
    if error.get("type") == "missing":
        message = "is required"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _body(detail: str, field: str | None) -> dict[str, Any]:
    return {"detail": detail, "field": field}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(PracticaError)
    def practica_error(request: HttpRequest, exc: PracticaError) -> HttpResponse:
        return api.create_response(request, _body(exc.message, exc.field), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = field_from_loc(first.get("loc", ()))
        return api.create_response(request, _body(_message(first, field), field), status=422)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = "; ".join(str(m) for e in errors for m in e.messages)
            detail = f"{field}: {message}"
        else:
            field, detail = None, "; ".join(exc.messages)
        return api.create_response(request, _body(detail, field), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _body("not found", None), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = "a valid bearer token is required"
        if exc.message and exc.message != "Unauthorized":
            detail = f"{detail}: {exc.message}"
        response = api.create_response(request, _body(detail, "Authorization"), status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if "parse request body" in str(exc):  # Ninja's words for JSON it cannot read
            return api.create_response(
                request, _body("the request body is not valid JSON", "body"), status=400
            )
        return api.create_response(request, _body(str(exc), None), status=exc.status_code)
