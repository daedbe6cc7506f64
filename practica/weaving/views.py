"""Pages and htmx partials of knowledge weaving (thin: parse, authorise, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.communities.pages import viewer_of_content
from practica.communities.selectors import member_list
from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, PracticaError
from practica.core.web import (
    domain_errors,
    form_error,
    is_htmx,
    query_without_page,
    safe_next,
    sentence,
)
from practica.exchange.models import Thread
from practica.exchange.selectors import thread_get
from practica.weaving import selectors, services
from practica.weaving.forms import IntroductionForm

PANEL_K = 5
MIN_QUERY = 3


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _thread_in(request: HttpRequest, community_id: int) -> Thread | None:
    raw = request.GET.get("thread") or request.POST.get("thread") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound(f"no thread {raw!r}", field="thread")
    thread = thread_get(thread_id=int(raw), user=request.user)
    if thread.community_id != community_id:
        raise NotFound(f"no thread {raw}", field="thread")
    return thread


def thread_query(thread: Thread) -> str:
    """What a thread is about, as a query: its title and what it says."""
    return " ".join([thread.title, thread.body, thread.context, thread.what_happened])


@domain_errors
def related_partial(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Lived before": for the compose form (``q``) or a thread page (``thread``)."""
    viewer = viewer_of_content(slug=slug, user=request.user)
    thread = _thread_in(request, viewer.community.pk)
    typed = request.GET.get("q") or " ".join(
        [request.GET.get("title", ""), request.GET.get("body", "")]
    )
    text = typed.strip() or (thread_query(thread) if thread else "")
    # Two letters match too much to be useful: keep inviting the person to type.
    searched = len(text) >= MIN_QUERY
    context = {**viewer.context(), "thread": thread, "q": text if searched else "", "items": [],
               "error": ""}  # fmt: skip
    if searched:
        try:
            context["items"] = selectors.related_for(
                community=viewer.community, user=request.user, text=text, k=PANEL_K,
                exclude_thread=thread.pk if thread else None,
            )  # fmt: skip
        except InvalidInput as exc:
            context["error"] = sentence(exc.message)
    return render(request, "weaving/_related.html", context)


@domain_errors
def experts_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Who knows: a page of its own, or a partial for a thread (``?thread=ID``)."""
    viewer = viewer_of_content(slug=slug, user=request.user)
    thread = _thread_in(request, viewer.community.pk)
    text = request.GET.get("q", "").strip() or (thread_query(thread) if thread else "")
    context = {**viewer.context(), "active_tab": "people", "thread": thread, "q": text,
               "items": [], "error": ""}  # fmt: skip
    if text:
        try:
            context["items"] = selectors.experts_for(
                community=viewer.community, user=request.user, text=text, k=10, thread=thread
            )
        except InvalidInput as exc:
            context["error"] = sentence(exc.message)
    template = "weaving/_experts.html" if is_htmx(request) else "weaving/experts.html"
    return render(request, template, context)


@login_required
@require_POST
@domain_errors
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    thread = _thread_in(request, viewer.community.pk)
    if thread is None:
        raise NotFound("no thread named", field="thread")
    back = reverse("exchange:thread", args=[slug, thread.pk])
    invitee = User.objects.filter(username=request.POST.get("username", "")).first()
    try:
        if invitee is None:
            raise InvalidInput("no such person", field="username")
        services.invitation_create(thread=thread, inviter=_me(request), invitee=invitee)
        message, ok = f"{invitee.name} is invited to answer.", True
    except (InvalidInput, Conflict, NotAllowed) as exc:
        message, ok = sentence(exc.message), False
    if is_htmx(request):
        return render(
            request, "weaving/_invited.html", {"message": message, "ok": ok},
            status=200 if ok else 422,
        )  # fmt: skip
    (messages.success if ok else messages.error)(request, message)
    return redirect(safe_next(request, back))


@domain_errors
def directory_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    q = request.GET.get("q", "").strip()[:200]
    expertise = request.GET.get("expertise", "").strip()[:64]
    perspective = request.GET.get("perspective", "").strip()[:100]
    found = selectors.directory_page(
        community=viewer.community, user=request.user, q=q, expertise=expertise,
        perspective=perspective, page=request.GET.get("page"),
    )  # fmt: skip
    context = {
        **viewer.context(),
        "active_tab": "people",
        "entries": found.entries,
        "page": found.page,
        "query": query_without_page(request),
        "q": q,
        "expertise": expertise,
        "perspective": perspective,
        "tags": selectors.directory_tags(community=viewer.community, user=request.user),
    }
    return render(request, "weaving/directory.html", context)


@domain_errors
def person_page(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    membership = member_list(community=viewer.community).filter(user__username=username).first()
    if membership is None:
        raise NotFound(f"no member {username!r}", field="username")
    record = selectors.person_record(
        community=viewer.community, person=membership.user, user=request.user
    )
    context = {**viewer.context(), "active_tab": "people", "person": membership.user,
               "person_membership": membership, "record": record}  # fmt: skip
    return render(request, "weaving/person.html", context)


@login_required
@domain_errors
def introduce(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    form = IntroductionForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            a = _member(viewer.community.pk, data["person_a"], "person_a")
            b = _member(viewer.community.pk, data["person_b"], "person_b")
            services.introduction_create(
                community=viewer.community, introducer=_me(request), person_a=a, person_b=b,
                note=data["note"],
            )  # fmt: skip
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"You introduced {a.name} and {b.name}.")
            return redirect(reverse("weaving:directory", args=[slug]))
    members = member_list(community=viewer.community)[:500]
    context = {**viewer.context(), "active_tab": "people", "form": form, "members": members}
    return render(request, "weaving/introduce.html", context, status=422 if form.errors else 200)


def _member(community_id: int, username: str, field: str) -> User:
    person = User.objects.filter(
        username=username.strip(),
        memberships__community_id=community_id,
        memberships__status="active",
    ).first()
    if person is None:
        raise InvalidInput(f"{username!r} is not a member here", field=field)
    return person


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_for(user=_me(request))[:200]
    return render(request, "weaving/notifications.html", {"items": items})


@login_required
@require_POST
@domain_errors
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read, then go where the notification points."""
    notification = services.notification_mark_read(
        notification_id=notification_id, user=_me(request)
    )
    if request.POST.get("go") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect(reverse("weaving:notifications"))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=_me(request))
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect(reverse("weaving:notifications"))
