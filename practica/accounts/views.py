"""Pages about people: sign-up, profiles, personal access tokens.

Logging in and out and resetting a password use Django's own views with our
templates (see urls.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from practica.accounts.forms import ProfileForm, SignupForm, TokenForm
from practica.accounts.models import User
from practica.accounts.pages import profile_page, token_of, tokens_of
from practica.accounts.services import profile_update, token_create, token_revoke, user_create
from practica.core.errors import PracticaError
from practica.core.web import domain_errors, form_error, safe_next


def _me(request: HttpRequest) -> User:
    # login_required guarantees a real person; this narrows the type for mypy.
    assert isinstance(request.user, User)
    return request.user


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except (PracticaError, ValidationError) as exc:
            form_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Practica, {user.name}.")
            return redirect(safe_next(request, reverse("home")))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/signup.html", context, status=_status(form))


def _status(form: ProfileForm | SignupForm | TokenForm) -> int:
    return 422 if form.is_bound and form.errors else 200


@domain_errors
def profile(request: HttpRequest, username: str) -> HttpResponse:
    page = profile_page(username=username, viewer=request.user)
    return render(request, "accounts/profile.html", {"page": page, "person": page.person})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = ProfileForm.for_person(me, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=me, **form.cleaned_data)
        except (PracticaError, ValidationError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("people:profile", username=me.username)
    return render(request, "accounts/profile_edit.html", {"form": form}, status=_status(form))


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _, secret = token_create(user=me, name=form.cleaned_data["name"])
        form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens_of(user=me), "secret": secret},
        status=_status(form),
    )
    # The secret is shown once: never let a browser or proxy keep the page.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
@domain_errors
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_of(user=_me(request), token_id=token_id)
    token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” is revoked; it no longer works.")
    return redirect("accounts:tokens")
