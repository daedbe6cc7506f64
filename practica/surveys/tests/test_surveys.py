"""Pulse surveys: stewards run them, members answer once, results only as aggregates of 5+."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from practica.surveys.instruments import TRUST, items_of
from practica.surveys.models import Response
from practica.surveys.selectors import survey_get, survey_results, survey_trend
from practica.surveys.services import survey_answer, survey_close, survey_create, survey_open

pytestmark = pytest.mark.django_db
#: Named explicitly: other backends may come first in AUTHENTICATION_BACKENDS.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def running(people, scales=("trust",), ask_story=False, title="Spring pulse"):
    survey = survey_create(
        community=people.community,
        actor=people.steward,
        title=title,
        scales=list(scales),
        ask_story=ask_story,
    )
    return survey_open(survey=survey, actor=people.steward)


def all_at(value: int, scales=("trust",)) -> dict[str, int]:
    return {item.key: value for item in items_of(list(scales))}


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_only_stewards_run_surveys_and_scales_must_be_known(people):
    with pytest.raises(NotAllowed):
        survey_create(community=people.community, actor=people.member, title="x", scales=["trust"])
    with pytest.raises(InvalidInput) as bad:
        survey_create(community=people.community, actor=people.steward, title="x", scales=["mood"])
    assert bad.value.field == "scales" and "mood" in bad.value.message
    with pytest.raises(InvalidInput):
        survey_create(community=people.community, actor=people.steward, title="x", scales=[])


def test_a_member_answers_once_and_may_change_the_answer_until_it_closes(people):
    survey = running(people)
    survey_answer(survey=survey, person=people.member, answers=all_at(3))
    survey_answer(survey=survey, person=people.member, answers=all_at(6))
    assert Response.objects.filter(survey=survey).count() == 1
    assert Response.objects.get(survey=survey).answers == all_at(6)
    survey_close(survey=survey, actor=people.steward)
    with pytest.raises(Conflict):
        survey_answer(survey=survey, person=people.member, answers=all_at(1))


def test_answers_are_checked_item_by_item(people):
    survey = running(people)
    missing = all_at(4)
    missing.pop(TRUST.items[0].key)
    with pytest.raises(InvalidInput) as gap:
        survey_answer(survey=survey, person=people.member, answers=missing)
    assert gap.value.field == TRUST.items[0].key
    with pytest.raises(InvalidInput) as high:
        survey_answer(survey=survey, person=people.member, answers={**all_at(4), "tr_rely": 8})
    assert high.value.field == "tr_rely"
    with pytest.raises(InvalidInput) as extra:
        survey_answer(survey=survey, person=people.member, answers={**all_at(4), "ps_risk": 2})
    assert extra.value.field == "ps_risk"


def test_outsiders_neither_answer_nor_see_surveys(people):
    survey = running(people)
    with pytest.raises(NotAllowed):
        survey_answer(survey=survey, person=people.outsider, answers=all_at(4))
    with pytest.raises(NotFound):
        survey_get(survey_id=survey.pk, user=people.outsider)


def test_drafts_are_for_stewards_only(people):
    draft = survey_create(
        community=people.community, actor=people.steward, title="Draft", scales=["trust"]
    )
    with pytest.raises(NotFound):
        survey_get(survey_id=draft.pk, user=people.member)
    assert survey_get(survey_id=draft.pk, user=people.steward) == draft
    with pytest.raises(Conflict):
        survey_answer(survey=draft, person=people.steward, answers=all_at(4))


def test_results_wait_for_the_close_even_with_enough_answers(crowd):
    survey = running(crowd.people)
    for person in crowd.growers:
        survey_answer(survey=survey, person=person, answers=all_at(5))
    assert survey_results(survey=survey).results is None
    assert survey_results(survey=survey).waiting_for == "close"
    survey_close(survey=survey, actor=crowd.people.steward)
    outcome = survey_results(survey=survey)
    assert outcome.results is not None and outcome.results.scales[0].score == 5.0


def test_a_survey_closed_with_four_answers_never_shows_results(crowd):
    survey = running(crowd.people)
    for person in crowd.growers[:4]:
        survey_answer(survey=survey, person=person, answers=all_at(2))
    survey_close(survey=survey, actor=crowd.people.steward)
    outcome = survey_results(survey=survey)
    assert outcome.results is None and outcome.waiting_for == "respondents"
    assert survey_trend(community=crowd.people.community) == []


def test_only_stories_their_writers_share_are_shown_and_never_with_a_name(crowd, client):
    survey = running(crowd.people, ask_story=True)
    for n, person in enumerate(crowd.growers):
        survey_answer(
            survey=survey,
            person=person,
            answers=all_at(4),
            story=f"Story number {n} about compost",
            share_story=n < 2,
        )
    survey_close(survey=survey, actor=crowd.people.steward)
    assert sorted(survey_results(survey=survey).stories) == [
        "Story number 0 about compost",
        "Story number 1 about compost",
    ]
    client.force_login(crowd.people.steward, backend=MODEL_BACKEND)
    page = flat(client.get(reverse("surveys:results", args=["growers", survey.pk])))
    assert "Story number 0 about compost" in page
    assert "Story number 4 about compost" not in page
    assert "Grower 1" not in page and "grower1" not in page


def test_nobody_sees_one_persons_answers_not_even_a_steward(crowd, client):
    survey = running(crowd.people)
    for n, person in enumerate(crowd.growers):
        survey_answer(survey=survey, person=person, answers=all_at(1 + n))
    client.force_login(crowd.people.steward, backend=MODEL_BACKEND)
    open_page = flat(client.get(reverse("surveys:detail", args=["growers", survey.pk])))
    assert not re.search(r"Grower \d|grower\d", open_page)
    survey_close(survey=survey, actor=crowd.people.steward)
    results = flat(client.get(reverse("surveys:results", args=["growers", survey.pk])))
    assert not re.search(r"Grower \d|grower\d", results) and "5 people answered" in results


def test_the_trend_follows_closed_surveys_in_order(crowd):
    for title, value in (("Spring", 3), ("Autumn", 6)):
        survey = running(crowd.people, title=title)
        for person in crowd.growers:
            survey_answer(survey=survey, person=person, answers=all_at(value))
        survey_close(survey=survey, actor=crowd.people.steward)
    trend = survey_trend(community=crowd.people.community)
    assert [(p.title, p.scores["trust"]) for p in trend] == [("Spring", 3.0), ("Autumn", 6.0)]


# Pages ---------------------------------------------------------------------------------


def test_a_steward_writes_opens_and_closes_a_survey_through_the_pages(crowd, client):
    client.force_login(crowd.people.steward, backend=MODEL_BACKEND)
    response = client.post(
        reverse("surveys:create", args=["growers"]),
        {"title": "Pulse", "scales": ["psychological_safety", "value"], "ask_story": "on"},
    )
    assert response.status_code == 302
    survey_id = int(response["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("surveys:open", args=["growers", survey_id]))
    page = flat(client.get(response["Location"]))
    assert "Nobody sees your own answers" in page
    assert "It is hard to ask others here for help." in page
    assert "Close and see results" in page
    client.post(reverse("surveys:close", args=["growers", survey_id]))
    results = flat(client.get(reverse("surveys:results", args=["growers", survey_id])))
    assert "Results appear when 5 or more people have answered" in results


def test_a_member_answers_through_the_form_and_sees_their_own_answers_again(people, client):
    survey = running(people)
    client.force_login(people.member, backend=MODEL_BACKEND)
    url = reverse("surveys:detail", args=["growers", survey.pk])
    incomplete = client.post(url, {"tr_rely": "5"})
    assert incomplete.status_code == 422 and "Choose how much you agree" in flat(incomplete)
    done = client.post(url, {key: "5" for key in all_at(5)})
    assert done.status_code == 302
    again = flat(client.get(url))
    assert "Save my changes" in again
    assert re.search(r'value="5"[^>]*checked', again) or re.search(r'checked[^>]*value="5"', again)


def test_the_results_page_before_the_close_says_when_results_appear(people, client):
    survey = running(people)
    client.force_login(people.member, backend=MODEL_BACKEND)
    page = flat(client.get(reverse("surveys:results", args=["growers", survey.pk])))
    assert "Results appear when the survey closes, if 5 or more people have answered" in page


def test_survey_pages_are_404_for_people_outside_the_community(people, client):
    survey = running(people)
    client.force_login(people.outsider, backend=MODEL_BACKEND)
    assert client.get(reverse("surveys:list", args=["growers"])).status_code == 404
    assert client.get(reverse("surveys:detail", args=["growers", survey.pk])).status_code == 404


def test_members_cannot_open_or_close_surveys(people, client):
    survey = survey_create(
        community=people.community, actor=people.steward, title="Draft", scales=["trust"]
    )
    survey_open(survey=survey, actor=people.steward)
    client.force_login(people.member, backend=MODEL_BACKEND)
    response = client.post(reverse("surveys:close", args=["growers", survey.pk]))
    assert response.status_code == 403


def test_the_survey_list_shows_scores_over_time(crowd, client):
    for title, value in (("Spring", 3), ("Autumn", 6)):
        survey = running(crowd.people, title=title)
        for person in crowd.growers:
            survey_answer(survey=survey, person=person, answers=all_at(value))
        survey_close(survey=survey, actor=crowd.people.steward)
    client.force_login(crowd.people.member, backend=MODEL_BACKEND)
    page = flat(client.get(reverse("surveys:list", args=["growers"])))
    assert "Over time" in page
    # Columns: survey, closed, answers, psychological safety, trust, value.
    assert re.search(
        r"Spring</a></th> <td>.*?</td> <td>5</td> <td>–</td><td>3\.0</td><td>–</td>", page
    )
    assert re.search(r"Autumn</a></th> <td>.*?</td> <td>5</td> <td>–</td><td>6\.0</td>", page)
