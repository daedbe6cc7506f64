"""Pages of trust and safety: flagging, the stewards' moderation queue, people's levels,
suspensions, the audit log, a person's own standing, and their sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.accounts.pages import person_get
from practica.communities.pages import Viewer
from practica.core.errors import NotFound, PracticaError
from practica.core.web import domain_errors, form_error, paginate, safe_next, sentence
from practica.exchange.services import thread_edit
from practica.trust.capabilities import refusal
from practica.trust.forms import (
    FlagForm,
    ModerateForm,
    OverrideForm,
    SignOutForm,
    SuspendForm,
    TagsForm,
)
from practica.trust.models import Suspension
from practica.trust.pages import member_viewer, standing_page, steward_viewer, target_get
from practica.trust.selectors import (
    HIDDEN_PAGE,
    audit_list,
    hidden_without_flags,
    levels_by_person,
    levels_of_members,
    moderation_queue,
    sessions_of,
    suspensions_active,
)
from practica.trust.services import (
    content_hide,
    content_restore,
    flag_create,
    flags_dismiss,
    level_override,
    sessions_end,
    suspension_create,
    suspension_lift,
)


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _thread_url(slug: str, thread_id: int, reply_id: int | None = None) -> str:
    url = reverse("exchange:thread", args=[slug, thread_id])
    return f"{url}#reply-{reply_id}" if reply_id else url


# Flagging ------------------------------------------------------------------------------


@login_required
@domain_errors
def flag(request: HttpRequest, slug: str, kind: str, item_id: int) -> HttpResponse:
    viewer = member_viewer(slug=slug, user=request.user, doing="flag posts")
    thread, reply = target_get(
        community=viewer.community, kind=kind, item_id=item_id, user=request.user
    )
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flag_create(reporter=_me(request), thread=thread, reply=reply, **form.cleaned_data)
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Thank you: the stewards will look at it.")
            return redirect(_thread_url(slug, thread.pk, reply.pk if reply else None))
    context = {
        **viewer.context(),
        "active_tab": "threads",
        "form": form,
        "thread": thread,
        "reply": reply,
        "kind": kind,
    }
    return render(request, "trust/flag.html", context, status=422 if form.errors else 200)


# The moderation queue ----------------------------------------------------------------------


def _moderation_context(
    viewer: Viewer, user: User, page: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        **viewer.context(),
        "active_tab": "moderation",
        "queue": moderation_queue(community=viewer.community, steward=user),
        "hidden": Paginator(
            hidden_without_flags(community=viewer.community, steward=user), HIDDEN_PAGE
        ).get_page(page),
        "suspensions": suspensions_active(community=viewer.community),
        "suspend_form": SuspendForm(),
        **extra,
    }


@login_required
@domain_errors
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="moderate it")
    context = _moderation_context(viewer, _me(request), page=request.GET.get("page"))
    return render(request, "trust/moderation.html", context)


_ACTIONS = {
    "hide": (content_hide, "Hidden: only its author and the stewards see it now."),
    "restore": (content_restore, "Restored: everyone who can read the thread sees it again."),
    "dismiss": (flags_dismiss, "The flags are dismissed; nothing changed."),
}


@login_required
@require_POST
@domain_errors
def moderate(request: HttpRequest, slug: str, kind: str, item_id: int, action: str) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="moderate it")
    if action not in _ACTIONS:
        raise NotFound(f"no moderation action {action!r}", field="action")
    thread, reply = target_get(
        community=viewer.community, kind=kind, item_id=item_id, user=request.user
    )
    form = ModerateForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    service, done = _ACTIONS[action]
    try:
        service(actor=_me(request), thread=thread, reply=reply, note=note)
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, done)
    return redirect(safe_next(request, reverse("trust:moderation", args=[slug])))


@login_required
@require_POST
@domain_errors
def suspend(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="suspend people")
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            person = person_get(username=form.cleaned_data["username"])
            suspension_create(
                actor=_me(request),
                person=person,
                community=viewer.community,
                note=form.cleaned_data["note"],
                days=form.cleaned_data["days"],
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{person.name} is suspended from {viewer.community.name}.")
            return redirect(safe_next(request, reverse("trust:moderation", args=[slug])))
    context = _moderation_context(viewer, _me(request), suspend_form=form)
    return render(request, "trust/moderation.html", context, status=422)


@login_required
@require_POST
@domain_errors
def suspension_lift_view(request: HttpRequest, slug: str, suspension_id: int) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="lift suspensions")
    suspension = (
        Suspension.objects.filter(pk=suspension_id, community=viewer.community)
        .select_related("person", "community")
        .first()
    )
    if suspension is None:
        raise NotFound(f"no suspension {suspension_id}", field="suspension")
    form = ModerateForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        suspension_lift(actor=_me(request), suspension=suspension, note=note)
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, f"{suspension.person.name} may take part again.")
    return redirect(safe_next(request, reverse("trust:moderation", args=[slug])))


# People and their levels -------------------------------------------------------------------


@login_required
@domain_errors
def people(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="see everyone's trust level")
    members = levels_of_members(community=viewer.community)
    q = request.GET.get("q", "").strip()
    if q:
        members = members.filter(
            Q(user__username__icontains=q) | Q(user__display_name__icontains=q)
        )
    page = paginate(request, members, per_page=50)
    levels = levels_by_person(
        community=viewer.community, people=[m.user_id for m in page.object_list]
    )
    rows = [(m, levels.get(m.user_id)) for m in page.object_list]
    context = {
        **viewer.context(),
        "active_tab": "moderation",
        "page": page,
        "rows": rows,
        "q": q,
        "query": f"q={q}" if q else "",
    }
    return render(request, "trust/people.html", context)


@login_required
@domain_errors
def person(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="set trust levels")
    someone = person_get(username=username)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            level_override(
                actor=_me(request),
                community=viewer.community,
                person=someone,
                level=form.cleaned_data["level"],
                note=form.cleaned_data["note"],
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"The trust level of {someone.name} is saved.")
            return redirect("trust:person", slug=slug, username=username)
    standing = standing_page(person=someone, community=viewer.community)
    if not form.is_bound and standing.row is not None:
        form = OverrideForm(
            initial={"level": standing.row.override_level, "note": standing.row.override_note}
        )
    context = {
        **viewer.context(),
        "active_tab": "moderation",
        "standing": standing,
        "someone": someone,
        "form": form,
        "suspend_form": SuspendForm(initial={"username": someone.username}),
    }
    return render(request, "trust/person.html", context, status=422 if form.errors else 200)


@login_required
@domain_errors
def my_standing(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = member_viewer(slug=slug, user=request.user, doing="earn a trust level")
    context = {
        **viewer.context(),
        "active_tab": "threads",
        "standing": standing_page(person=_me(request), community=viewer.community),
    }
    return render(request, "trust/standing.html", context)


@login_required
@domain_errors
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = steward_viewer(slug=slug, user=request.user, doing="read the audit log")
    context = {
        **viewer.context(),
        "active_tab": "moderation",
        "page": paginate(
            request, audit_list(community=viewer.community, viewer=request.user), per_page=50
        ),
    }
    return render(request, "trust/audit.html", context)


# Tags of other people's threads ------------------------------------------------------------


@login_required
@domain_errors
def tags(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    viewer = member_viewer(slug=slug, user=request.user, doing="change tags")
    thread, _ = target_get(
        community=viewer.community, kind="thread", item_id=thread_id, user=request.user
    )
    me = _me(request)
    why_not = None if thread.author_id == me.pk else refusal(me, "edit_tags", viewer.community)
    current = ", ".join(t.name for t in thread.tags.all())
    form = TagsForm(request.POST or None, initial={"tags": current})
    if request.method == "POST" and form.is_valid():
        try:
            thread_edit(
                thread=thread,
                editor=_me(request),
                tags=form.tag_list(),
                reason=form.cleaned_data["reason"],
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The tags are saved; the edit history keeps the old ones.")
            return redirect(_thread_url(slug, thread.pk))
    context = {
        **viewer.context(),
        "active_tab": "threads",
        "form": form,
        "thread": thread,
        "why_not": sentence(why_not) if why_not and not form.errors else "",
    }
    return render(request, "trust/tags.html", context, status=422 if form.errors else 200)


# Sessions ------------------------------------------------------------------------------


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = SignOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoke = form.cleaned_data["revoke_tokens"]
        ended = sessions_end(user=me, revoke_tokens=revoke)
        logout(request)
        tokens = "; your access tokens are revoked" if revoke else ""
        messages.success(
            request,
            f"You are signed out everywhere: {ended} session{'s' if ended != 1 else ''} "
            f"ended{tokens}. Log in again to go on.",
        )
        return redirect("accounts:login")
    context = {
        "form": form,
        "sessions": sessions_of(user=me, current_key=request.session.session_key),
    }
    return render(request, "trust/sessions.html", context)
