"""Pages of a community: its home (card and threads), members, joining, stewarding."""

from __future__ import annotations

from typing import Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.communities.circles import agreement_pending
from practica.communities.forms import (
    ASPIRATION_HELP,
    CommunityCardForm,
    CommunityCreateForm,
    RemoveForm,
    RoleForm,
    ThreadFilterForm,
)
from practica.communities.models import Community, MembershipStatus
from practica.communities.pages import (
    Viewer,
    membership_get,
    viewer_of_card,
    viewer_of_content,
)
from practica.communities.selectors import member_list, pending_members
from practica.communities.services import (
    community_create,
    community_join,
    community_leave,
    community_update,
    membership_approve,
    membership_reject,
    membership_remove,
    membership_set_role,
)
from practica.core.errors import InvalidInput, NotAllowed, PracticaError
from practica.core.web import (
    domain_errors,
    form_error,
    paginate,
    query_without_page,
    sentence,
)
from practica.exchange.models import ThreadKind
from practica.exchange.pages import community_threads, tag_cloud


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def community_create_view(request: HttpRequest) -> HttpResponse:
    form = CommunityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = community_create(creator=_me(request), **form.cleaned_data)
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{community.name} is open. You are its first steward.")
            return redirect("communities:detail", slug=community.slug)
    status = 422 if form.errors else 200
    context = {"form": form, "aspiration_help": ASPIRATION_HELP}
    return render(request, "communities/create.html", context, status=status)


@domain_errors
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_card(slug=slug, user=request.user)
    context: dict[str, object] = {**viewer.context(), "active_tab": "threads"}
    if viewer.can_read:
        filters = ThreadFilterForm(request.GET or None)
        threads = community_threads(
            community=viewer.community, user=request.user, **filters.filters()
        )
        context |= {
            "filters": filters,
            "page": paginate(request, threads),
            "query": query_without_page(request),
            "cloud": tag_cloud(community=viewer.community, user=request.user),
            "kinds": ThreadKind,
            "active_filters": bool(request.GET.get("kind") or request.GET.get("tag"))
            or bool(request.GET.get("unresolved")),
        }
    if viewer.is_steward:
        context["pending_count"] = pending_members(community=viewer.community).count()
    if request.user.is_authenticated:
        context["pending_agreement"] = agreement_pending(
            community=viewer.community, person=request.user
        )
    return render(request, "communities/detail.html", context)


@login_required
@domain_errors
def community_edit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_card(slug=slug, user=request.user)
    if not viewer.is_steward:
        raise NotAllowed("only a steward can change the community's card")
    form = CommunityCardForm.for_community(viewer.community, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            community_update(community=viewer.community, actor=_me(request), **changed)
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The community's card is saved.")
            return redirect("communities:detail", slug=viewer.community.slug)
    context = {**viewer.context(), "form": form, "aspiration_help": ASPIRATION_HELP}
    return render(request, "communities/edit.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
@domain_errors
def community_join_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_card(slug=slug, user=request.user)
    accepted = request.POST.get("accept_agreement", "")
    try:
        membership = community_join(
            community=viewer.community,
            user=_me(request),
            accept_agreement=int(accepted) if accepted.isdigit() else None,
        )
    except InvalidInput as exc:
        messages.error(request, sentence(exc.message) + " Tick the box under them to accept.")
        return redirect("communities:detail", slug=viewer.community.slug)
    if viewer.is_member:
        messages.success(request, "Thank you: you accepted the new agreements.")
    elif membership.status == MembershipStatus.ACTIVE:
        messages.success(request, f"Welcome to {viewer.community.name}.")
    else:
        messages.info(
            request,
            f"Your request to join {viewer.community.name} is with its stewards. "
            "You will see its threads once a steward approves it.",
        )
    return redirect("communities:detail", slug=viewer.community.slug)


@login_required
@require_POST
@domain_errors
def community_leave_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_card(slug=slug, user=request.user)
    try:
        community_leave(community=viewer.community, user=_me(request))
    except NotAllowed as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, f"You left {viewer.community.name}.")
    return redirect("communities:detail", slug=viewer.community.slug)


@domain_errors
def members(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    context = {
        **viewer.context(),
        "active_tab": "members",
        "page": paginate(request, member_list(community=viewer.community), per_page=100),
        "pending": pending_members(community=viewer.community) if viewer.is_steward else None,
        "role_form": RoleForm(),
        "remove_form": RemoveForm(),
    }
    return render(request, "communities/members.html", context)


def _steward_action(request: HttpRequest, slug: str) -> Viewer:
    viewer = viewer_of_card(slug=slug, user=request.user)
    if not viewer.is_steward:
        raise NotAllowed("only a steward can do this")
    return viewer


@login_required
@require_POST
@domain_errors
def member_approve(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    viewer = _steward_action(request, slug)
    membership = membership_get(community=viewer.community, username=username)
    membership_approve(community=viewer.community, actor=_me(request), user=membership.user)
    messages.success(request, f"{membership.user.name} is now a member.")
    return redirect("communities:members", slug=viewer.community.slug)


@login_required
@require_POST
@domain_errors
def member_role(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    viewer = _steward_action(request, slug)
    membership = membership_get(community=viewer.community, username=username)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: steward or member.")
        return redirect("communities:members", slug=viewer.community.slug)
    try:
        membership_set_role(
            community=viewer.community,
            actor=_me(request),
            user=membership.user,
            role=form.cleaned_data["role"],
        )
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, f"{membership.user.name} is now a {form.cleaned_data['role']}.")
    return redirect("communities:members", slug=viewer.community.slug)


class MembershipEnd(Protocol):
    def __call__(
        self, *, community: Community, actor: User, user: User, note: str = ""
    ) -> None: ...


def _membership_end(
    request: HttpRequest, slug: str, username: str, end: MembershipEnd, done: str
) -> HttpResponse:
    """Turn down a request or remove a member, with the steward's note; ``done`` is the
    message on success, formatted with the person's name."""
    viewer = _steward_action(request, slug)
    membership = membership_get(community=viewer.community, username=username)
    form = RemoveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        end(community=viewer.community, actor=_me(request), user=membership.user, note=note)
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, done.format(name=membership.user.name))
    return redirect("communities:members", slug=viewer.community.slug)


@login_required
@require_POST
@domain_errors
def member_reject(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    return _membership_end(
        request, slug, username, membership_reject, "You turned down {name}’s request to join."
    )


@login_required
@require_POST
@domain_errors
def member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    return _membership_end(
        request, slug, username, membership_remove, "{name} is no longer a member."
    )
