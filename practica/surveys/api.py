"""API of pulse surveys: the list, and results as aggregates (never one person's answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from practica.communities.selectors import community_get_readable
from practica.core.api_auth import caller, signed_in
from practica.core.api_schemas import ERRORS_READ, ObjectId, Slug
from practica.surveys.aggregates import MIN_RESPONDENTS
from practica.surveys.selectors import survey_get, survey_list, survey_results

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    title: str
    intro: str
    status: str = Field(description="draft (stewards only), open or closed.")
    scales: list[str] = Field(description="psychological_safety, trust, value.")
    ask_story: bool
    respondents: int
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return str(obj.community.slug)

    @staticmethod
    def resolve_respondents(obj: Any) -> int:
        return int(getattr(obj, "respondents", 0) or obj.responses.count())


class ItemOut(Schema):
    key: str
    text: str
    reverse_scored: bool
    mean: float = Field(description="Average agreement as answered, 1 to 7.")
    distribution: list[int] = Field(description="How many people answered 1, 2, ... 7.")


class ScaleOut(Schema):
    key: str
    title: str
    score: float | None = Field(
        description="Average of each person's scale score, reverse-scored items turned round; "
        "higher is better."
    )
    items: list[ItemOut]


class ResultsOut(Schema):
    survey_id: int
    status: str
    respondents: int
    available: bool = Field(
        description=f"Results exist once the survey is closed with {MIN_RESPONDENTS} or more "
        "answers; until then scales and stories are empty."
    )
    scales: list[ScaleOut]
    stories: list[str] = Field(description="Value-creation stories shared, without names.")


@router.get(
    "/communities/{slug}/surveys",
    response={200: list[SurveyOut], **ERRORS_READ},
    summary="List a community's pulse surveys",
)
def surveys(request: HttpRequest, slug: Slug) -> Any:
    """For members of the community (others get an empty list); drafts for stewards only."""
    community = community_get_readable(slug=slug, user=signed_in(request))
    return list(survey_list(community=community, user=caller(request)).select_related("community"))


@router.get(
    "/surveys/{id}/results",
    response={200: ResultsOut, **ERRORS_READ},
    summary="Read a survey's results (aggregates only)",
)
def results(request: HttpRequest, id: ObjectId) -> Any:
    outcome = survey_results(survey=survey_get(survey_id=id, user=signed_in(request)))
    r = outcome.results
    return {
        "survey_id": outcome.survey.pk,
        "status": outcome.survey.status,
        "respondents": outcome.respondents,
        "available": r is not None,
        "scales": [
            {
                "key": s.scale.key,
                "title": s.scale.title,
                "score": s.score,
                "items": [
                    {
                        "key": i.item.key,
                        "text": i.item.text,
                        "reverse_scored": i.item.reverse,
                        "mean": i.mean,
                        "distribution": list(i.distribution),
                    }
                    for i in s.items
                ],
            }
            for s in (r.scales if r is not None else ())
        ],
        "stories": list(outcome.stories),
    }
