"""Communities in the browser: the list, creating, joining, stewarding, the thread list."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from practica.communities.circles import agreement_publish
from practica.communities.models import Community, Membership, MembershipStatus, Role
from practica.communities.services import community_join
from practica.exchange.models import ThreadKind
from practica.exchange.services import reply_accept, reply_create, thread_create

pytestmark = pytest.mark.django_db


def as_(client: Client, person) -> Client:
    client.force_login(person)
    return client


def detail(slug: str) -> str:
    return reverse("communities:detail", args=[slug])


def ask(people, community=None, **kw):
    fields = dict(
        community=community or people.community,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="How deep should raised beds be?",
        body="Our soil is clay.",
    )
    fields.update(kw)
    return thread_create(**fields)


def test_home_without_communities_invites_to_start_one(client, db):
    page = client.get("/").content.decode()
    assert "No communities yet" in page
    assert "to start the first one" in page


def test_home_lists_every_card_with_its_figures(client, people):
    page = as_(client, people.member).get("/").content.decode()
    flat = re.sub(r"\s+", " ", page)
    assert "Urban Growers" in flat and "urban farming" in flat
    assert "Stewards&#x27; Room" in flat
    assert "Members only" in flat and "Public" in flat
    assert "Knowledge weaving" in flat
    assert "3 members" in flat  # alice, bob, carol in the growers
    assert "You are a member" in flat


def test_members_only_community_shows_its_card_but_no_thread_on_the_home_page(client, people):
    ask(people, community=people.private, title="Budget for next year")
    page = as_(client, people.outsider).get("/").content.decode()
    assert "Stewards&#x27; Room" in page
    assert "Budget for next year" not in page


def test_pending_requests_are_not_counted_as_members(client, people):
    community_join(community=people.private, user=people.outsider)
    page = client.get("/").content.decode()
    flat = re.sub(r"\s+", " ", page)
    # alice (steward) and bob (approved); dave is still waiting
    assert re.search(r"Stewards&#x27; Room</a>.*?2 members", flat)


def test_creating_a_community_makes_the_creator_its_steward(client, people):
    response = as_(client, people.outsider).post(
        reverse("communities:create"),
        {
            "name": "Bee Keepers",
            "slug": "bees",
            "domain": "urban beekeeping",
            "purpose": "Healthy hives in the city.",
            "aspiration": "collaborative_learning",
            "visibility": "members",
        },
    )
    community = Community.objects.get(slug="bees")
    assert response["Location"] == detail("bees")
    assert community.aspiration == "collaborative_learning"
    assert community.visibility == "members"
    membership = Membership.objects.get(community=community, user=people.outsider)
    assert membership.role == Role.STEWARD and membership.status == MembershipStatus.ACTIVE


def test_an_empty_slug_is_made_from_the_name(client, people):
    as_(client, people.outsider).post(
        reverse("communities:create"),
        {"name": "Café Owners", "aspiration": "knowledge_weaving", "visibility": "public"},
    )
    assert Community.objects.filter(slug="cafe-owners").exists()


def test_a_taken_slug_is_shown_on_the_slug_field(client, people):
    response = as_(client, people.outsider).post(
        reverse("communities:create"),
        {
            "name": "Growers",
            "slug": "growers",
            "aspiration": "knowledge_weaving",
            "visibility": "public",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_slug_error"' in body and "The slug &#x27;growers&#x27; is taken." in body


def test_a_reserved_slug_is_refused(client, people):
    response = as_(client, people.outsider).post(
        reverse("communities:create"),
        {"name": "New", "slug": "new", "aspiration": "knowledge_weaving", "visibility": "public"},
    )
    assert response.status_code == 422
    assert "is reserved" in response.content.decode()


def test_creating_a_community_needs_an_account(client, db):
    response = client.get(reverse("communities:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_joining_a_public_community_is_immediate(client, people):
    response = as_(client, people.outsider).post(reverse("communities:join", args=["growers"]))
    assert response["Location"] == detail("growers")
    membership = Membership.objects.get(community=people.community, user=people.outsider)
    assert membership.status == MembershipStatus.ACTIVE
    page = client.get(detail("growers")).content.decode()
    assert "Welcome to Urban Growers." in page
    assert "Start a thread" in page


def test_asking_to_join_a_members_only_community_waits_for_a_steward(client, people):
    ask(people, community=people.private, title="Budget for next year")
    as_(client, people.outsider).post(reverse("communities:join", args=["stewards"]))
    page = client.get(detail("stewards")).content.decode()
    assert "Your request to join is waiting for a steward." in page
    assert "Budget for next year" not in page

    steward = as_(Client(), people.steward)
    steward_page = steward.get(detail("stewards")).content.decode()
    assert "1 request to join" in steward_page
    members_page = steward.get(reverse("communities:members", args=["stewards"])).content.decode()
    assert "Asking to join" in members_page and "Dave Outsider" in members_page

    steward.post(reverse("communities:member_approve", args=["stewards", "dave"]))
    assert Membership.objects.get(community=people.private, user=people.outsider).status == (
        MembershipStatus.ACTIVE
    )
    assert "Budget for next year" in client.get(detail("stewards")).content.decode()


def test_only_stewards_approve_requests(client, people):
    community_join(community=people.private, user=people.outsider)
    response = as_(client, people.member).post(
        reverse("communities:member_approve", args=["stewards", "dave"])
    )
    assert response.status_code == 403
    assert Membership.objects.get(community=people.private, user=people.outsider).status == (
        MembershipStatus.PENDING
    )


def test_steward_edits_the_card_including_the_aspiration(client, people):
    url = reverse("communities:edit", args=["growers"])
    response = as_(client, people.steward).post(
        url,
        {
            "name": "Urban Growers",
            "domain": "urban farming",
            "purpose": "Food from rooftops.",
            "aspiration": "systems_of_influence",
            "visibility": "public",
        },
    )
    assert response["Location"] == detail("growers")
    people.community.refresh_from_db()
    assert people.community.aspiration == "systems_of_influence"
    assert people.community.purpose == "Food from rooftops."


def test_members_cannot_edit_the_card(client, people):
    url = reverse("communities:edit", args=["growers"])
    assert as_(client, people.member).get(url).status_code == 403
    assert "Edit the card" not in client.get(detail("growers")).content.decode()


def test_members_only_community_shows_outsiders_only_its_card(client, people):
    ask(people, community=people.private, title="Budget for next year", tags=["money"])
    for viewer in (Client(), as_(Client(), people.outsider), as_(Client(), people.newcomer)):
        response = viewer.get(detail("stewards"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Stewards&#x27; Room" in page
        assert "Budget for next year" not in page
        assert "money" not in page
        assert "Members only" in page
    assert "Ask to join" in as_(Client(), people.outsider).get(detail("stewards")).content.decode()


def test_members_only_member_list_is_not_found_for_outsiders(client, people):
    url = reverse("communities:members", args=["stewards"])
    assert as_(client, people.outsider).get(url).status_code == 404
    assert as_(Client(), people.member).get(url).status_code == 200


def test_members_page_lists_roles(client, people):
    page = client.get(reverse("communities:members", args=["growers"])).content.decode()
    flat = re.sub(r"\s+", " ", page)
    assert "3 members" in flat
    assert re.search(r"Alice Steward</a> <span class=\"badge badge--steward\">Steward", flat)
    assert re.search(r"Bob Member</a> <span class=\"badge\">Member", flat)


def test_steward_names_another_steward(client, people):
    as_(client, people.steward).post(
        reverse("communities:member_role", args=["growers", "bob"]), {"role": "steward"}
    )
    assert Membership.objects.get(community=people.community, user=people.member).role == "steward"


def test_the_last_steward_cannot_leave_and_is_told_why(client, people):
    response = as_(client, people.steward).post(
        reverse("communities:leave", args=["growers"]), follow=True
    )
    assert "The last steward cannot leave" in response.content.decode()
    assert Membership.objects.filter(community=people.community, user=people.steward).exists()


def test_missing_community_is_not_found(client, db):
    assert client.get(detail("nowhere")).status_code == 404


def test_thread_list_filters_by_kind_tag_and_unresolved(client, people):
    open_q = ask(people, title="Open question", tags=["soil"])
    solved = ask(people, title="Solved question", tags=["water"])
    reply = reply_create(thread=solved, author=people.steward, body="Yes.")
    reply_accept(reply=reply, actor=people.member)
    ask(people, kind=ThreadKind.STORY, title="A story", body="Once.", tags=["soil"])
    ask(people, kind=ThreadKind.OFFER, title="Spare seeds", body="Take them.")

    def titles(query: str) -> set[str]:
        page = client.get(detail("growers") + query).content.decode()
        return set(re.findall(r'class="thread-item__title"><a href="[^"]+">([^<]+)</a>', page))

    assert titles("") == {"Open question", "Solved question", "A story", "Spare seeds"}
    assert titles("?kind=story") == {"A story"}
    assert titles("?tag=soil") == {"Open question", "A story"}
    assert titles("?unresolved=on") == {"Open question"}
    assert titles("?kind=offer&unresolved=on") == {"Spare seeds"}
    assert open_q.pk  # the thread list links to each thread
    assert (
        "No threads match these filters"
        in client.get(detail("growers") + "?tag=nope").content.decode()
    )


def test_thread_list_is_paginated(client, people, settings):
    settings.PRACTICA_PAGE_SIZE = 5
    for n in range(12):
        ask(people, title=f"Question {n:02d}")
    first = client.get(detail("growers")).content.decode()
    third = client.get(detail("growers") + "?kind=question&page=3").content.decode()
    assert first.count('class="thread-item"') == 5
    assert "Page 1 of 3" in first
    assert third.count('class="thread-item"') == 2
    assert 'href="?kind=question&amp;page=2"' in third


def test_tag_cloud_links_to_the_filtered_list(client, people):
    for n in range(3):
        ask(people, title=f"Soil {n}", tags=["soil"])
    ask(people, title="Water", tags=["water"])
    page = client.get(detail("growers")).content.decode()
    assert re.search(
        r'<a class="tag tag--w4" href="\?tag=soil"[^>]*>soil <span class="tag__count">\(3\)', page
    )
    assert re.search(r'<a class="tag tag--w1" href="\?tag=water"', page)


def test_empty_community_invites_members_to_start(client, people):
    page = as_(client, people.member).get(detail("growers")).content.decode()
    assert "No threads yet" in page and "Start the first thread" in page


def test_community_tabs_mark_the_current_page(client, people):
    page = client.get(reverse("communities:members", args=["growers"])).content.decode()
    assert re.search(r'href="/c/growers/members/" aria-current="page">Members', page)
    assert 'href="/c/growers/search/"' in page
    private = as_(Client(), people.outsider).get(detail("stewards")).content.decode()
    assert 'href="/c/stewards/members/"' not in private  # content tabs need read access


def test_community_page_query_count_does_not_grow_with_threads(
    client, people, django_assert_max_num_queries
):
    for n in range(25):
        thread = ask(people, title=f"Question {n}", tags=["soil", f"tag{n % 4}"])
        reply_create(thread=thread, author=people.steward, body="An answer.")
    as_(client, people.steward)
    # session, user, community, membership, can_read, count, threads, tags of the page,
    # tag cloud (its counts, then the links of threads the reader may not read), pending
    # requests, current agreement
    with django_assert_max_num_queries(12):
        response = client.get(detail("growers"))
    assert response.status_code == 200
    assert response.content.decode().count('class="thread-item"') == 20


def test_joining_a_community_with_agreements_means_accepting_them(client, people):
    agreement_publish(
        community=people.community, actor=people.steward, body="Be *kind*. Share what you try."
    )
    as_(client, people.outsider)
    page = client.get(detail("growers")).content.decode()
    assert "Be <em>kind</em>." in page
    assert 'name="accept_agreement" value="1"' in page

    refused = client.post(reverse("communities:join", args=["growers"]), follow=True)
    assert "means accepting its agreements" in refused.content.decode()
    assert not Membership.objects.filter(community=people.community, user=people.outsider).exists()

    client.post(reverse("communities:join", args=["growers"]), {"accept_agreement": "1"})
    assert Membership.objects.filter(community=people.community, user=people.outsider).exists()


def test_members_accept_a_new_version_of_the_agreements_to_keep_posting(client, people):
    agreement_publish(community=people.community, actor=people.steward, body="Version one.")
    as_(client, people.member)
    page = client.get(detail("growers")).content.decode()
    assert "The agreements changed" in page and "Accept version 1" in page
    blocked = client.post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "question", "title": "Q", "body": "B"},
    )
    assert "accept version 1 to start a thread" in blocked.content.decode()
    client.post(reverse("communities:join", args=["growers"]), {"accept_agreement": "1"})
    assert "The agreements changed" not in client.get(detail("growers")).content.decode()
    posted = client.post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "question", "title": "Q", "body": "B"},
    )
    assert posted.status_code == 302
