"""The collaborative-learning API over HTTP, checked against its OpenAPI contract."""

from __future__ import annotations

import pytest

from practica.exchange.services import thread_create

pytest_plugins = ["practica.testing.api_fixtures"]

pytestmark = pytest.mark.django_db(transaction=True)

EXPERIMENT = {
    "title": "Straw mulch on clay beds",
    "question": "Does mulch cut watering on clay?",
    "hypothesis": "Mulched beds need a third less water.",
    "measures": [{"name": "litres", "unit": "l", "better": "lower"}],
    "plan": "Four weeks, one bed mulched.",
}


@pytest.fixture
def practice_id(api, cast):
    made = api.as_(cast.stella).post(
        "/api/v1/communities/gardeners/practices",
        {"name": "Mulch before the heat", "summary": "Straw in June.", "how": "Lay 5 cm."},
    )
    assert made.status == 201, made.text
    return made.body["id"]


def test_one_experiment_through_two_cycles_to_a_new_practice_version(api, cast, practice_id):
    stella, mo, nina = api.as_(cast.stella), api.as_(cast.mo), api.as_(cast.nina)
    made = stella.post(
        "/api/v1/communities/gardeners/experiments", {**EXPERIMENT, "practice_id": practice_id}
    )
    assert made.status == 201, made.text
    path = f"/api/v1/experiments/{made.body['id']}"
    assert made.body["status"] == "proposed" and len(made.body["cycles"]) == 1
    assert mo.post(f"{path}/join", {"organisation": "Allotment 4"}).status == 200
    assert nina.post(f"{path}/join", {"setting": "balcony"}).status == 200
    checkin = {"what_we_did": "Mulched", "what_happened": "Damp soil", "measures": {"litres": 30}}
    observed = mo.post(f"{path}/observations", checkin)
    assert observed.status == 201 and observed.body["measures"] == {"litres": 30.0}
    feedback = nina.post(f"/api/v1/observations/{observed.body['id']}/feedback", {"body": "Nice"})
    assert feedback.status == 201
    assert nina.post(f"{path}/observations", {**checkin, "measures": {"litres": 12}}).status == 201
    assert stella.post(f"{path}/reflection", {"learned": "Less water."}).status == 200
    iterated = stella.post(f"{path}/decision", {"decision": "iterate"})
    assert iterated.status == 200 and iterated.body["status"] == "running"
    assert [c["number"] for c in iterated.body["cycles"]] == [1, 2]
    assert mo.post(f"{path}/observations", {**checkin, "measures": {"litres": 25}}).status == 201
    assert mo.post(f"{path}/reflection", {"learned": "It holds."}).status == 200
    adopted = stella.post(f"{path}/decision", {"decision": "adopt", "note": "Everyone mulches."})
    assert adopted.body["status"] == "concluded"
    assert [c["decision"] for c in adopted.body["cycles"]] == ["iterate", "adopt"]
    practice = api.get(f"/api/v1/practices/{practice_id}").body
    assert [v["number"] for v in practice["versions"]] == [1, 2]
    assert practice["versions"][1]["evidence"] == [
        {"experiment_id": made.body["id"], "thread_id": None, "stance": "supports"}
    ]


def test_invalid_transitions_are_clear_4xx_and_change_nothing(api, cast):
    stella, mo = api.as_(cast.stella), api.as_(cast.mo)
    made = stella.post("/api/v1/communities/gardeners/experiments", EXPERIMENT)
    path = f"/api/v1/experiments/{made.body['id']}"
    early = stella.post(f"{path}/decision", {"decision": "adopt"})
    assert early.status == 409 and "reflect" in early.detail
    bad = stella.post(f"{path}/decision", {"decision": "shrug"})
    assert bad.status == 422 and bad.field == "decision"
    stranger = mo.post(f"{path}/observations", {"what_we_did": "a", "what_happened": "b"})
    assert stranger.status == 403
    mo.post(f"{path}/join")
    unknown = mo.post(
        f"{path}/observations",
        {"what_we_did": "a", "what_happened": "b", "measures": {"joy": 1}},
    )
    assert unknown.status == 422 and unknown.field == "measures"
    stella.post(f"{path}/reflection", {"learned": "Too soon."})
    closed = mo.post(f"{path}/observations", {"what_we_did": "a", "what_happened": "b"})
    assert closed.status == 409
    stella.post(f"{path}/decision", {"decision": "abandon"})
    concluded = mo.post(f"{path}/observations", {"what_we_did": "a", "what_happened": "b"})
    assert concluded.status == 409
    after = api.get(path).body
    assert after["status"] == "concluded"
    assert sum(len(c["observations"]) for c in after["cycles"]) == 0


def test_a_version_without_a_change_note_is_refused(api, cast, practice_id):
    refused = api.as_(cast.mo).post(
        f"/api/v1/practices/{practice_id}/versions", {"change_note": "  ", "body": "Lay 8 cm."}
    )
    assert refused.status == 422 and refused.field == "change_note"
    kept = api.get(f"/api/v1/practices/{practice_id}").body
    assert len(kept["versions"]) == 1


def test_a_version_cites_its_evidence_and_body_is_the_steps(api, cast, practice_id):
    thread = thread_create(
        community=cast.gardeners,
        author=cast.mo,
        kind="story",
        title="The dry July",
        learned="Straw kept the beds alive.",
    )
    revised = api.as_(cast.mo).post(
        f"/api/v1/practices/{practice_id}/versions",
        {
            "change_note": "From Mo's story",
            "body": "Lay 8 cm.",
            "evidence": {"threads": [thread.pk]},
        },
    )
    assert revised.status == 201, revised.text
    latest = revised.body["versions"][-1]
    assert latest["how"] == "Lay 8 cm." and latest["summary"] == "Straw in June."
    assert latest["evidence"][0]["thread_id"] == thread.pk


def test_a_thread_distils_into_a_draft_practice(api, cast):
    story = thread_create(
        community=cast.gardeners,
        author=cast.mo,
        kind="story",
        title="Saving seed",
        learned="Keep seed from the earliest fruit.",
    )
    distilled = api.as_(cast.nina).post(f"/api/v1/threads/{story.pk}/distil")
    assert distilled.status == 201
    assert distilled.body["is_draft"] is True
    assert distilled.body["versions"][0]["evidence"][0]["thread_id"] == story.pk


def test_learning_agenda_lists_and_adds_questions(api, cast):
    added = api.as_(cast.mo).post(
        "/api/v1/communities/gardeners/learning-agenda", {"question": "How do we save water?"}
    )
    assert added.status == 201 and added.body["status"] == "open"
    listed = api.get("/api/v1/communities/gardeners/learning-agenda")
    assert [i["question"] for i in listed.body["items"]] == ["How do we save water?"]


def test_outsiders_see_nothing_of_a_members_only_communitys_learning(api, cast):
    made = api.as_(cast.stella).post("/api/v1/communities/quiet-room/experiments", EXPERIMENT)
    assert made.status == 201
    otto = api.as_(cast.otto)
    assert otto.get(f"/api/v1/experiments/{made.body['id']}").status == 404
    assert api.get("/api/v1/communities/quiet-room/experiments").status == 404
    assert otto.get("/api/v1/communities/quiet-room/learning-agenda").status == 404
    assert otto.post(f"/api/v1/experiments/{made.body['id']}/join").status == 404


def test_iterate_takes_the_next_plan_and_a_version_cites_a_challenge(api, cast, practice_id):
    stella, mo = api.as_(cast.stella), api.as_(cast.mo)
    made = stella.post("/api/v1/communities/gardeners/experiments", EXPERIMENT)
    path = f"/api/v1/experiments/{made.body['id']}"
    mo.post(f"{path}/join")
    stella.post(f"{path}/reflection", {"learned": "Too shallow."})
    refused = stella.post(f"{path}/decision", {"decision": "adopt", "next_plan": "Deeper."})
    assert refused.status == 422 and refused.field == "next_plan"
    iterated = stella.post(f"{path}/decision", {"decision": "iterate", "next_plan": "Deeper."})
    assert [c["plan"] for c in iterated.body["cycles"]] == [EXPERIMENT["plan"], "Deeper."]
    revised = mo.post(
        f"/api/v1/practices/{practice_id}/versions",
        {
            "change_note": "Not on clay, yet",
            "name": "Mulch before the heat (light soils)",
            "challenged_by": {"experiments": [made.body["id"]]},
        },
    )
    assert revised.status == 201, revised.text
    assert revised.body["name"] == "Mulch before the heat (light soils)"
    assert revised.body["versions"][-1]["evidence"] == [
        {"experiment_id": made.body["id"], "thread_id": None, "stance": "challenges"}
    ]


def test_a_misspelt_field_is_refused_by_name_not_silently_dropped(api, cast):
    experiments = "/api/v1/communities/gardeners/experiments"
    refused = api.as_(cast.mo).post(experiments, {**EXPERIMENT, "checkin_every": 3})
    assert refused.status == 422
    assert refused.field == "checkin_every"
    measures = [{"name": "litres", "units": "l"}]
    refused = api.as_(cast.mo).post(experiments, {**EXPERIMENT, "measures": measures})
    assert refused.status == 422
    assert refused.field == "measures.0.units"
    agenda = "/api/v1/communities/gardeners/learning-agenda"
    refused = api.as_(cast.mo).post(agenda, {"question": "Why?", "questoin": "typo"})
    assert refused.status == 422 and refused.field == "questoin"
    assert api.get(agenda).body["count"] == 0
    assert api.get(experiments).body["count"] == 0
