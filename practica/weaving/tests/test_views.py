"""Pages and htmx partials: lived before, who knows, directory, profiles, introductions."""

from __future__ import annotations

import pytest
from django.test import Client

from practica.exchange.services import thread_create
from practica.ledger.models import LedgerEvent, Verb
from practica.weaving.models import Notification
from practica.weaving.services import notification_create
from practica.weaving.tests.conftest import Brewers

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(person: object | None = None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)  # type: ignore[arg-type]
    return client


def test_compose_suggestions_show_prior_threads_with_reasons(brewers: Brewers) -> None:
    page = client_for(brewers.hana).get("/c/brewers/related/", {"q": "citra hops"}, headers=HTMX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "When should I add citra hops for aroma?" in html
    assert "Why: title mentions citra, hops" in html
    assert "Judging notes" not in html


def test_compose_suggestions_invite_typing_when_the_text_is_short(brewers: Brewers) -> None:
    page = client_for().get("/c/brewers/related/", {"q": "ho"}, headers=HTMX)
    assert "Start typing a title" in page.content.decode()


def test_thread_panel_leaves_the_thread_itself_out(brewers: Brewers) -> None:
    page = client_for().get("/c/brewers/related/", {"thread": brewers.hops.pk}, headers=HTMX)
    html = page.content.decode()
    assert "The batch I over-hopped" in html
    assert f"/c/brewers/t/{brewers.hops.pk}/" not in html


def test_partials_of_a_members_only_community_are_404_for_outsiders(brewers: Brewers) -> None:
    assert client_for(brewers.olga).get("/c/cellar/related/", {"q": "citra"}).status_code == 404
    assert client_for().get("/c/cellar/people/").status_code == 404
    hidden = client_for(brewers.hana).get(
        "/c/brewers/related/", {"thread": brewers.judged.pk}, headers=HTMX
    )
    assert hidden.status_code == 404


def test_who_knows_page_offers_to_invite_on_a_thread(brewers: Brewers) -> None:
    stout = thread_create(
        community=brewers.community, author=brewers.quinn, kind="question",
        title="Citra hops in a stout?", body="Would citra hops clash with roasted malt?",
    )  # fmt: skip
    page = client_for(brewers.quinn).get("/c/brewers/experts/", {"thread": stout.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hana" in html and "Invite to answer" in html
    invite = {"thread": stout.pk, "username": "hana"}
    invited = client_for(brewers.quinn).post("/c/brewers/experts/invite/", invite, headers=HTMX)
    assert invited.status_code == 200
    assert "Hana is invited to answer." in invited.content.decode()
    again = client_for(brewers.yuri).post("/c/brewers/experts/invite/", invite, headers=HTMX)
    assert again.status_code == 422
    assert "already invited" in again.content.decode()


def test_directory_and_profile_show_demonstrated_expertise(brewers: Brewers) -> None:
    directory = client_for().get("/c/brewers/people/", {"expertise": "hops"})
    html = directory.content.decode()
    assert "Hana" in html and "Yuri" not in html
    profile = client_for(brewers.quinn).get("/c/brewers/people/hana/")
    html = profile.content.decode()
    assert "Has given" in html and "1 stories told" in html
    assert "1 thanks received" in html
    assert client_for().get("/c/brewers/people/olga/").status_code == 404


def test_introduction_form_records_the_introduction(brewers: Brewers) -> None:
    client = client_for(brewers.quinn)
    assert client.get("/c/brewers/introduce/", {"person_a": "hana"}).status_code == 200
    bad = client.post(
        "/c/brewers/introduce/", {"person_a": "hana", "person_b": "olga", "note": "Hi"}
    )
    assert bad.status_code == 422
    assert "is not a member here" in bad.content.decode()
    done = client.post(
        "/c/brewers/introduce/", {"person_a": "hana", "person_b": "yuri", "note": "Sours!"}
    )
    assert done.status_code == 302
    assert LedgerEvent.objects.filter(verb=Verb.INTRODUCED).count() == 2


def test_notifications_page_lists_and_marks_read(brewers: Brewers) -> None:
    note = notification_create(recipient=brewers.hana, text="Please answer", link="/c/brewers/")
    assert note is not None
    client = client_for(brewers.hana)
    page = client.get("/notifications/")
    assert "Please answer" in page.content.decode()
    opened = client.post(f"/notifications/{note.pk}/", {"go": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/c/brewers/"
    assert Notification.objects.get(pk=note.pk).is_read
    assert client_for(brewers.yuri).post(f"/notifications/{note.pk}/").status_code == 404
    assert client_for().get("/notifications/").status_code == 302


def test_the_thread_page_and_the_compose_form_carry_the_weaving_panels(brewers: Brewers) -> None:
    thread_page = client_for(brewers.hana).get(f"/c/brewers/t/{brewers.yeast.pk}/")
    html = thread_page.content.decode()
    assert f'hx-get="/c/brewers/related/?thread={brewers.yeast.pk}"' in html
    assert f'hx-get="/c/brewers/experts/?thread={brewers.yeast.pk}"' in html
    compose = client_for(brewers.hana).get("/c/brewers/t/new/")
    html = compose.content.decode()
    assert "keyup changed delay:400ms from:[name=title]" in html


def test_compose_suggestions_read_the_title_and_body_fields(brewers: Brewers) -> None:
    page = client_for(brewers.hana).get(
        "/c/brewers/related/", {"title": "Yeast", "body": "fermenting stopped"}, headers=HTMX
    )
    assert "My yeast stopped fermenting early" in page.content.decode()


def test_the_directory_never_names_a_tag_used_only_inside_a_closed_circle(
    brewers: Brewers,
) -> None:
    circle = brewers.judged.circle
    thread_create(
        community=brewers.community, author=brewers.quinn, kind="question", circle=circle,
        title="Scoring sheet", body="Which sheet do judges use?", tags=["secret-judging"],
    )  # fmt: skip
    outside = client_for(brewers.hana).get("/c/brewers/people/").content.decode()
    assert "secret-judging" not in outside
    inside = client_for(brewers.yuri).get("/c/brewers/people/").content.decode()
    assert "secret-judging" in inside
