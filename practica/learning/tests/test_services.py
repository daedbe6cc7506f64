"""An experiment's journey through its cycles, and what it teaches the practices library."""

from __future__ import annotations

import pytest

from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from practica.exchange.models import ThreadKind
from practica.exchange.services import reply_accept, reply_create, thread_create
from practica.learning.models import (
    AgendaStatus,
    Decision,
    ExperimentStatus,
    Maturity,
    Observation,
)
from practica.learning.selectors import (
    experiment_get,
    practice_get,
    run_chart_csv,
    run_chart_medians,
    run_chart_points,
    run_chart_spec,
    version_diff,
)
from practica.learning.services import (
    MeasureSpec,
    agenda_item_create,
    agenda_item_update,
    decision_make,
    experiment_join,
    experiment_propose,
    feedback_add,
    observation_add,
    practice_create,
    practice_distil,
    practice_version_create,
    reflection_add,
)
from practica.ledger.models import LedgerEvent, Verb

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(people):
    return practice_create(
        community=people.community,
        author=people.steward,
        name="Mulch before the heat",
        summary="Cover beds with straw in June.",
        how="1. Water.\n2. Lay straw 5 cm deep.",
    )


@pytest.fixture
def experiment(people, practice):
    return experiment_propose(
        community=people.community,
        proposer=people.steward,
        title="Straw mulch on clay beds",
        question="Does mulch cut watering on clay?",
        hypothesis="Mulched beds need a third less water.",
        measures=[MeasureSpec("litres per week", "l", "lower"), MeasureSpec("yield", "kg")],
        practice=practice,
        plan="Mulch one bed, keep one bare, four weeks.",
    )


def check_in(experiment, person, litres, kg=None):
    values = {"litres per week": litres}
    if kg is not None:
        values["yield"] = kg
    return observation_add(
        experiment=experiment,
        person=person,
        what_we_did="Mulched bed A",
        what_happened="Soil stayed damp",
        measures=values,
    )


def test_a_full_cycle_then_iterate_then_adopt_revises_the_practice(people, experiment, practice):
    assert experiment.status == ExperimentStatus.PROPOSED
    experiment_join(experiment=experiment, person=people.member, organisation="Allotment 4")
    experiment_join(
        experiment=experiment, person=people.newcomer, setting="balcony", scale="2 pots"
    )
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING
    check_in(experiment, people.member, 40, 3.5)
    check_in(experiment, people.newcomer, 12)
    reflection_add(experiment=experiment, actor=people.member, learned="Less water on clay.")
    decision_make(experiment=experiment, actor=people.steward, decision=Decision.ITERATE)
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING
    check_in(experiment, people.member, 30)
    reflection_add(
        experiment=experiment,
        actor=people.steward,
        learned="Holds.",
        differences="Pots dry faster.",
    )
    decision_make(experiment=experiment, actor=people.steward, decision=Decision.ADOPT, note="Go.")
    chain = experiment_get(experiment_id=experiment.pk, user=people.outsider)
    assert [(c.number, c.decision) for c in chain.cycles.all()] == [(1, "iterate"), (2, "adopt")]
    assert chain.status == ExperimentStatus.CONCLUDED
    revised = practice_get(practice_id=practice.pk, user=people.member)
    latest = revised.current
    assert latest is not None and latest.number == 2
    assert "Straw mulch on clay beds" in latest.change_note
    assert [e.experiment_id for e in latest.evidence.all()] == [experiment.pk]
    assert "Pots dry faster." in latest.watch_for
    assert revised.maturity == Maturity.TESTED


def test_observations_need_a_participant_and_known_finite_measures(people, experiment):
    with pytest.raises(NotAllowed):
        check_in(experiment, people.member, 10)
    experiment_join(experiment=experiment, person=people.member)
    with pytest.raises(InvalidInput) as unknown:
        observation_add(
            experiment=experiment,
            person=people.member,
            what_we_did="x",
            what_happened="y",
            measures={"happiness": 3},
        )
    assert unknown.value.field == "measures" and "litres per week" in unknown.value.message
    with pytest.raises(InvalidInput):
        check_in(experiment, people.member, float("nan"))
    assert not Observation.objects.exists()


def test_no_observation_on_a_cycle_being_reflected_on_or_a_concluded_experiment(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    check_in(experiment, people.member, 10)
    reflection_add(experiment=experiment, actor=people.member, learned="Enough.")
    with pytest.raises(Conflict):
        check_in(experiment, people.member, 11)
    decision_make(experiment=experiment, actor=people.steward, decision=Decision.ABANDON)
    with pytest.raises(Conflict):
        check_in(experiment, people.member, 12)
    with pytest.raises(Conflict):
        experiment_join(experiment=experiment, person=people.newcomer)
    assert Observation.objects.count() == 1


def test_no_decision_before_reflection_and_only_by_proposer_or_steward(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    with pytest.raises(Conflict):
        decision_make(experiment=experiment, actor=people.steward, decision=Decision.ADOPT)
    reflection_add(experiment=experiment, actor=people.member, learned="Hm.")
    with pytest.raises(NotAllowed):
        decision_make(experiment=experiment, actor=people.member, decision=Decision.ADOPT)
    with pytest.raises(InvalidInput):
        decision_make(experiment=experiment, actor=people.steward, decision="shrug")
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.REFLECTING


def test_feedback_on_an_observation_is_an_interaction(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    observation = check_in(experiment, people.member, 10)
    feedback_add(observation=observation, author=people.newcomer, body="Did you water at dawn?")
    event = LedgerEvent.objects.get(verb=Verb.GAVE_FEEDBACK)
    assert (event.actor, event.target) == (people.newcomer, people.member)


def test_run_chart_has_every_value_with_its_median_and_a_csv(people, experiment):
    experiment_join(experiment=experiment, person=people.member)
    experiment_join(experiment=experiment, person=people.newcomer)
    for person, litres in [(people.member, 40), (people.newcomer, 20), (people.member, 30)]:
        check_in(experiment, person, litres)
    points = run_chart_points(experiment)
    assert [p.value for p in points] == [40, 20, 30]
    assert run_chart_medians(points) == {"litres per week": 30}
    spec = run_chart_spec(experiment)
    assert len(spec["data"]["values"]) == 3
    csv_text = run_chart_csv(experiment)
    assert csv_text.splitlines()[0].startswith("measure,unit,better,participant,cycle")
    assert len(csv_text.splitlines()) == 4


def test_a_version_needs_a_change_note_and_keeps_what_it_does_not_change(people, practice):
    with pytest.raises(InvalidInput) as err:
        practice_version_create(practice=practice, author=people.member, change_note=" ")
    assert err.value.field == "change_note"
    version = practice_version_create(
        practice=practice,
        author=people.member,
        change_note="Deeper straw after the July storms.",
        how="1. Water.\n2. Lay straw 8 cm deep.",
    )
    assert version.summary == "Cover beds with straw in June." and version.number == 2
    first = practice.versions.get(number=1)
    (diff,) = version_diff(first, version)
    assert diff.field == "how"
    assert ("removed", "2. Lay straw 5 cm deep.") in diff.lines
    assert ("added", "2. Lay straw 8 cm deep.") in diff.lines


def test_a_story_distils_into_a_draft_practice_that_cites_it(people):
    story = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.STORY,
        title="Saving seed from our best tomatoes",
        context="A community plot",
        what_happened="We kept seed from the earliest fruit.",
        learned="Early fruit gives earlier plants next year.",
        differently="Label the jars.",
    )
    draft = practice_distil(thread=story, author=people.newcomer)
    assert draft.is_draft
    version = draft.current
    assert version is not None
    assert version.summary == "Early fruit gives earlier plants next year."
    assert [e.thread_id for e in version.evidence.all()] == [story.pk]


def test_a_question_distils_from_its_accepted_answer(people):
    question = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="When to sow beans?",
        body="Cold spring.",
    )
    answer = reply_create(thread=question, author=people.steward, body="After the last frost.")
    reply_accept(reply=answer, actor=people.member)
    draft = practice_distil(thread=question, author=people.member)
    assert draft.current is not None and draft.current.summary == "After the last frost."


def test_the_learning_agenda_links_experiments_and_moves_on(people, experiment):
    item = agenda_item_create(
        community=people.community, author=people.member, question="How do we save water?"
    )
    agenda_item_update(item=item, actor=people.member, experiments=[experiment])
    assert item.status == AgendaStatus.BEING_EXPLORED
    agenda_item_update(item=item, actor=people.member, status=AgendaStatus.ANSWERED)
    with pytest.raises(InvalidInput):
        agenda_item_update(item=item, actor=people.member, status="forgotten")
    with pytest.raises(NotAllowed):
        agenda_item_create(community=people.community, author=people.outsider, question="Me too?")


def test_a_members_only_communitys_experiments_are_hidden_from_outsiders(people):
    hidden = experiment_propose(
        community=people.private,
        proposer=people.steward,
        title="Secret trial",
        question="q",
        hypothesis="h",
    )
    assert experiment_get(experiment_id=hidden.pk, user=people.member) == hidden
    with pytest.raises(NotFound):
        experiment_get(experiment_id=hidden.pk, user=people.outsider)
    with pytest.raises(NotFound):
        experiment_get(experiment_id=hidden.pk, user=None)


def test_iterate_opens_the_next_cycle_with_its_own_plan_and_only_iterate_takes_one(
    people, experiment
):
    experiment_join(experiment=experiment, person=people.member)
    reflection_add(experiment=experiment, actor=people.member, learned="Too shallow.")
    with pytest.raises(InvalidInput) as err:
        decision_make(
            experiment=experiment,
            actor=people.steward,
            decision=Decision.ADOPT,
            next_plan="Deeper straw.",
        )
    assert err.value.field == "next_plan"
    decision_make(
        experiment=experiment,
        actor=people.steward,
        decision=Decision.ITERATE,
        next_plan="Straw 10 cm deep, three beds.",
    )
    plans = [c.plan for c in experiment_get(experiment_id=experiment.pk, user=None).cycles.all()]
    assert plans == ["Mulch one bed, keep one bare, four weeks.", "Straw 10 cm deep, three beds."]


def test_a_version_may_rename_the_card_and_cite_what_challenges_it(people, practice):
    story = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.STORY,
        title="Slugs loved the straw",
        what_happened="The straw hid slugs.",
    )
    version = practice_version_create(
        practice=practice,
        author=people.member,
        change_note="Slugs in wet years.",
        name="Mulch before the heat (dry years)",
        challenged_by_threads=[story],
    )
    practice.refresh_from_db()
    assert practice.name == "Mulch before the heat (dry years)"
    assert [(e.thread_id, e.stance) for e in version.evidence.all()] == [(story.pk, "challenges")]
    with pytest.raises(InvalidInput) as err:
        practice_version_create(practice=practice, author=people.member, change_note="x", name="  ")
    assert err.value.field == "name"
    assert practice.versions.count() == 2
