"""Pages of circles (list, open one, read one, invite, join, leave) and of agreements
(read and accept the current version, its history with what changed, publish a new one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.communities.circle_forms import (
    TIER_HELP,
    AcceptForm,
    AgreementForm,
    CircleCreateForm,
    InviteForm,
)
from practica.communities.circle_pages import (
    agreement_versions,
    circle_cards,
    circle_page,
    circle_threads,
)
from practica.communities.circles import (
    agreement_accept_version,
    agreement_current,
    agreement_pending,
    agreement_publish,
    circle_create,
    circle_delete,
    circle_get,
    circle_invite,
    circle_join,
    circle_leave,
    circle_remove,
)
from practica.communities.models import Circle
from practica.communities.pages import Viewer, viewer_of_card, viewer_of_content
from practica.core.errors import NotAllowed, NotFound, PracticaError
from practica.core.web import domain_errors, form_error, paginate, sentence


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _circle_url(circle: Circle) -> str:
    return reverse("circles:detail", args=[circle.community.slug, circle.slug])


def _in_circle(request: HttpRequest, slug: str, circle_slug: str) -> tuple[Viewer, Circle]:
    viewer = viewer_of_content(slug=slug, user=request.user)
    return viewer, circle_get(community=viewer.community, slug=circle_slug, user=request.user)


@domain_errors
def circle_list(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    context = {
        **viewer.context(),
        "active_tab": "circles",
        "cards": circle_cards(viewer=viewer, user=request.user),
    }
    return render(request, "communities/circles.html", context)


@login_required
@domain_errors
def circle_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    if not viewer.is_steward:
        raise NotAllowed("only a steward can open a circle")
    form = CircleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            circle = circle_create(
                community=viewer.community, actor=_me(request), **form.cleaned_data
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"The circle {circle.name} is open.")
            return redirect(_circle_url(circle))
    context = {**viewer.context(), "active_tab": "circles", "form": form, "tier_help": TIER_HELP}
    return render(
        request, "communities/circle_create.html", context, status=422 if form.errors else 200
    )


@domain_errors
def circle_detail(request: HttpRequest, slug: str, circle_slug: str) -> HttpResponse:
    viewer, circle = _in_circle(request, slug, circle_slug)
    threads = circle_threads(community=viewer.community, circle=circle, user=request.user)
    context = {
        **viewer.context(),
        "active_tab": "circles",
        "circle": circle,
        "page": paginate(request, threads),
        "circle_page": circle_page(viewer=viewer, circle=circle, user=request.user),
        "invite_form": InviteForm(),
    }
    return render(request, "communities/circle.html", context)


@login_required
@require_POST
@domain_errors
def circle_invite_view(request: HttpRequest, slug: str, circle_slug: str) -> HttpResponse:
    _, circle = _in_circle(request, slug, circle_slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the username of the person to invite.")
        return redirect(_circle_url(circle))
    username = form.cleaned_data["username"]
    person = User.objects.filter(username=username, is_active=True).first()
    try:
        if person is None:
            raise NotFound(f"nobody is called {username}", field="username")
        circle_invite(circle=circle, actor=_me(request), user=person)
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, f"{person.name} is now in the circle {circle.name}.")
    return redirect(_circle_url(circle))


@login_required
@require_POST
@domain_errors
def circle_remove_view(
    request: HttpRequest, slug: str, circle_slug: str, username: str
) -> HttpResponse:
    _, circle = _in_circle(request, slug, circle_slug)
    person = User.objects.filter(username=username).first()
    try:
        if person is None:
            raise NotFound(f"nobody is called {username}", field="username")
        circle_remove(
            circle=circle, actor=_me(request), user=person, note=request.POST.get("note", "")
        )
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, f"{person.name} is no longer in the circle {circle.name}.")
    return redirect(_circle_url(circle))


@login_required
@require_POST
@domain_errors
def circle_delete_view(request: HttpRequest, slug: str, circle_slug: str) -> HttpResponse:
    viewer, circle = _in_circle(request, slug, circle_slug)
    try:
        circle_delete(circle=circle, actor=_me(request))
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
        return redirect(_circle_url(circle))
    messages.success(request, f"The circle {circle.name} is deleted.")
    return redirect("circles:list", slug=viewer.community.slug)


@login_required
@require_POST
@domain_errors
def circle_join_view(request: HttpRequest, slug: str, circle_slug: str) -> HttpResponse:
    _, circle = _in_circle(request, slug, circle_slug)
    circle_join(circle=circle, user=_me(request))
    messages.success(request, f"You joined the circle {circle.name}.")
    return redirect(_circle_url(circle))


@login_required
@require_POST
@domain_errors
def circle_leave_view(request: HttpRequest, slug: str, circle_slug: str) -> HttpResponse:
    viewer, circle = _in_circle(request, slug, circle_slug)
    circle_leave(circle=circle, user=_me(request))
    messages.success(request, f"You left the circle {circle.name}.")
    if circle.is_closed:
        # A closed circle is out of sight once you leave it.
        return redirect("circles:list", slug=viewer.community.slug)
    return redirect(_circle_url(circle))


# Agreements ---------------------------------------------------------------------------


def _agreement_place(
    request: HttpRequest, slug: str, circle_slug: str | None
) -> tuple[Viewer, Circle | None]:
    """Community agreements are part of the card (people read them before joining); a
    circle's are for those who may enter it."""
    if circle_slug is None:
        return viewer_of_card(slug=slug, user=request.user), None
    return _in_circle(request, slug, circle_slug)


def _agreement_url(viewer: Viewer, circle: Circle | None) -> str:
    if circle is None:
        return reverse("circles:agreement", args=[viewer.community.slug])
    return reverse("circles:circle_agreement", args=[viewer.community.slug, circle.slug])


@domain_errors
def agreement_view(request: HttpRequest, slug: str, circle_slug: str | None = None) -> HttpResponse:
    viewer, circle = _agreement_place(request, slug, circle_slug)
    pending = None
    if request.user.is_authenticated:
        pending = agreement_pending(community=viewer.community, person=request.user, circle=circle)
    context = {
        **viewer.context(),
        "active_tab": "circles" if circle else "",
        "circle": circle,
        "current": agreement_current(community=viewer.community, circle=circle),
        "versions": agreement_versions(community=viewer.community, circle=circle),
        "pending": pending,
        "accept_url": _agreement_url(viewer, circle) + "accept/",
    }
    return render(request, "communities/agreement.html", context)


@login_required
@require_POST
@domain_errors
def agreement_accept_view(
    request: HttpRequest, slug: str, circle_slug: str | None = None
) -> HttpResponse:
    viewer, circle = _agreement_place(request, slug, circle_slug)
    form = AcceptForm(request.POST)
    if not form.is_valid() or request.POST.get("accept_agreement") is None:
        messages.error(request, "Tick the box under the agreements to accept them.")
        return redirect(_agreement_url(viewer, circle))
    try:
        agreement_accept_version(
            community=viewer.community,
            person=_me(request),
            version=form.cleaned_data["version"],
            circle=circle,
        )
    except PracticaError as exc:
        messages.error(request, sentence(exc.message))
        return redirect(_agreement_url(viewer, circle))
    messages.success(request, "Thank you: you accepted the agreements.")
    return redirect(_circle_url(circle) if circle else _agreement_url(viewer, None))


@login_required
@domain_errors
def agreement_publish_view(
    request: HttpRequest, slug: str, circle_slug: str | None = None
) -> HttpResponse:
    viewer, circle = _agreement_place(request, slug, circle_slug)
    if not viewer.is_steward:
        raise NotAllowed("only a steward can change the agreements")
    current = agreement_current(community=viewer.community, circle=circle)
    form = AgreementForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_publish(
                community=viewer.community, actor=_me(request), circle=circle, **form.cleaned_data
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"Version {agreement.version} is published. Members accept it before they "
                "take part again.",
            )
            return redirect(_agreement_url(viewer, circle))
    context = {
        **viewer.context(),
        "active_tab": "circles" if circle else "",
        "circle": circle,
        "current": current,
        "form": form,
    }
    status = 422 if form.errors else 200
    return render(request, "communities/agreement_publish.html", context, status=status)
