"""The learning pages: the board, an experiment's journey through its forms, the practices
library, the learning agenda, and who may see what."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.communities.circles import circle_create
from practica.communities.models import CircleTier
from practica.exchange.models import ThreadKind
from practica.exchange.services import thread_create
from practica.learning.models import (
    AgendaItem,
    AgendaStatus,
    Experiment,
    ExperimentStatus,
    Practice,
)
from practica.learning.services import (
    MeasureSpec,
    agenda_item_create,
    decision_make,
    experiment_join,
    experiment_propose,
    feedback_add,
    observation_add,
    practice_create,
    practice_version_create,
    reflection_add,
)
from practica.ledger.models import LedgerEvent, Verb

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"learning:{name}", args=args)


@pytest.fixture
def experiment(people) -> Experiment:
    return experiment_propose(
        community=people.community,
        proposer=people.steward,
        title="Straw mulch on clay beds",
        question="Does mulch cut watering on clay?",
        hypothesis="Mulched beds need a third less water.",
        measures=[MeasureSpec("litres per week", "l", "lower"), MeasureSpec("yield", "kg")],
        plan="Mulch one bed, keep one bare, four weeks.",
    )


def page_of(experiment: Experiment, user) -> str:
    response = client_for(user).get(url("experiment", experiment.community.slug, experiment.pk))
    assert response.status_code == 200
    return response.content.decode()


FORMS = {
    "join": 'id="join-title"',
    "check_in": 'id="check-in-title"',
    "reflect": 'id="reflect-title"',
    "decide": 'id="decide-title"',
    "version": 'id="version-title"',
}


def forms_on(experiment: Experiment, user) -> set[str]:
    html = page_of(experiment, user)
    return {name for name, marker in FORMS.items() if marker in html}


# The board and proposing ------------------------------------------------------------------


def test_an_empty_board_explains_experiments_and_offers_members_the_form(people):
    html = client_for(people.member).get(url("experiments", "growers")).content.decode()
    assert "No experiments yet" in html
    assert "Propose the experiment" in html
    anonymous = client_for().get(url("experiments", "growers")).content.decode()
    assert "No experiments yet" in anonymous and "Propose the experiment" not in anonymous


def test_the_board_groups_experiments_by_status(people, experiment):
    running = experiment_propose(
        community=people.community,
        proposer=people.member,
        title="Rainwater butts",
        question="q",
        hypothesis="h",
    )
    experiment_join(experiment=running, person=people.newcomer)
    html = client_for(people.outsider).get(url("experiments", "growers")).content.decode()
    proposed_at = html.index('id="column-proposed"')
    running_at = html.index('id="column-running"')
    assert proposed_at < html.index("Straw mulch on clay beds") < running_at
    assert running_at < html.index("Rainwater butts") < html.index('id="column-reflecting"')


def test_proposing_through_the_form_parses_measures_and_opens_the_experiment(people):
    response = client_for(people.member).post(
        url("experiments", "growers"),
        {
            "title": "Night watering",
            "question": "Does watering at night save water?",
            "hypothesis": "Less evaporation.",
            "measures": "water used, litres, lower\nwilted plants, , fewer\nhappiness",
            "plan": "Two weeks each.",
            "checkin_every_days": "3",
        },
    )
    made = Experiment.objects.get(title="Night watering")
    assert response.status_code == 302 and response["Location"] == url(
        "experiment", "growers", made.pk
    )
    assert [(m.name, m.unit, m.better) for m in made.measures.all()] == [
        ("water used", "litres", "lower"),
        ("wilted plants", "", "lower"),
        ("happiness", "", "higher"),
    ]
    assert made.cycles.get().checkin_every_days == 3


def test_a_bad_measure_line_is_shown_on_the_measures_field_and_nothing_is_made(people):
    response = client_for(people.member).post(
        url("experiments", "growers"),
        {
            "title": "Night watering",
            "question": "q",
            "hypothesis": "h",
            "measures": "water used, litres, lower\nwilted, , sideways",
            "checkin_every_days": "7",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["measures"] == ["line 2: 'sideways' is not 'higher' or 'lower'"]
    assert not Experiment.objects.exists()


def test_a_measure_named_twice_comes_back_from_the_service_on_the_measures_field(people):
    response = client_for(people.member).post(
        url("experiments", "growers"),
        {
            "title": "Twice",
            "question": "q",
            "hypothesis": "h",
            "measures": "water\nWater",
            "checkin_every_days": "7",
        },
    )
    assert response.status_code == 422
    assert "named twice" in response.context["form"].errors["measures"][0]


def test_an_outsider_cannot_propose_and_is_told_why(people):
    response = client_for(people.outsider).post(
        url("experiments", "growers"),
        {"title": "Mine", "question": "q", "hypothesis": "h", "checkin_every_days": "7"},
    )
    assert response.status_code == 403
    assert not Experiment.objects.exists()


# One experiment: only the forms valid for this person now --------------------------------


def test_only_valid_transitions_forms_are_shown_at_each_step(people, experiment):
    steward, member, newcomer, outsider = (
        people.steward,
        people.member,
        people.newcomer,
        people.outsider,
    )
    assert forms_on(experiment, member) == {"join"}
    assert forms_on(experiment, outsider) == set()
    assert forms_on(experiment, None) == set()

    experiment_join(experiment=experiment, person=member, organisation="Allotment 4")
    assert forms_on(experiment, member) == {"check_in", "reflect"}
    assert forms_on(experiment, steward) == {"join", "reflect"}  # the proposer steers
    assert forms_on(experiment, newcomer) == {"join"}

    reflection_add(experiment=experiment, actor=member, learned="Less water.")
    assert forms_on(experiment, member) == set()  # check-ins closed, decisions for stewards
    assert forms_on(experiment, steward) == {"join", "decide"}

    decision_make(experiment=experiment, actor=steward, decision="abandon")
    assert forms_on(experiment, member) == {"version"}
    assert forms_on(experiment, outsider) == set()


def test_a_full_cycle_through_the_forms_iterates_with_a_new_plan(people, experiment):
    member, steward = client_for(people.member), client_for(people.steward)
    joined = member.post(url("join", "growers", experiment.pk), {"setting": "balcony"})
    assert joined.status_code == 302 and joined["Location"].endswith("#check-in")
    checked = member.post(
        url("check_in", "growers", experiment.pk),
        {
            "what_we_did": "Mulched bed A",
            "what_happened": "Damp soil for days",
            f"measure_{experiment.measures.get(name='litres per week').pk}": "32.5",
            f"measure_{experiment.measures.get(name='yield').pk}": "",
        },
    )
    assert checked.status_code == 302
    html = page_of(experiment, people.outsider)
    assert "32.5" in html and "balcony" in html
    assert (
        steward.post(
            url("reflect", "growers", experiment.pk), {"learned": "Clay holds water longer."}
        ).status_code
        == 302
    )
    decided = steward.post(
        url("decide", "growers", experiment.pk),
        {"decision": "iterate", "note": "Try deeper straw.", "next_plan": "Straw 10 cm deep."},
    )
    assert decided.status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING
    plans = list(experiment.cycles.order_by("number").values_list("plan", flat=True))
    assert plans == ["Mulch one bed, keep one bare, four weeks.", "Straw 10 cm deep."]
    html = page_of(experiment, people.member)
    assert "The chain of cycles" in html and "Decision: Iterate" in html


def test_a_check_in_with_a_word_for_a_number_is_refused_on_that_field(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    measure = experiment.measures.get(name="yield")
    response = client_for(people.member).post(
        url("check_in", "growers", experiment.pk),
        {"what_we_did": "a", "what_happened": "b", f"measure_{measure.pk}": "plenty"},
    )
    assert response.status_code == 422
    assert response.context["checkin_form"].errors[f"measure_{measure.pk}"]
    assert not experiment.cycles.get().observations.exists()


def test_deciding_before_reflecting_shows_a_problem_not_a_crash(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    response = client_for(people.steward).post(
        url("decide", "growers", experiment.pk), {"decision": "adopt"}
    )
    assert response.status_code == 422
    errors = response.context["decision_form"].non_field_errors()
    assert errors == ["Reflect on the cycle before deciding."]


def test_a_plan_for_the_next_cycle_with_adopt_is_refused_on_its_field(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    reflection_add(experiment=experiment, actor=people.member, learned="Works.")
    response = client_for(people.steward).post(
        url("decide", "growers", experiment.pk),
        {"decision": "adopt", "next_plan": "Something else entirely."},
    )
    assert response.status_code == 422
    assert response.context["decision_form"].errors["next_plan"]
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.REFLECTING


def test_feedback_on_a_check_in_is_posted_and_recorded_in_the_ledger(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    observation = observation_add(
        experiment=experiment, person=people.member, what_we_did="a", what_happened="b"
    )
    response = client_for(people.newcomer).post(
        url("feedback", "growers", experiment.pk, observation.pk),
        {f"feedback-{observation.pk}-body": "Did you water at dawn?"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#observation-{observation.pk}")
    assert "Did you water at dawn?" in page_of(experiment, None)
    event = LedgerEvent.objects.get(verb=Verb.GAVE_FEEDBACK)
    assert (event.actor, event.target) == (people.newcomer, people.member)
    empty = client_for(people.newcomer).post(
        url("feedback", "growers", experiment.pk, observation.pk),
        {f"feedback-{observation.pk}-body": "   "},
    )
    assert empty.status_code == 422


def test_feedback_on_a_check_in_of_another_experiment_is_not_found(people, experiment):
    other = experiment_propose(
        community=people.community, proposer=people.member, title="t", question="q", hypothesis="h"
    )
    experiment_join(experiment=other, person=people.member)
    observation = observation_add(
        experiment=other, person=people.member, what_we_did="a", what_happened="b"
    )
    response = client_for(people.newcomer).post(
        url("feedback", "growers", experiment.pk, observation.pk),
        {f"feedback-{observation.pk}-body": "Hi"},
    )
    assert response.status_code == 404


def test_the_run_chart_has_a_spec_a_table_and_a_csv_of_every_value(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    experiment_join(experiment=experiment, person=people.newcomer)
    for person, litres in [(people.member, 40), (people.newcomer, 20), (people.member, 30)]:
        observation_add(
            experiment=experiment,
            person=person,
            what_we_did="a",
            what_happened="b",
            measures={"litres per week": litres},
        )
    html = page_of(experiment, people.outsider)
    assert 'id="run-chart-spec"' in html and 'id="run-chart"' in html
    assert "The values behind the chart" in html
    assert "vendor/vega-embed/vega-embed.min.js" in html
    response = client_for(people.outsider).get(url("run_chart_csv", "growers", experiment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["participant"], r["cycle"], r["value"]) for r in rows] == [
        ("Bob Member", "1", "40.0"),
        ("Carol Newcomer", "1", "20.0"),
        ("Bob Member", "1", "30.0"),
    ]
    assert {r["measure"] for r in rows} == {"litres per week"}


def test_an_experiment_without_values_has_no_chart_but_says_why(people, experiment):
    html = page_of(experiment, people.member)
    assert 'id="run-chart"' not in html and "vega" not in html
    assert "The chart appears with the first check-in" in html


# Who may see what ------------------------------------------------------------------------


@pytest.fixture
def hidden(people) -> Experiment:
    experiment = experiment_propose(
        community=people.private,
        proposer=people.steward,
        title="Secret trial",
        question="q",
        hypothesis="h",
        measures=[MeasureSpec("count")],
    )
    experiment_join(experiment=experiment, person=people.member)
    observation_add(
        experiment=experiment,
        person=people.member,
        what_we_did="a",
        what_happened="b",
        measures={"count": 3},
    )
    return experiment


def test_outsiders_get_404_on_every_learning_page_of_a_members_only_community(people, hidden):
    practice = practice_create(
        community=people.private, author=people.steward, name="Quiet", summary="s"
    )
    pages = [
        url("experiments", "stewards"),
        url("experiment", "stewards", hidden.pk),
        url("run_chart_csv", "stewards", hidden.pk),
        url("practices", "stewards"),
        url("practice", "stewards", practice.pk),
        url("version_diff", "stewards", practice.pk, 1),
        url("agenda", "stewards"),
    ]
    for user in (people.outsider, None):
        for page in pages:
            response = client_for(user).get(page)
            assert response.status_code == 404, (user, page)
            assert b"Secret trial" not in response.content
    posts = [
        url("join", "stewards", hidden.pk),
        url("check_in", "stewards", hidden.pk),
        url("reflect", "stewards", hidden.pk),
        url("decide", "stewards", hidden.pk),
    ]
    for post in posts:
        assert client_for(people.outsider).post(post, {}).status_code == 404
    assert (
        client_for(people.member).get(url("experiment", "stewards", hidden.pk)).status_code == 200
    )
    assert (
        client_for(people.member).get(url("run_chart_csv", "stewards", hidden.pk)).status_code
        == 200
    )


def test_an_experiment_under_another_communitys_address_is_not_served_there(people, hidden):
    wrong = client_for(people.member).get(url("run_chart_csv", "growers", hidden.pk))
    assert wrong.status_code == 404
    moved = client_for(people.member).get(url("experiment", "growers", hidden.pk))
    assert moved.status_code == 301 and moved["Location"] == url(
        "experiment", "stewards", hidden.pk
    )


def test_a_practice_never_shows_the_title_of_evidence_in_a_circle_the_reader_cannot_enter(
    people,
):
    circle = circle_create(
        community=people.community,
        actor=people.steward,
        name="Stewards only",
        slug="inner",
        tier=CircleTier.PRIVATE,
    )
    secret = thread_create(
        community=people.community,
        author=people.steward,
        kind=ThreadKind.STORY,
        title="The plot we nearly lost",
        learned="Ask the council early.",
        circle=circle,
    )
    practice = practice_create(
        community=people.community,
        author=people.steward,
        name="Talk to the council early",
        summary="Before digging.",
        evidence_threads=[secret],
    )
    insider = client_for(people.steward).get(url("practice", "growers", practice.pk))
    assert "The plot we nearly lost" in insider.content.decode()
    for user in (people.member, people.outsider, None):
        html = client_for(user).get(url("practice", "growers", practice.pk)).content.decode()
        assert "The plot we nearly lost" not in html
        assert "1 more in places you cannot read" in html
        diff = client_for(user).get(url("version_diff", "growers", practice.pk, 1))
        assert "The plot we nearly lost" not in diff.content.decode()


# The practices library -------------------------------------------------------------------


@pytest.fixture
def practice(people) -> Practice:
    return practice_create(
        community=people.community,
        author=people.steward,
        name="Mulch before the heat",
        summary="Cover beds with straw in June.",
        how="1. Water.\n2. Lay straw 5 cm deep.",
    )


def test_the_library_lists_practices_with_their_current_summary(people, practice):
    practice_version_create(
        practice=practice, author=people.member, change_note="Shorter.", summary="Straw in June."
    )
    html = client_for(None).get(url("practices", "growers")).content.decode()
    assert "Mulch before the heat" in html and "Straw in June." in html
    assert "version 2" in html
    empty = client_for(people.member).get(url("practices", "stewards")).content.decode()
    assert "No practices yet" in empty


def test_a_concluded_experiment_pre_fills_a_version_with_itself_as_evidence(
    people, experiment, practice
):
    experiment_join(experiment=experiment, person=people.member)
    reflection_add(experiment=experiment, actor=people.member, learned="Clay holds water.")
    decision_make(experiment=experiment, actor=people.steward, decision="abandon")
    html = page_of(experiment, people.member)
    start = url("practice_create", "growers") + f"?experiment={experiment.pk}"
    assert start in html.replace("&amp;", "&")
    form_page = client_for(people.member).get(
        url("version_create", "growers", practice.pk), {"experiment": experiment.pk}
    )
    form = form_page.context["form"]
    assert form["supporting_experiments"].value() == [experiment.pk]
    assert "Straw mulch on clay beds" in form["change_note"].value()
    assert "Clay holds water." in form["change_note"].value()
    saved = client_for(people.member).post(
        url("version_create", "growers", practice.pk),
        {
            "name": practice.name,
            "summary": "Cover beds with straw in June.",
            "how": "1. Water.\n2. Lay straw 8 cm deep.",
            "maturity": "tested",
            "change_note": form["change_note"].value(),
            "supporting_experiments": [experiment.pk],
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == url("version_diff", "growers", practice.pk, 2)
    latest = practice.versions.get(number=2)
    assert [e.experiment_id for e in latest.evidence.all()] == [experiment.pk]
    practice.refresh_from_db()
    assert practice.maturity == "tested"
    diff = client_for(None).get(saved["Location"]).content.decode()
    assert "Lay straw 8 cm deep." in diff and "Lay straw 5 cm deep." in diff
    assert "<ins" in diff and "<del" in diff


def test_a_version_without_a_change_note_keeps_the_form_and_says_so(people, practice):
    response = client_for(people.member).post(
        url("version_create", "growers", practice.pk),
        {"name": practice.name, "summary": "New.", "maturity": "emerging", "change_note": " "},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["change_note"]
    assert practice.versions.count() == 1


def test_a_version_citing_an_unreadable_thread_names_it_on_the_field(people, practice):
    response = client_for(people.member).post(
        url("version_create", "growers", practice.pk),
        {
            "name": practice.name,
            "summary": "New.",
            "maturity": "emerging",
            "change_note": "Because.",
            "challenging_threads": "https://example.org/c/growers/t/999/",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["challenging_threads"] == [
        "There is no thread 999 you can read here."
    ]


def test_a_version_can_cite_a_story_that_challenges_the_practice(people, practice):
    story = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.STORY,
        title="Slugs loved the straw",
        what_happened="The straw hid slugs.",
    )
    response = client_for(people.member).post(
        url("version_create", "growers", practice.pk),
        {
            "name": practice.name,
            "summary": "Cover beds with straw in June.",
            "watch_for": "Slugs hide under straw in wet years.",
            "maturity": "emerging",
            "change_note": "Slugs.",
            "challenging_threads": f"/c/growers/t/{story.pk}/",
        },
    )
    assert response.status_code == 302
    html = client_for(None).get(url("practice", "growers", practice.pk)).content.decode()
    challenges = html.index("Challenges it")
    assert html.index("Slugs loved the straw") > challenges


def test_adding_a_practice_through_the_form(people):
    response = client_for(people.member).post(
        url("practice_create", "growers"),
        {"name": "Seed swap", "summary": "Swap seed in March.", "maturity": "emerging"},
    )
    practice = Practice.objects.get(name="Seed swap")
    assert response.status_code == 302
    assert response["Location"] == url("practice", "growers", practice.pk)


def test_every_thread_page_offers_members_to_distil_it_into_a_draft(people):
    story = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.STORY,
        title="Saving seed from our best tomatoes",
        learned="Early fruit gives earlier plants next year.",
    )
    thread_page = reverse("exchange:thread", args=["growers", story.pk])
    assert "Distil into a practice" in client_for(people.newcomer).get(thread_page).content.decode()
    assert (
        "Distil into a practice"
        not in client_for(people.outsider).get(thread_page).content.decode()
    )
    response = client_for(people.newcomer).post(url("distil", "growers"), {"thread": story.pk})
    draft = Practice.objects.get()
    assert draft.is_draft
    assert response["Location"] == url("version_create", "growers", draft.pk)
    form_page = client_for(people.newcomer).get(response["Location"])
    assert "Edit the draft" in form_page.content.decode()
    assert form_page.context["form"]["summary"].value() == (
        "Early fruit gives earlier plants next year."
    )
    published = client_for(people.newcomer).post(
        response["Location"],
        {
            "name": "Save seed from the earliest fruit",
            "summary": "Early fruit gives earlier plants next year.",
            "maturity": "emerging",
            "change_note": "Named it as a practice.",
        },
    )
    assert published.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.is_draft) == ("Save seed from the earliest fruit", False)


def test_distilling_a_thread_one_cannot_read_is_not_found(people):
    private_thread = thread_create(
        community=people.private,
        author=people.member,
        kind=ThreadKind.DISCUSSION,
        title="x",
        body="y",
    )
    response = client_for(people.outsider).post(
        url("distil", "growers"), {"thread": private_thread.pk}
    )
    assert response.status_code == 404
    assert not Practice.objects.exists()


# The learning agenda ---------------------------------------------------------------------


def test_the_agenda_adds_questions_and_links_experiments_and_threads(people, experiment):
    member = client_for(people.member)
    empty = member.get(url("agenda", "growers")).content.decode()
    assert "No questions yet" in empty
    added = member.post(url("agenda", "growers"), {"question": "How do we save water?"})
    item = AgendaItem.objects.get()
    assert added["Location"] == url("agenda", "growers") + f"#item-{item.pk}"
    thread = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="Who has a rain barrel?",
        body="?",
    )
    prefix = f"item-{item.pk}"
    updated = member.post(
        url("agenda_update", "growers", item.pk),
        {
            f"{prefix}-status": "open",
            f"{prefix}-experiment": str(experiment.pk),
            f"{prefix}-threads": f"#{thread.pk}",
        },
    )
    assert updated.status_code == 302
    item.refresh_from_db()
    assert item.status == AgendaStatus.BEING_EXPLORED
    assert list(item.experiments.all()) == [experiment]
    assert list(item.threads.all()) == [thread]
    html = client_for(None).get(url("agenda", "growers")).content.decode()
    assert "Straw mulch on clay beds" in html and "Who has a rain barrel?" in html
    filtered = client_for(None).get(url("agenda", "growers"), {"status": "answered"})
    assert "How do we save water?" not in filtered.content.decode()


def test_an_agenda_link_to_an_unknown_thread_is_shown_on_that_questions_form(people):
    item = agenda_item_create(community=people.community, author=people.member, question="Q?")
    prefix = f"item-{item.pk}"
    response = client_for(people.member).post(
        url("agenda_update", "growers", item.pk),
        {f"{prefix}-status": "answered", f"{prefix}-threads": "12345"},
    )
    assert response.status_code == 422
    assert b"There is no thread 12345 you can read here." in response.content
    item.refresh_from_db()
    assert item.status == AgendaStatus.OPEN


def test_outsiders_cannot_change_the_agenda(people):
    item = agenda_item_create(community=people.community, author=people.member, question="Q?")
    prefix = f"item-{item.pk}"
    response = client_for(people.outsider).post(
        url("agenda_update", "growers", item.pk), {f"{prefix}-status": "answered"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == AgendaStatus.OPEN


# Tabs and query counts -------------------------------------------------------------------


def test_the_community_shows_the_three_learning_tabs(people):
    html = client_for(None).get(reverse("communities:detail", args=["growers"])).content.decode()
    for label, name in (
        ("Experiments", "experiments"),
        ("Practices", "practices"),
        ("Learning agenda", "agenda"),
    ):
        assert f'href="{url(name, "growers")}"' in html and label in html


def queries_for(client: Client, page: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200
    return len(captured.captured_queries)


def test_the_experiment_page_costs_the_same_queries_with_more_check_ins(people, experiment):
    for person in (people.member, people.newcomer):
        experiment_join(experiment=experiment, person=person)
    client, page = client_for(people.member), url("experiment", "growers", experiment.pk)

    def check_in(person) -> None:
        observation = observation_add(
            experiment=experiment,
            person=person,
            what_we_did="a",
            what_happened="b",
            measures={"litres per week": 3, "yield": 1},
        )
        feedback_add(observation=observation, author=people.steward, body="Thanks")

    check_in(people.member)
    few = queries_for(client, page)
    for person in (people.member, people.newcomer) * 4:
        check_in(person)
    assert queries_for(client, page) == few <= 20


def test_the_learning_pages_cost_a_fixed_number_of_queries(people, experiment):
    for n in range(5):
        item = agenda_item_create(
            community=people.community, author=people.member, question=f"Q{n}?"
        )
        item.experiments.add(experiment)
        practice = practice_create(
            community=people.community, author=people.member, name=f"P{n}", summary="s"
        )
        practice_version_create(practice=practice, author=people.member, change_note="c")
    client = client_for(people.member)
    budgets = {
        url("experiments", "growers"): 12,
        url("agenda", "growers"): 12,
        url("practices", "growers"): 10,
        url("practice", "growers", practice.pk): 12,
        url("version_diff", "growers", practice.pk, 2): 14,
    }
    for page, budget in budgets.items():
        assert queries_for(client, page) <= budget, page
