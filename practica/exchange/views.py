"""Pages of knowledge exchange: starting threads, reading them, replying, acknowledging."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.communities.circles import circles_for_posting
from practica.communities.pages import viewer_of_content
from practica.core.errors import Conflict, NotAllowed, PracticaError
from practica.core.web import domain_errors, form_error, is_htmx, login_required_htmx, sentence
from practica.exchange.forms import (
    KIND_HELP,
    STORY_PARTS,
    CommentForm,
    ReplyEditForm,
    ReplyForm,
    ThreadCreateForm,
    ThreadEditForm,
)
from practica.exchange.models import Reply, Thread, ThreadKind
from practica.exchange.pages import (
    ThreadPage,
    may_edit,
    reply_acknowledgement_count,
    story_acknowledgement_count,
    thread_history,
    thread_page,
    thread_reply_get,
    thread_with_viewer,
)
from practica.exchange.panels import panels_for
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    reply_edit,
    thread_create,
    thread_edit,
)


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def thread_url(thread: Thread, anchor: str = "") -> str:
    url = reverse("exchange:thread", args=[thread.community.slug, thread.pk])
    return f"{url}#{anchor}" if anchor else url


def _render_thread(
    request: HttpRequest, page: ThreadPage, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        **page.viewer.context(),
        "active_tab": "threads",
        "page": page,
        "thread": page.thread,
        "reply_form": ReplyForm(),
        "panels": panels_for("thread"),
        **extra,
    }
    return render(request, "exchange/thread.html", context, status=status)


@login_required
@domain_errors
def thread_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    kind = request.GET.get("kind", ThreadKind.QUESTION)
    form = ThreadCreateForm(
        request.POST or None,
        initial={"kind": kind, "circle": request.GET.get("circle", "")},
        circles=circles_for_posting(community=viewer.community, user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = thread_create(
                community=viewer.community, author=_me(request), **form.cleaned_data
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your thread is posted.")
            return redirect(thread_url(thread))
    context = {
        **viewer.context(),
        "active_tab": "threads",
        "form": form,
        "kind_help": KIND_HELP,
        "story_parts": STORY_PARTS,
        "panels": panels_for("compose"),
    }
    return render(
        request, "exchange/thread_create.html", context, status=422 if form.errors else 200
    )


@domain_errors
def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    page = thread_page(thread_id=thread_id, user=request.user)
    if page.thread.community.slug != slug:
        return redirect(thread_url(page.thread), permanent=True)
    return _render_thread(request, page)


@login_required
@domain_errors
def thread_edit_view(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread, viewer = thread_with_viewer(thread_id=thread_id, user=request.user)
    if not may_edit(viewer=viewer, user=request.user, author_id=thread.author_id):
        raise NotAllowed("only the author or a steward can edit this thread")
    form = ThreadEditForm(request.POST or None, thread=thread)
    if request.method == "POST" and form.is_valid():
        try:
            thread_edit(
                thread=thread,
                editor=_me(request),
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, "Your changes are saved; the edit history keeps the old text."
            )
            return redirect(thread_url(thread))
    context = {**viewer.context(), "active_tab": "threads", "form": form, "thread": thread}
    return render(request, "exchange/thread_edit.html", context, status=422 if form.errors else 200)


@domain_errors
def thread_history_view(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread, viewer = thread_with_viewer(thread_id=thread_id, user=request.user)
    context = {
        **viewer.context(),
        "active_tab": "threads",
        "thread": thread,
        "entries": thread_history(thread=thread),
    }
    return render(request, "exchange/thread_history.html", context)


@login_required
@require_POST
@domain_errors
def reply_create_view(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    page = thread_page(thread_id=thread_id, user=request.user)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = reply_create(
                thread=page.thread, author=_me(request), body=form.cleaned_data["body"]
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your reply is posted.")
            return redirect(thread_url(page.thread, f"reply-{reply.pk}"))
    return _render_thread(request, page, status=422, reply_form=form)


@login_required
@require_POST
@domain_errors
def comment_create(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    page = thread_page(thread_id=thread_id, user=request.user)
    parent = thread_reply_get(thread=page.thread, reply_id=reply_id, user=request.user)
    form = CommentForm(request.POST, reply=parent)
    if form.is_valid():
        try:
            comment = reply_create(
                thread=page.thread,
                author=_me(request),
                body=form.cleaned_data["body"],
                parent=parent,
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your comment is posted.")
            return redirect(thread_url(page.thread, f"reply-{comment.pk}"))
    return _render_thread(request, page, status=422, comment_form=form, comment_reply_id=parent.pk)


@login_required
@domain_errors
def reply_edit_view(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread, viewer = thread_with_viewer(thread_id=thread_id, user=request.user)
    reply = thread_reply_get(thread=thread, reply_id=reply_id, user=request.user)
    if not may_edit(viewer=viewer, user=request.user, author_id=reply.author_id):
        raise NotAllowed("only the author or a steward can edit this reply")
    form = ReplyEditForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        try:
            reply_edit(reply=reply, editor=_me(request), **form.cleaned_data)
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(thread_url(thread, f"reply-{reply.pk}"))
    context = {
        **viewer.context(),
        "active_tab": "threads",
        "form": form,
        "thread": thread,
        "reply": reply,
    }
    return render(request, "exchange/reply_edit.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
@domain_errors
def reply_accept_view(
    request: HttpRequest, slug: str, thread_id: int, reply_id: int
) -> HttpResponse:
    thread, _ = thread_with_viewer(thread_id=thread_id, user=request.user)
    reply = thread_reply_get(thread=thread, reply_id=reply_id, user=request.user)
    reply_accept(reply=reply, actor=_me(request))
    who = reply.author.name if reply.author else "this"
    messages.success(request, f"You accepted {who}’s answer: the thread is resolved.")
    return redirect(thread_url(thread, f"reply-{reply.pk}"))


def _helped_response(request: HttpRequest, thread: Thread, reply: Reply | None) -> HttpResponse:
    """Record "this helped me"; answer htmx with the updated button, others with a redirect."""
    error, status = "", 200
    try:
        acknowledgement_create(person=_me(request), thread=thread, reply=reply)
    except Conflict:
        pass  # said already: showing the acknowledged state is the right answer
    except PracticaError as exc:
        error, status = sentence(exc.message), exc.status
    anchor = f"reply-{reply.pk}" if reply is not None else "story"
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Thank you: they will see that this helped you.")
        return redirect(thread_url(thread, anchor))
    count = (
        reply_acknowledgement_count(reply=reply)
        if reply is not None
        else story_acknowledgement_count(thread=thread)
    )
    context = {
        "thread": thread,
        "target_reply": reply,
        "count": count,
        "acknowledged": not error,
        "can_acknowledge": not error,
        "error": error,
        "announce": not error,
    }
    return render(request, "exchange/_helped.html", context, status=status)


@login_required_htmx
@require_POST
@domain_errors
def reply_helped(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread, _ = thread_with_viewer(thread_id=thread_id, user=request.user)
    reply = thread_reply_get(thread=thread, reply_id=reply_id, user=request.user)
    return _helped_response(request, thread, reply)


@login_required_htmx
@require_POST
@domain_errors
def story_helped(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread, _ = thread_with_viewer(thread_id=thread_id, user=request.user)
    return _helped_response(request, thread, None)
