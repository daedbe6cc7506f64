"""Writes of pulse surveys: a steward creates, opens and closes; members answer once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.communities.selectors import is_member, is_steward
from practica.core.errors import Conflict, InvalidInput, NotAllowed
from practica.surveys.instruments import POINTS, SCALES, items_of
from practica.surveys.models import Response, Survey, SurveyStatus

MAX_STORY = 5_000


def survey_create(
    *,
    community: Community,
    actor: User,
    title: str,
    scales: Sequence[str],
    intro: str = "",
    ask_story: bool = False,
) -> Survey:
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can run a survey")
    if not title.strip():
        raise InvalidInput("a survey needs a title", field="title")
    if len(title) > 200:
        raise InvalidInput("a title has at most 200 characters", field="title")
    chosen = list(dict.fromkeys(scales))
    if not chosen:
        raise InvalidInput("choose at least one scale", field="scales")
    unknown = [s for s in chosen if s not in SCALES]
    if unknown:
        raise InvalidInput(f"unknown scale {unknown[0]!r}: use {', '.join(SCALES)}", field="scales")
    return Survey.objects.create(
        community=community,
        title=title.strip(),
        intro=intro.strip(),
        scales=chosen,
        ask_story=ask_story,
        created_by=actor,
    )


def _steward(survey: Survey, actor: User) -> None:
    if not is_steward(community=survey.community, user=actor):
        raise NotAllowed("only a steward can open or close a survey")


def survey_open(*, survey: Survey, actor: User) -> Survey:
    _steward(survey, actor)
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict(f"the survey is {survey.status} already", field="status")
    survey.status, survey.opened_at = SurveyStatus.OPEN, timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    return survey


def survey_close(*, survey: Survey, actor: User) -> Survey:
    """Closing is final: answers are frozen and results, if enough people answered, appear."""
    _steward(survey, actor)
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(
            f"only an open survey can be closed (this one is {survey.status})", field="status"
        )
    survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    return survey


def _checked(survey: Survey, answers: Mapping[str, object]) -> dict[str, int]:
    expected = items_of(survey.scales)
    unknown = sorted(set(answers) - {i.key for i in expected})
    if unknown:
        raise InvalidInput(f"this survey does not ask {unknown[0]!r}", field=unknown[0])
    checked: dict[str, int] = {}
    for item in expected:
        value = answers.get(item.key)
        if value is None:
            raise InvalidInput(f"answer every item: “{item.text}” has no answer", field=item.key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= POINTS:
            raise InvalidInput(f"answers are whole numbers from 1 to {POINTS}", field=item.key)
        checked[item.key] = value
    return checked


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    person: User,
    answers: Mapping[str, object],
    story: str = "",
    share_story: bool = False,
) -> Response:
    """Answer, or change your answer, while the survey is open. One response per person."""
    if not is_member(community=survey.community, user=person):
        raise NotAllowed(f"only members of {survey.community.name} answer its surveys")
    if not survey.is_open:
        raise Conflict("the survey is not open for answers", field="status")
    checked = _checked(survey, answers)
    story = story.strip() if survey.ask_story else ""
    if len(story) > MAX_STORY:
        raise InvalidInput(f"a story has at most {MAX_STORY} characters", field="story")
    response, created = Response.objects.select_for_update().get_or_create(
        survey=survey,
        person=person,
        defaults={"answers": checked, "story": story, "share_story": share_story and bool(story)},
    )
    if not created:
        response.answers, response.story = checked, story
        response.share_story = share_story and bool(story)
        response.updated_at = timezone.now()
        response.save(update_fields=["answers", "story", "share_story", "updated_at"])
    return response
