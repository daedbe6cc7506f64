"""The compass page for stewards (and members, when shared), its downloads and actions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from practica.accounts.models import User
from practica.communities.selectors import membership_of
from practica.compass import presenters
from practica.compass.selectors import (
    CompassAccess,
    compass_access,
    compass_as_seen,
    snapshot_for,
)
from practica.compass.services import compass_refresh, compass_settings_update
from practica.compass.watermark import looks_up_to_date
from practica.core.errors import NotAllowed, NotFound, PracticaError
from practica.core.web import domain_errors, form_error, sentence


class WindowForm(forms.Form):
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    force = forms.BooleanField(required=False, label="Recompute every month")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, date) and isinstance(until, date) and since >= until:
            self.add_error("until", "The end must come after the start.")
        return data

    def window(self) -> tuple[datetime | None, datetime | None]:
        def moment(day: object) -> datetime | None:
            if not isinstance(day, date):
                return None
            return datetime(day.year, day.month, day.day, tzinfo=UTC)

        return moment(self.cleaned_data.get("since")), moment(self.cleaned_data.get("until"))


class SettingsForm(forms.Form):
    members_see_aggregate = forms.BooleanField(
        required=False, label="Members see the compass (figures, stage and charts; no names)"
    )
    members_see_people = forms.BooleanField(
        required=False,
        label="Members also see people: the network map, the people table and next steps",
    )
    unanswered_days = forms.IntegerField(
        min_value=1, max_value=365, label="An ask is waiting after this many days"
    )


def _context(request: HttpRequest, access: CompassAccess) -> dict[str, object]:
    return {
        "community": access.community,
        "membership": membership_of(community=access.community, user=request.user),
        "can_read": True,
        "active_tab": "compass",
        "access": access,
    }


@require_GET
@domain_errors
def compass_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = compass_access(slug=slug, user=request.user)
    window_form = WindowForm(request.GET or None)
    since = until = None
    if access.is_steward and window_form.is_bound and window_form.is_valid():
        since, until = window_form.window()
    snapshot = snapshot_for(community=access.community, since=since, until=until)
    context = _context(request, access)
    context.update(
        window_form=window_form if window_form.is_bound else WindowForm(),
        settings_form=SettingsForm(
            initial={
                "members_see_aggregate": access.settings.members_see_aggregate,
                "members_see_people": access.settings.members_see_people,
                "unanswered_days": access.settings.unanswered_days,
            }
        ),
        snapshot=snapshot,
        since=since,
        until=until,
    )
    if snapshot is not None:
        c = compass_as_seen(access=access, snapshot=snapshot)
        roster, more = presenters.roster(c) if access.person_level else ([], 0)
        context.update(
            c=c,
            up_to_date=looks_up_to_date(snapshot=snapshot),
            age=timezone.now() - snapshot.computed_at,
            sections=presenters.sections(c),
            journey=presenters.journey(c),
            steps=presenters.next_steps(c, access.community.slug),
            roster=roster,
            roster_more=more,
            chart_data=presenters.chart_data(c),
            map_data=presenters.map_data(c) if access.person_level else None,
            query=request.GET.urlencode(),
        )
    return render(request, "compass/page.html", context)


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page_url(slug: str, since: datetime | None = None, until: datetime | None = None) -> str:
    url = reverse("compass:page", args=[slug])
    parts = [f"{k}={v:%Y-%m-%d}" for k, v in (("since", since), ("until", until)) if v]
    return url + ("?" + "&".join(parts) if parts else "")


@login_required
@require_POST
@domain_errors
def compass_recompute(request: HttpRequest, slug: str) -> HttpResponse:
    access = compass_access(slug=slug, user=request.user)
    if not access.is_steward:
        raise NotAllowed("only a steward can recompute the compass")
    form = WindowForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a start before the end of the window.")
        return redirect(_page_url(slug))
    since, until = form.window()
    try:
        refresh = compass_refresh(
            community=access.community,
            since=since,
            until=until,
            actor=_me(request),
            force=bool(form.cleaned_data.get("force")),
        )
    except PracticaError as exc:
        if isinstance(exc, NotAllowed | NotFound):
            raise
        messages.error(request, sentence(exc.message))
        return redirect(_page_url(slug, since, until))
    if refresh.computed:
        messages.success(
            request,
            f"Recomputed in {refresh.seconds:.1f} seconds "
            f"({refresh.reused_months} stored months reused).",
        )
    else:
        messages.info(request, "Already up to date: nothing new since the last computation.")
    return redirect(_page_url(slug, since, until))


@login_required
@require_POST
@domain_errors
def compass_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = compass_access(slug=slug, user=request.user)
    if not access.is_steward:
        raise NotAllowed("only a steward can change what the compass shares")
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            compass_settings_update(
                community=access.community,
                actor=_me(request),
                members_see_aggregate=form.cleaned_data["members_see_aggregate"],
                members_see_people=form.cleaned_data["members_see_people"],
                unanswered_days=form.cleaned_data["unanswered_days"],
            )
        except PracticaError as exc:
            if isinstance(exc, NotAllowed | NotFound):
                raise
            form_error(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        messages.success(request, "Saved what the compass shares.")
    return redirect(_page_url(slug))


def _download(request: HttpRequest, slug: str) -> dict[str, object]:
    access = compass_access(slug=slug, user=request.user)
    since = until = None
    form = WindowForm(request.GET or None)
    if access.is_steward and form.is_bound and form.is_valid():
        since, until = form.window()
    snapshot = snapshot_for(community=access.community, since=since, until=until)
    if snapshot is None:
        raise NotFound("the compass has not been computed yet")
    return compass_as_seen(access=access, snapshot=snapshot)


def _filename(c: dict[str, object], ext: str) -> str:
    return f'attachment; filename="compass-{c["community"]}.{ext}"'


@require_GET
@domain_errors
def download_html(request: HttpRequest, slug: str) -> HttpResponse:
    from practica.compass.report import report_html  # matplotlib loads only when asked

    c = _download(request, slug)
    response = HttpResponse(report_html(c), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = _filename(c, "html")
    return response


@require_GET
@domain_errors
def download_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    from practica.compass.report import report_pdf

    c = _download(request, slug)
    response = HttpResponse(report_pdf(c), content_type="application/pdf")
    response["Content-Disposition"] = _filename(c, "pdf")
    return response


@require_GET
@domain_errors
def download_csv(request: HttpRequest, slug: str) -> HttpResponse:
    from practica.compass.report import series_csv

    c = _download(request, slug)
    response = HttpResponse(series_csv(c), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(c, "csv")
    return response
