"""Pulse surveys over HTTP: the list for members, and results as aggregates only."""

from __future__ import annotations

from practica.accounts.services import user_create
from practica.communities.services import community_join
from practica.surveys.services import survey_answer, survey_close, survey_create, survey_open
from practica.testing.api import ApiClient, Cast

pytest_plugins = ["practica.testing.api_fixtures"]

TRUST_ITEMS = ("tr_rely", "tr_unknown", "tr_open", "tr_stewards")


def closed_survey(cast: Cast, respondents: int):
    survey = survey_open(
        survey=survey_create(
            community=cast.gardeners, actor=cast.stella, title="Pulse", scales=["trust"],
            ask_story=True,
        ),
        actor=cast.stella,
    )  # fmt: skip
    for n in range(respondents):
        person = user_create(username=f"g{n}")
        community_join(community=cast.gardeners, user=person)
        survey_answer(
            survey=survey,
            person=person,
            answers={key: 1 + n for key in TRUST_ITEMS},
            story=f"Story {n}",
            share_story=n == 0,
        )
    return survey_close(survey=survey, actor=cast.stella)


def test_members_list_surveys_and_outsiders_see_none(api: ApiClient, cast: Cast) -> None:
    draft = survey_create(community=cast.gardeners, actor=cast.stella, title="D", scales=["value"])
    steward = api.as_(cast.stella).get("/api/v1/communities/gardeners/surveys")
    assert [s["id"] for s in steward.body] == [draft.pk]
    assert api.as_(cast.mo).get("/api/v1/communities/gardeners/surveys").body == []
    survey_open(survey=draft, actor=cast.stella)
    member = api.as_(cast.mo).get("/api/v1/communities/gardeners/surveys").body
    assert member[0]["status"] == "open" and member[0]["respondents"] == 0
    assert api.as_(cast.otto).get("/api/v1/communities/gardeners/surveys").body == []
    assert api.get("/api/v1/communities/gardeners/surveys").status == 401


def test_results_are_aggregates_of_five_or_more_people(api: ApiClient, cast: Cast) -> None:
    survey = closed_survey(cast, 5)
    body = api.as_(cast.mo).get(f"/api/v1/surveys/{survey.pk}/results").body
    assert body["available"] is True and body["respondents"] == 5
    scale = body["scales"][0]
    assert scale["key"] == "trust" and scale["score"] == 3.0
    assert scale["items"][0]["distribution"] == [1, 1, 1, 1, 1, 0, 0]
    assert body["stories"] == ["Story 0"]
    assert "g0" not in str(body)


def test_four_answers_give_no_results_over_the_api(api: ApiClient, cast: Cast) -> None:
    survey = closed_survey(cast, 4)
    body = api.as_(cast.stella).get(f"/api/v1/surveys/{survey.pk}/results").body
    assert body["available"] is False and body["scales"] == [] and body["stories"] == []
    assert body["respondents"] == 4


def test_results_of_another_communitys_survey_are_404(api: ApiClient, cast: Cast) -> None:
    survey = closed_survey(cast, 5)
    assert api.as_(cast.otto).get(f"/api/v1/surveys/{survey.pk}/results").status == 404
