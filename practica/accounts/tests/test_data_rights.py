"""Data rights: download everything about yourself; delete your account without breaking
anyone else's words or the community's figures."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from practica.accounts.erasure import REMOVED
from practica.accounts.models import AccessToken, User
from practica.accounts.selectors import user_for_token
from practica.accounts.services import person_delete, person_export, token_create
from practica.communities.circles import agreement_publish, circle_create, circle_invite
from practica.communities.models import CircleMembership, CircleTier, Membership
from practica.compass.adapter import load_activity
from practica.compass.analysis.activity import Window
from practica.compass.analysis.compute import run
from practica.compass.analysis.registry import providers
from practica.core.errors import NotAllowed
from practica.exchange.models import Reply, Revision, Thread
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
    thread_edit,
)
from practica.ledger.models import LedgerEvent
from practica.surveys.models import Response
from practica.surveys.services import survey_answer, survey_create, survey_open
from practica.weaving.models import Notification

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def lived(people) -> dict[str, Any]:
    """Bob asks, answers, tells a story, is thanked and thanks, takes part in a survey."""
    c = people.community
    agreement_publish(community=c, actor=people.steward, body="Be kind.")
    from practica.communities.circles import agreement_accept, agreement_current

    current = agreement_current(community=c)
    assert current is not None
    agreement_accept(agreement=current, person=people.member)
    agreement_accept(agreement=current, person=people.newcomer)
    lonely = thread_create(
        community=c, author=people.member, kind="question", title="Bob alone", body="Nobody came."
    )
    asked = thread_create(
        community=c, author=people.member, kind="question", title="Bob asks about @carol",
        body="Which mulch?", tags=["mulch"],
    )  # fmt: skip
    thread_edit(thread=asked, editor=people.member, body="Which mulch, straw or bark?")
    answer = reply_create(thread=asked, author=people.steward, body="Straw.")
    reply_accept(reply=answer, actor=people.member)
    acknowledgement_create(person=people.member, thread=asked, reply=answer)
    other = thread_create(
        community=c, author=people.newcomer, kind="question", title="Carol asks", body="Hoes?"
    )
    bob_answer = reply_create(thread=other, author=people.member, body="A stirrup hoe.")
    reply_accept(reply=bob_answer, actor=people.newcomer)
    acknowledgement_create(person=people.newcomer, thread=other, reply=bob_answer)
    lonely_answer = reply_create(thread=other, author=people.member, body="Or a draw hoe.")
    commented = reply_create(thread=other, author=people.member, body="Sharpen it.")
    reply_create(thread=other, author=people.newcomer, body="How?", parent=commented)
    survey = survey_open(
        survey=survey_create(
            community=c, actor=people.steward, title="Pulse", scales=["trust"], ask_story=True
        ),
        actor=people.steward,
    )
    survey_answer(
        survey=survey,
        person=people.member,
        answers={k: 5 for k in ("tr_rely", "tr_unknown", "tr_open", "tr_stewards")},
        story="My tomatoes thrived.",
        share_story=True,
    )
    token_create(user=people.member, name="laptop")
    return {
        "lonely": lonely,
        "asked": asked,
        "other": other,
        "bob_answer": bob_answer,
        "lonely_answer": lonely_answer,
        "commented": commented,
    }


def compass_figures(community_id: int) -> dict[str, Any]:
    result = run(load_activity(community_id), Window()).result
    return {p.key: result[p.key] for p in providers()} | {"series": result["series"]}


# Download -----------------------------------------------------------------------------


def test_the_download_holds_every_kind_of_personal_data(people):
    lived(people)
    data = person_export(user=people.member)
    assert data["format"] == "practica-person-export" and data["version"] == 1
    assert data["profile"]["username"] == "bob" and data["profile"]["email"] == "bob@example.org"
    assert {m["community"] for m in data["memberships"]} == {"growers", "stewards"}
    assert [a["version"] for a in data["agreements_accepted"]] == [1]
    assert {t["title"] for t in data["threads"]} == {"Bob alone", "Bob asks about @carol"}
    assert "A stirrup hoe." in {r["body"] for r in data["replies"]}
    assert len(data["acknowledgements_given"]) == 1
    assert [a["by"] for a in data["acknowledgements_received"]] == ["carol"]
    verbs = {(e["verb"], e["actor"], e["target"]) for e in data["ledger_events"]}
    assert ("replied", "bob", "carol") in verbs and ("replied", "alice", "bob") in verbs
    assert data["survey_responses"][0]["story"] == "My tomatoes thrived."
    assert data["survey_responses"][0]["answers"]["tr_rely"] == 5
    assert [t["name"] for t in data["access_tokens"]] == ["laptop"]
    assert "digest" not in json.dumps(data["access_tokens"])
    assert "password" not in data["profile"]


def test_the_download_never_holds_other_peoples_survey_answers(people):
    lived(people)
    assert person_export(user=people.newcomer)["survey_responses"] == []


def test_the_settings_page_downloads_the_file_by_post_only(client, people):
    lived(people)
    client.force_login(people.member, backend=MODEL_BACKEND)
    page = client.get(reverse("data:settings")).content.decode()
    assert "Download my data" in page and "Delete my account" in page
    assert client.get(reverse("data:download")).status_code == 405
    response = client.post(reverse("data:download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="practica-bob-')
    assert json.loads(response.content)["profile"]["username"] == "bob"


def test_the_command_writes_one_persons_file(people, tmp_path: Path):
    lived(people)
    out = io.StringIO()
    call_command("export_person", "bob", str(tmp_path / "bob.json"), stdout=out)
    assert json.loads((tmp_path / "bob.json").read_text())["profile"]["username"] == "bob"
    assert out.getvalue().startswith(f"bob: written to {tmp_path / 'bob.json'} (")
    with pytest.raises(CommandError, match="no person 'zed'"):
        call_command("export_person", "zed", str(tmp_path / "z.json"))
    with pytest.raises(CommandError, match="no such folder"):
        call_command("export_person", "bob", str(tmp_path / "missing" / "b.json"))


# Deletion -----------------------------------------------------------------------------


def test_a_deleted_account_keeps_its_words_under_an_anonymous_name(people):
    things = lived(people)
    erasure = person_delete(user=people.member)
    bob = User.objects.get(pk=people.member.pk)
    assert erasure.former_name == bob.display_name == "former member #1"
    assert bob.username == "former-member-1" and bob.email == "" and bob.bio == ""
    assert not bob.is_active and not bob.has_usable_password()
    assert Thread.objects.get(pk=things["asked"].pk).author == bob
    assert Reply.objects.get(pk=things["bob_answer"].pk).body == "A stirrup hoe."
    assert not Membership.objects.filter(user=bob).exists()
    assert not AccessToken.objects.filter(user=bob, revoked_at__isnull=True).exists()
    assert Response.objects.filter(person=bob).count() == 1  # survey averages stay the same


def test_the_compass_counts_the_same_after_a_deletion(people):
    lived(people)
    before = compass_figures(people.community.pk)
    events = LedgerEvent.objects.count()
    person_delete(user=people.member)
    assert LedgerEvent.objects.count() == events
    assert compass_figures(people.community.pk) == before


def test_removing_contributions_keeps_others_words_in_context(people):
    things = lived(people)
    erasure = person_delete(user=people.member, remove_contributions=True)
    assert not Thread.objects.filter(pk=things["lonely"].pk).exists()
    asked = Thread.objects.get(pk=things["asked"].pk)
    assert asked.title == REMOVED and asked.body == REMOVED and not asked.tags.exists()
    assert not Revision.objects.filter(thread=asked, reply__isnull=True).exists()
    assert asked.replies.get().body == "Straw."  # Alice's answer stays, in place
    # An accepted answer and a reply others commented on stay, emptied; the rest goes.
    assert Reply.objects.get(pk=things["bob_answer"].pk).body == REMOVED
    assert Reply.objects.get(pk=things["commented"].pk).body == REMOVED
    assert not Reply.objects.filter(pk=things["lonely_answer"].pk).exists()
    assert Reply.objects.filter(body="How?").exists()
    assert Thread.objects.get(pk=things["other"].pk).accepted_reply_id == things["bob_answer"].pk
    assert (erasure.threads_deleted, erasure.threads_blanked) == (1, 1)
    assert (erasure.replies_deleted, erasure.replies_blanked) == (1, 2)
    assert Response.objects.get(person=people.member).story == ""


def test_deletion_ends_sessions_tokens_and_circle_memberships(people):
    lived(people)
    circle = circle_create(
        community=people.community, actor=people.steward, name="Inner", slug="inner",
        tier=CircleTier.PRIVATE,
    )  # fmt: skip
    circle_invite(circle=circle, actor=people.steward, user=people.member)
    _, secret = token_create(user=people.member, name="phone")
    client = Client()
    client.force_login(people.member, backend=MODEL_BACKEND)
    assert client.session.get(SESSION_KEY) == str(people.member.pk)
    person_delete(user=people.member)
    assert user_for_token(token=secret) is None
    assert not CircleMembership.objects.filter(user=people.member).exists()
    assert not Notification.objects.filter(recipient=people.member).exists()
    page = client.get(reverse("data:settings"))
    assert page.status_code == 302  # the session is gone: back to the login page
    assert not Client().login(username="bob", password="pw-bob-123")
    assert not Client().login(username="former-member-1", password="pw-bob-123")


def test_the_last_steward_names_another_before_going(people):
    with pytest.raises(NotAllowed) as refused:
        person_delete(user=people.steward)
    assert "last steward of" in refused.value.message
    assert User.objects.get(pk=people.steward.pk).is_active


def test_former_members_are_numbered_and_a_deleted_account_cannot_be_deleted_twice(people):
    person_delete(user=people.member)
    person_delete(user=people.newcomer)
    assert User.objects.get(pk=people.newcomer.pk).display_name == "former member #2"
    with pytest.raises(NotAllowed):
        person_delete(user=User.objects.get(pk=people.member.pk))


def test_a_former_members_profile_is_gone_but_their_thread_reads_on(client, people):
    things = lived(people)
    person_delete(user=people.member)
    assert client.get(reverse("people:profile", args=["bob"])).status_code == 404
    page = client.get(reverse("exchange:thread", args=["growers", things["asked"].pk]))
    assert "former member #1" in page.content.decode()


def test_the_delete_form_asks_for_the_password_and_logs_out(client, people):
    lived(people)
    client.force_login(people.member, backend=MODEL_BACKEND)
    wrong = client.post(reverse("data:delete"), {"password": "nope"})
    assert wrong.status_code == 422 and "That is not your password." in wrong.content.decode()
    assert User.objects.get(pk=people.member.pk).is_active
    done = client.post(
        reverse("data:delete"),
        {"password": "pw-bob-123", "remove_contributions": "on"},
        follow=True,
    )
    assert "Your account is deleted" in done.content.decode()
    assert not User.objects.get(pk=people.member.pk).is_active
    assert not Thread.objects.filter(title="Bob alone").exists()
    assert SESSION_KEY not in client.session


def test_the_last_steward_is_told_why_on_the_delete_form(client, people):
    client.force_login(people.steward, backend=MODEL_BACKEND)
    response = client.post(reverse("data:delete"), {"password": "pw-alice-123"})
    assert response.status_code == 422
    assert "name another steward before you go" in response.content.decode()
