"""One error shape for the whole API: ``{"detail": message, "field": name-or-null}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from practica.core.errors import PracticaError


def _field_from_loc(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "payload", "form"}]
    # Ninja nests the body under the parameter name; the last part is the field.
    return parts[-1] if parts else None


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(PracticaError)
    def practica_error(request: HttpRequest, exc: PracticaError) -> HttpResponse:
        return api.create_response(
            request, {"detail": exc.message, "field": exc.field}, status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_from_loc(first.get("loc", ()))
        message = first.get("msg", "invalid input")
        detail = f"{field}: {message}" if field else message
        return api.create_response(
            request, {"detail": detail, "field": field, "errors": exc.errors}, status=422
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = "; ".join(str(m) for e in errors for m in e.messages)
        else:
            field, message = None, "; ".join(exc.messages)
        return api.create_response(request, {"detail": message, "field": field}, status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "not found", "field": None}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "a valid bearer token is required", "field": "Authorization"},
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc), "field": None}, status=exc.status_code
        )
