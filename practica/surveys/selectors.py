"""Reads of pulse surveys. Members of the community see its surveys; only stewards see drafts.

Nothing here returns one person's answers to anyone but that person: results
are aggregates (``aggregates.aggregate``), shown once the survey is closed and
at least ``MIN_RESPONDENTS`` people answered. Waiting for the close means
nobody can learn one person's answers by watching the figures move when they
answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet

from practica.communities.models import Community
from practica.communities.selectors import AnyUser, is_member, is_steward
from practica.core.errors import NotFound
from practica.surveys.aggregates import MIN_RESPONDENTS, Results, aggregate
from practica.surveys.models import Response, Survey, SurveyStatus


def survey_list(*, community: Community, user: AnyUser) -> QuerySet[Survey]:
    """Surveys of a community this person may see (none unless they are a member)."""
    if not is_member(community=community, user=user):
        return Survey.objects.none()
    surveys = Survey.objects.filter(community=community).annotate(respondents=Count("responses"))
    if not is_steward(community=community, user=user):
        surveys = surveys.exclude(status=SurveyStatus.DRAFT)
    return surveys.order_by("-created_at", "-id")


def survey_get(*, survey_id: int, user: AnyUser, community: Community | None = None) -> Survey:
    survey = Survey.objects.select_related("community").filter(pk=survey_id).first()
    if (
        survey is None
        or (community is not None and survey.community_id != community.pk)
        or not survey_list(community=survey.community, user=user).filter(pk=survey.pk).exists()
    ):
        raise NotFound(f"no survey {survey_id}", field="id")
    return survey


def response_of(*, survey: Survey, person: AnyUser) -> Response | None:
    """This person's own response, for them to see and change."""
    if person is None or not person.is_authenticated:
        return None
    return Response.objects.filter(survey=survey, person=person).first()


def respondent_count(*, survey: Survey) -> int:
    return Response.objects.filter(survey=survey).count()


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    respondents: int
    #: None until the survey is closed with enough respondents; see ``waiting_for``.
    results: Results | None
    #: Value-creation stories their writers chose to share, without names.
    stories: tuple[str, ...]

    @property
    def waiting_for(self) -> str:
        if self.results is not None:
            return ""
        if self.survey.status != SurveyStatus.CLOSED:
            return "close"
        return "respondents"


def _shuffled(stories: list[tuple[int, str]], survey_id: int) -> tuple[str, ...]:
    # Neither the order of answering nor ids may hint at who wrote a story.
    def key(item: tuple[int, str]) -> str:
        return hashlib.sha256(f"{survey_id}:{item[0]}".encode()).hexdigest()

    return tuple(text for _, text in sorted(stories, key=key))


def survey_results(*, survey: Survey) -> SurveyResults:
    responses = list(
        Response.objects.filter(survey=survey).values_list("pk", "answers", "story", "share_story")
    )
    n = len(responses)
    if survey.status != SurveyStatus.CLOSED or n < MIN_RESPONDENTS:
        return SurveyResults(survey=survey, respondents=n, results=None, stories=())
    results = aggregate(survey.scales, [answers for _, answers, _, _ in responses])
    shared = [(pk, story) for pk, _, story, share in responses if share and story]
    return SurveyResults(
        survey=survey, respondents=n, results=results, stories=_shuffled(shared, survey.pk)
    )


@dataclass(frozen=True)
class TrendPoint:
    survey_id: int
    title: str
    closed_at: datetime
    respondents: int
    #: Scale key to score (1 to 7, higher is better).
    scores: dict[str, float]


def survey_trend(*, community: Community | int) -> list[TrendPoint]:
    """Scale scores of the community's closed surveys with enough respondents, oldest first."""
    community_id = community if isinstance(community, int) else community.pk
    points = []
    closed = Survey.objects.filter(
        community_id=community_id, status=SurveyStatus.CLOSED, closed_at__isnull=False
    ).order_by("closed_at", "id")
    for survey in closed:
        answers = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
        results = aggregate(survey.scales, answers)
        if results is None:
            continue
        assert survey.closed_at is not None
        points.append(
            TrendPoint(
                survey_id=survey.pk,
                title=survey.title,
                closed_at=survey.closed_at,
                respondents=results.respondents,
                scores={s.scale.key: s.score for s in results.scales if s.score is not None},
            )
        )
    return points
