"""Data rights across every app: the download holds each table that names a person (or says
why not), and deleting someone with a trace in every app breaks no page, figure or export."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from practica.accounts.erasure import ON_DELETION, REMOVED
from practica.accounts.models import User
from practica.accounts.person_data import PERSON_LINKS
from practica.accounts.services import person_delete, person_export, token_create, user_create
from practica.communities.circles import (
    agreement_accept,
    agreement_publish,
    circle_create,
    circle_invite,
)
from practica.communities.models import Role
from practica.communities.services import membership_set_role
from practica.compass.adapter import load_activity
from practica.compass.analysis.activity import Window
from practica.compass.analysis.compute import run
from practica.exchange.models import Thread
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
    thread_edit,
)
from practica.importers.export import community_export
from practica.learning.models import Feedback, Observation, Participant
from practica.learning.services import (
    MeasureSpec,
    agenda_item_create,
    experiment_join,
    experiment_propose,
    feedback_add,
    observation_add,
    practice_create,
)
from practica.ledger.models import LedgerEvent
from practica.surveys.services import survey_answer, survey_create, survey_open
from practica.trust.models import AuditEntry, Flag, SignIn, Suspension, TrustLevel
from practica.trust.services import (
    content_hide,
    flag_create,
    level_override,
    sign_in_record,
    suspension_create,
)
from practica.weaving.models import Introduction
from practica.weaving.services import introduction_create

pytestmark = pytest.mark.django_db


def test_every_link_to_a_person_is_in_the_download_or_excluded_with_a_reason():
    person = apps.get_model(settings.AUTH_USER_MODEL)
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is person
    }
    assert found - set(PERSON_LINKS) == set(), "add these to accounts.person_data.PERSON_LINKS"
    assert found - set(ON_DELETION) == set(), "add these to accounts.erasure.ON_DELETION"
    sections = set(person_export(user=user_create(username="nobody")).keys())
    for link, where in PERSON_LINKS.items():
        assert where in sections or (where.startswith("excluded: ") and len(where) > 30), link


def everywhere(people) -> dict[str, Any]:
    """Bob leaves a trace in every app: exchange, circles, agreements, learning, weaving,
    surveys, trust (a level, a flag raised and one on his words, a suspension, sign-ins,
    moderation of his posts), the ledger, and stewarding."""
    c = people.community
    membership_set_role(community=c, actor=people.steward, user=people.member, role=Role.STEWARD)
    agreement = agreement_publish(community=c, actor=people.member, body="Be kind.")
    agreement_accept(agreement=agreement, person=people.newcomer)
    circle = circle_create(
        community=c, actor=people.member, name="Inner", slug="inner", tier="private"
    )
    circle_invite(circle=circle, actor=people.member, user=people.newcomer)
    asked = thread_create(
        community=c, author=people.member, kind="question", title="Bob asks", body="Mulch?"
    )
    thread_edit(thread=asked, editor=people.member, body="Straw or bark mulch?")
    reply_create(thread=asked, author=people.newcomer, body="Straw.")
    alone = thread_create(
        community=c, author=people.member, kind="question", title="Bob alone", body="Echo?"
    )
    carol = thread_create(
        community=c, author=people.newcomer, kind="question", title="Carol asks", body="Hoes?"
    )
    answer = reply_create(thread=carol, author=people.member, body="A stirrup hoe.")
    reply_accept(reply=answer, actor=people.newcomer)
    acknowledgement_create(person=people.newcomer, thread=carol, reply=answer)
    noise = reply_create(thread=carol, author=people.member, body="Buy hoes here.")
    flag_create(reporter=people.newcomer, thread=carol, reply=noise, reason="spam")
    flag_create(reporter=people.member, thread=carol, reason="off_topic")
    content_hide(actor=people.steward, thread=carol, reply=noise, note="advert")
    level_override(
        actor=people.steward, person=people.member, community=c, level=2, note="knows soil"
    )
    suspension_create(
        actor=people.steward, person=people.member, community=people.private, note="cool off"
    )
    sign_in_record(user=people.member, session_key="s" * 32, ip="10.1.2.3", user_agent="Lynx")
    experiment = experiment_propose(
        community=c,
        proposer=people.member,
        title="Straw mulch",
        question="Does straw keep beds moist?",
        hypothesis="Yes, by a week.",
        measures=[MeasureSpec(name="days moist")],
    )
    experiment_join(experiment=experiment, person=people.member, organisation="Bob's Farm Ltd")
    experiment_join(experiment=experiment, person=people.newcomer)
    observation = observation_add(
        experiment=experiment,
        person=people.member,
        what_we_did="Straw on bed 2",
        what_happened="Moist 9 days",
        measures={"days moist": 9},
    )
    feedback_add(observation=observation, author=people.newcomer, body="Same here.")
    carol_saw = observation_add(
        experiment=experiment, person=people.newcomer, what_we_did="Bark", what_happened="6 days"
    )
    feedback_add(observation=carol_saw, author=people.member, body="Try straw.")
    practice_create(community=c, author=people.member, name="Straw mulch", summary="Use straw.")
    agenda_item_create(community=c, author=people.member, question="Which straw?")
    introduction_create(
        community=c,
        introducer=people.member,
        person_a=people.newcomer,
        person_b=people.steward,
        note="Carol, meet Alice: both love hoes.",
    )
    survey = survey_open(
        survey=survey_create(community=c, actor=people.steward, title="Pulse", scales=["trust"]),
        actor=people.steward,
    )
    survey_answer(
        survey=survey,
        person=people.member,
        answers={k: 5 for k in ("tr_rely", "tr_unknown", "tr_open", "tr_stewards")},
    )
    token_create(user=people.member, name="laptop")
    return {"asked": asked, "alone": alone, "carol": carol, "answer": answer, "circle": circle}


def test_the_download_holds_trust_learning_weaving_and_stewarding(people):
    everywhere(people)
    data = json.loads(json.dumps(person_export(user=people.member)))  # JSON all the way
    assert [t["level"] for t in data["trust_levels"] if t["community"] == "growers"] == ["regular"]
    growers = next(t for t in data["trust_levels"] if t["community"] == "growers")
    assert growers["set_by_steward"] == "regular" and growers["steward_note"] == "knows soil"
    assert [(f["reason"], f["note"]) for f in data["flags_raised"]] == [("off_topic", "")]
    on_mine = data["flags_on_my_posts"]
    assert [(f["reason"], f["status"]) for f in on_mine] == [("spam", "upheld")]
    assert "reporter" not in on_mine[0] and "note" not in on_mine[0]
    assert [(s["community"], s["note"]) for s in data["suspensions"]] == [("stewards", "cool off")]
    about_me = {(e["action"], e["target_type"]) for e in data["moderation_of_me"]}
    assert {("hide", "reply"), ("override", "person"), ("suspend", "person")} <= about_me
    assert ("role", "person") in about_me
    assert all("actor" not in e for e in data["moderation_of_me"])
    done = {e["action"] for e in data["stewarding_done"]}
    assert {"agreement", "circle_invite"} <= done
    assert data["sign_ins"] == [
        {"created_at": data["sign_ins"][0]["created_at"], "ip": "10.1.2.3", "user_agent": "Lynx"}
    ]
    assert data["introductions"][0]["people"] == ["carol", "alice"]
    learning = data["learning"]
    assert [e["title"] for e in learning["experiments_proposed"]] == ["Straw mulch"]
    assert learning["experiments_joined"][0]["organisation"] == "Bob's Farm Ltd"
    assert learning["observations"][0]["measures"] == {"days moist": 9.0}
    assert [f["body"] for f in learning["feedback_given"]] == ["Try straw."]
    assert [p["name"] for p in learning["practices_created"]] == ["Straw mulch"]
    assert learning["practice_versions_written"][0]["summary"] == "Use straw."
    assert [a["question"] for a in learning["agenda_questions_raised"]] == ["Which straw?"]
    created = data["stewarding_created"]
    assert [c["circle"] for c in created["circles"]] == ["inner"]
    assert [a["version"] for a in created["agreement_versions"]] == [1]
    assert [e["before"]["body"] for e in data["edits"]] == ["Mulch?"]
    assert len(data["survey_responses"]) == 1 and data["notifications"] != []


def test_the_download_names_nobody_who_flagged_or_acted_on_the_person(people):
    everywhere(people)
    text = json.dumps(person_export(user=people.member))
    # Carol flagged Bob's reply; Alice hid it, set his level and suspended him.
    assert '"reporter"' not in text and '"resolved_by"' not in text
    assert '"override_by"' not in text and '"created_by"' not in text


def _pages_answer(client: Client, steward: User, things: dict[str, Any]) -> None:
    for path in (
        "/c/growers/",
        f"/c/growers/t/{things['carol'].pk}/",
        f"/c/growers/t/{things['asked'].pk}/",
        "/c/growers/members/",
        "/c/growers/compass/",
        "/c/growers/experiments/",
        "/c/growers/practices/",
        "/c/growers/audit/",
        "/c/growers/moderation/",
        "/c/growers/people/",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
    bearer = f"Bearer {token_create(user=steward, name='t')[1]}"
    for path in (
        "/api/v1/communities/growers/audit",
        f"/api/v1/threads/{things['carol'].pk}",
        "/api/v1/communities/growers/threads",
    ):
        answer = client.get(path, HTTP_AUTHORIZATION=bearer)
        assert answer.status_code == 200, (path, answer.status_code)


@pytest.mark.parametrize("remove", [False, True])
def test_deleting_someone_with_a_trace_everywhere_breaks_nothing(people, remove):
    things = everywhere(people)
    c = people.community
    events = LedgerEvent.objects.filter(community=c).count()
    before = run(load_activity(c.pk), Window()).result["series"]
    person_delete(user=people.member, remove_contributions=remove)
    bob = User.objects.get(pk=people.member.pk)
    assert bob.username == "former-member-1" and not bob.is_active
    # His standing, suspensions and sign-ins go; the audit log names him anonymously.
    assert not TrustLevel.objects.filter(person=bob).exists()
    assert not Suspension.objects.filter(person=bob).exists()
    assert not SignIn.objects.filter(user=bob).exists()
    labels = set(
        AuditEntry.objects.filter(target_type="person").values_list("target_label", flat=True)
    )
    assert "bob" not in labels and "former-member-1" in labels
    assert not Participant.objects.filter(person=bob).exclude(organisation="").exists()
    # The ledger and the compass count the same.
    assert LedgerEvent.objects.filter(community=c).count() == events
    after = run(load_activity(c.pk), Window()).result["series"]
    if not remove:  # removed threads are no longer counted as threads; interactions are
        assert after == before
    # Others' words and flags stay.
    assert Flag.objects.filter(reporter=bob).count() == 1
    assert Introduction.objects.filter(introducer=bob).count() == 1
    assert Feedback.objects.filter(author=people.newcomer).get().body == "Same here."
    if remove:
        assert not Thread.objects.filter(pk=things["alone"].pk).exists()
        assert Thread.objects.get(pk=things["asked"].pk).title == REMOVED
        assert Observation.objects.get(participant__person=bob).what_happened == REMOVED
        assert Feedback.objects.get(author=bob).body == REMOVED
        assert Introduction.objects.get(introducer=bob).note == REMOVED
        assert "Bob asks" not in set(AuditEntry.objects.values_list("target_label", flat=True))
    else:
        assert Thread.objects.get(pk=things["asked"].pk).title == "Bob asks"
        assert Observation.objects.get(participant__person=bob).what_happened == "Moist 9 days"
    # Pages, the audit log, the compass, others' downloads and the export still work.
    client = Client()
    client.force_login(people.steward)
    _pages_answer(client, people.steward, things)
    assert person_export(user=people.newcomer)["profile"]["username"] == "carol"
    out = io.StringIO()
    counts = community_export(c, out)
    assert counts and "Bob's Farm" not in out.getvalue()


def test_an_administrator_can_delete_the_row_itself_without_a_protected_error(people):
    things = everywhere(people)
    User.objects.get(pk=people.member.pk).delete()
    assert Thread.objects.get(pk=things["asked"].pk).author is None
    client = Client()
    client.force_login(people.steward)
    _pages_answer(client, people.steward, things)
