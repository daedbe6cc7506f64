"""The compass page and its downloads: stewards see everything, members what is shared,
outsiders of members-only communities nothing at all (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from practica.compass.models import CompassSnapshot
from practica.compass.services import compass_refresh, compass_settings_update

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def page(community) -> str:
    return reverse("compass:page", args=[community.slug])


def share(people, *, names: bool) -> None:
    compass_settings_update(
        community=people.community,
        actor=people.steward,
        members_see_aggregate=True,
        members_see_people=names,
        unanswered_days=7,
    )


@pytest.fixture
def computed(people, story):
    return compass_refresh(community=people.community).snapshot


def test_the_steward_sees_the_stage_its_evidence_the_map_and_the_people(people, computed):
    response = client_for(people.steward).get(page(people.community))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stage: " in html and "trust.reciprocity" in html
    assert 'id="compass-map-data"' in html
    assert "Carol Newcomer" in html  # in the people table
    assert "Recompute now" in html
    assert 'href="/c/growers/compass/"' in html  # the Compass tab


def test_a_steward_sees_an_empty_state_before_the_first_computation(people):
    html = client_for(people.steward).get(page(people.community)).content.decode()
    assert "No compass yet" in html
    assert "Compute the compass" in html


def test_members_see_nothing_until_the_stewards_share_it(people, computed):
    response = client_for(people.member).get(page(people.community))
    assert response.status_code == 403


def test_members_see_the_aggregate_compass_without_names_when_shared(people, computed):
    share(people, names=False)
    response = client_for(people.newcomer).get(page(people.community))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stage: " in html
    assert "compass-map-data" not in html
    assert "Alice Steward" not in html and "Bob Member" not in html
    assert "Stewards see who and which threads." in html or "What to do next" in html
    assert "Recompute now" not in html


def test_members_see_people_only_when_the_stewards_allow_it_too(people, computed):
    share(people, names=True)
    html = client_for(people.newcomer).get(page(people.community)).content.decode()
    assert 'id="compass-map-data"' in html
    assert "Alice Steward" in html


def test_outsiders_of_a_members_only_community_get_404(people):
    compass_refresh(community=people.private)
    assert client_for(people.outsider).get(page(people.private)).status_code == 404
    assert client_for().get(page(people.private)).status_code == 404


def test_people_outside_a_public_community_may_not_see_its_compass(people, computed):
    assert client_for(people.outsider).get(page(people.community)).status_code == 403
    assert client_for().get(page(people.community)).status_code == 403


def test_a_steward_recomputes_and_is_told_how_long_it_took(people, story):
    url = reverse("compass:recompute", args=[people.community.slug])
    response = client_for(people.steward).post(url, follow=True)
    assert response.status_code == 200
    assert "Recomputed in" in response.content.decode()
    assert CompassSnapshot.objects.filter(community=people.community).count() == 1
    again = client_for(people.steward).post(url, follow=True)
    assert "Already up to date" in again.content.decode()


def test_a_member_cannot_recompute_even_when_the_compass_is_shared(people, computed):
    share(people, names=True)
    url = reverse("compass:recompute", args=[people.community.slug])
    assert client_for(people.member).post(url).status_code == 403


def test_a_steward_can_look_at_a_window(people, story):
    url = reverse("compass:recompute", args=[people.community.slug])
    client_for(people.steward).post(url, {"since": "2000-01-01", "until": "2001-01-01"})
    snapshot = CompassSnapshot.objects.get()
    assert (
        snapshot.since is not None
        and snapshot.since.year == 2000
        and snapshot.result["people"]["contributors"] == 0
    )
    html = (
        client_for(people.steward)
        .get(page(people.community), {"since": "2000-01-01", "until": "2001-01-01"})
        .content.decode()
    )
    assert "Window: 2000-01-01" in html


def test_the_settings_form_saves_and_explains_a_refusal(people):
    url = reverse("compass:settings", args=[people.community.slug])
    steward = client_for(people.steward)
    refused = steward.post(url, {"members_see_people": "on", "unanswered_days": 7}, follow=True)
    assert "before sharing person-level detail" in refused.content.decode()
    saved = steward.post(url, {"members_see_aggregate": "on", "unanswered_days": 10}, follow=True)
    assert "Saved what the compass shares." in saved.content.decode()
    assert people.community.compass_settings.unanswered_days == 10
    assert client_for(people.member).post(url, {"unanswered_days": 3}).status_code == 403


def test_the_reports_download_as_html_pdf_and_csv_without_names(people, computed):
    client = client_for(people.steward)
    slug = people.community.slug
    html = client.get(reverse("compass:report_html", args=[slug]))
    assert html.status_code == 200 and b"Compass of Urban Growers" in html.content
    assert b"Alice Steward" not in html.content
    pdf = client.get(reverse("compass:report_pdf", args=[slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = client.get(reverse("compass:series_csv", args=[slug]))
    header = csv.content.decode().splitlines()[0]
    assert header.startswith("month,contributors,newcomers")


def test_downloads_follow_the_same_rules_as_the_page(people, computed):
    url = reverse("compass:series_csv", args=[people.community.slug])
    assert client_for(people.member).get(url).status_code == 403
    assert (
        client_for(people.outsider)
        .get(reverse("compass:series_csv", args=[people.private.slug]))
        .status_code
        == 404
    )


def test_the_page_renders_from_a_snapshot_in_a_fixed_number_of_queries(
    people, computed, django_assert_max_num_queries
):
    client = client_for(people.steward)
    client.get(page(people.community))
    with django_assert_max_num_queries(20):
        assert client.get(page(people.community)).status_code == 200
