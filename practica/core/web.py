"""Small helpers shared by the server-rendered views.

Views stay thin: they parse a form, call one service or selector, and render.
What they have in common (turning domain errors into 404s and form errors,
telling htmx requests apart, paginating) lives here once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from practica.core.errors import NotAllowed, NotFound, PracticaError

View = TypeVar("View", bound=Callable[..., HttpResponse])


def domain_errors(view: View) -> View:
    """Missing or hidden objects become a 404 page, forbidden actions a 403 page.

    Errors a person can fix (invalid input, conflicts) are handled by each view
    on its form; one that still reaches here (a hand-made request, a button
    pressed twice) gets a page that says what went wrong, never a 500.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except PracticaError as exc:
            context = {"message": sentence(exc.message)}
            return render(request, "core/problem.html", context, status=exc.status)

    return cast(View, wrapper)


def login_required_htmx(view: View) -> View:
    """Like ``login_required``, but an htmx request is sent to the login page as a whole.

    Following the redirect inside htmx would paste the login page into a button.
    """
    guarded = login_required(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and is_htmx(request):
            back = request.headers.get("HX-Current-URL", "")
            path = urlsplit(back).path if back else ""
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(path or "/").url
            return response
        return guarded(request, *args, **kwargs)

    return cast(View, wrapper)


def form_error(form: forms.Form, exc: PracticaError | DjangoValidationError) -> None:
    """Show a service's error on the field it names, or above the form."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, sentence(exc.message))


def sentence(message: str) -> str:
    """Services speak in lower-case fragments; pages show sentences."""
    text = message.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def is_htmx(request: HttpRequest) -> bool:
    # htmx marks its requests; history restores want the whole page.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int | None = None) -> Page:
    size = per_page or settings.PRACTICA_PAGE_SIZE
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links."""
    pairs = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    return urlencode(pairs)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a form: ``next`` when it stays on this site, else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
