"""Pages of pulse surveys: the list, a new survey, answering, opening and closing, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.communities.pages import Viewer, viewer_of_content
from practica.core.errors import Conflict, NotAllowed, NotFound, PracticaError
from practica.core.web import domain_errors, form_error, sentence
from practica.surveys.aggregates import MIN_RESPONDENTS
from practica.surveys.forms import AnswerForm, SurveyCreateForm
from practica.surveys.instruments import AGREEMENT, SCALES
from practica.surveys.models import Survey
from practica.surveys.selectors import (
    respondent_count,
    response_of,
    survey_get,
    survey_list,
    survey_results,
    survey_trend,
)
from practica.surveys.services import survey_answer, survey_close, survey_create, survey_open


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _survey_url(survey: Survey) -> str:
    return reverse("surveys:detail", args=[survey.community.slug, survey.pk])


def _member_view(request: HttpRequest, slug: str) -> Viewer:
    """Surveys are for the community's members; everyone else gets a 404."""
    viewer = viewer_of_content(slug=slug, user=request.user)
    if not viewer.is_member:
        raise NotFound("surveys are for members", field="slug")
    return viewer


def _context(viewer: Viewer, **extra: object) -> dict[str, object]:
    return {
        **viewer.context(),
        "active_tab": "surveys",
        "min_respondents": MIN_RESPONDENTS,
        **extra,
    }


@login_required
@domain_errors
def survey_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _member_view(request, slug)
    surveys = survey_list(community=viewer.community, user=request.user)
    trend = survey_trend(community=viewer.community)
    context = _context(viewer, surveys=surveys, trend=trend, scales=list(SCALES.values()))
    return render(request, "surveys/list.html", context)


@login_required
@domain_errors
def survey_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _member_view(request, slug)
    if not viewer.is_steward:
        raise NotAllowed("only a steward can run a survey")
    form = SurveyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = survey_create(
                community=viewer.community, actor=_me(request), **form.cleaned_data
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The survey is ready. Open it when you want answers.")
            return redirect(_survey_url(survey))
    status = 422 if form.errors else 200
    return render(request, "surveys/create.html", _context(viewer, form=form), status=status)


@login_required
@domain_errors
def survey_detail(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    viewer = _member_view(request, slug)
    survey = survey_get(survey_id=survey_id, user=request.user, community=viewer.community)
    mine = response_of(survey=survey, person=request.user)
    form = AnswerForm(request.POST or None, survey=survey, response=mine)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(
                survey=survey,
                person=_me(request),
                answers=form.answers(),
                story=form.cleaned_data.get("story", ""),
                share_story=form.cleaned_data.get("share_story", False),
            )
        except PracticaError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                "Thank you: your answers are saved. You can change them until the survey closes.",
            )
            return redirect(_survey_url(survey))
    context = _context(
        viewer,
        survey=survey,
        form=form,
        mine=mine,
        respondents=respondent_count(survey=survey),
        agreement=AGREEMENT,
    )
    return render(request, "surveys/detail.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
@domain_errors
def survey_status(request: HttpRequest, slug: str, survey_id: int, action: str) -> HttpResponse:
    viewer = _member_view(request, slug)
    survey = survey_get(survey_id=survey_id, user=request.user, community=viewer.community)
    change = survey_open if action == "open" else survey_close
    try:
        change(survey=survey, actor=_me(request))
    except Conflict as exc:  # opened or closed already: say so (NotAllowed is a 403 page)
        messages.error(request, sentence(exc.message))
    else:
        messages.success(request, f"The survey is {survey.get_status_display().lower()}.")
    return redirect(_survey_url(survey))


@login_required
@domain_errors
def survey_results_view(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    viewer = _member_view(request, slug)
    survey = survey_get(survey_id=survey_id, user=request.user, community=viewer.community)
    context = _context(viewer, survey=survey, outcome=survey_results(survey=survey))
    return render(request, "surveys/results.html", context)
