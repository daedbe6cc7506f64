"""Your data, at /settings/data/: download everything, or delete your account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from practica.accounts.data_forms import DeleteAccountForm
from practica.accounts.models import User
from practica.accounts.services import person_delete, person_export
from practica.core.errors import PracticaError
from practica.core.web import form_error


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def data_settings(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(user=_me(request))
    return render(request, "accounts/data.html", {"form": form})


@login_required
@require_POST
def data_download(request: HttpRequest) -> HttpResponse:
    # POST, so that no link or image elsewhere can make a browser fetch someone's data.
    me = _me(request)
    body = json.dumps(person_export(user=me), ensure_ascii=False, indent=2, sort_keys=True)
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="practica-{me.username}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = DeleteAccountForm(request.POST, user=me)
    if form.is_valid():
        try:
            erasure = person_delete(
                user=me, remove_contributions=form.cleaned_data["remove_contributions"]
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            logout(request)
            messages.success(
                request,
                f"Your account is deleted. What stays of it is shown as {erasure.former_name}.",
            )
            return redirect("home")
    return render(request, "accounts/data.html", {"form": form}, status=422)
