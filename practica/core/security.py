"""Security headers on every response, and the guards that run before a view.

One middleware, placed right after Django's ``SecurityMiddleware``:

- before the view: the API's per-token rate limit and suspensions, and the
  login throttle (``practica.trust.throttle``);
- after it: a Content-Security-Policy, a Permissions-Policy, and the usual
  headers Django already sets (kept if present, added if not).

The policy allows scripts and styles from this site only: our pages load
vendored libraries (htmx, vega, sigma) as files and put no code or style in
the HTML. Pages listed in ``RELAXED_VIEWS`` would get ``'unsafe-eval'`` and
inline styles; none needs them now: the Vega charts (compass, learning) run
their expressions through the vendored vega-interpreter and keep vega-embed's
styles in their own stylesheets. Add a view there only if a library leaves no
other way, and say so in docs/trust.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from practica.core.web import sentence
from practica.trust.backends import REFUSAL_ATTRIBUTE
from practica.trust.throttle import api_refusal, login_refusal

_BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_RELAXED = {
    **_BASE,
    "script-src": "'self' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
}


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = _policy(_BASE)
RELAXED_POLICY = _policy(_RELAXED)
#: Views (``namespace:name``) that need the relaxed policy: see the module's docstring.
RELAXED_VIEWS: frozenset[str] = frozenset()
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def policy_for(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in RELAXED_VIEWS:
        return RELAXED_POLICY
    return CONTENT_SECURITY_POLICY


class SecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._guard(request)
        if response is None:
            response = self.get_response(request)
            refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
            if refusal:  # a suspended person gave the right password
                context = {"message": sentence(refusal)}
                response = render(request, "trust/login_refused.html", context, status=403)
        self._headers(request, response)
        return response

    def _guard(self, request: HttpRequest) -> HttpResponse | None:
        if request.path_info.startswith("/api/"):
            return api_refusal(request)
        return login_refusal(request)

    def _headers(self, request: HttpRequest, response: HttpResponse) -> None:
        response.setdefault("Content-Security-Policy", policy_for(request))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
