"""The trust pages: flagging, moderation, levels, the audit log, a person's standing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create
from practica.trust.models import AuditAction, AuditEntry, Flag, Suspension, TrustLevel
from practica.trust.rules import Level
from practica.trust.services import content_hide, flag_create
from practica.trust.tests.conftest import question, set_level


def as_(client, person):
    client.force_login(person)
    return client


@pytest.fixture
def thread(people):
    return question(people.community, people.member)


@pytest.fixture
def reply(people, thread):
    return reply_create(thread=thread, author=people.newcomer, body="Cheap castings here")


def test_a_member_flags_a_reply_from_the_thread_page(client, people, thread, reply):
    page = as_(client, people.member).get(reverse("exchange:thread", args=["growers", thread.pk]))
    flag_url = reverse("trust:flag", args=["growers", "reply", reply.pk])
    assert flag_url in page.content.decode()
    form = client.get(flag_url)
    assert form.status_code == 200 and "Spam or advertising" in form.content.decode()
    response = client.post(flag_url, {"reason": "spam", "note": "an advert"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#reply-{reply.pk}")
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reply, flag.note) == (people.member, reply, "an advert")


def test_a_flag_without_a_needed_note_is_explained_on_the_form(client, people, thread, reply):
    url = reverse("trust:flag", args=["growers", "reply", reply.pk])
    response = as_(client, people.member).post(url, {"reason": "other"})
    assert response.status_code == 422
    assert "Give a note saying what is wrong." in response.content.decode()
    assert not Flag.objects.exists()


def test_nobody_flags_what_they_cannot_read_or_outside_their_community(client, people, reply):
    room_thread = question(people.private, people.member, title="Room")
    as_(client, people.newcomer)
    assert (
        client.get(reverse("trust:flag", args=["stewards", "thread", room_thread.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("trust:flag", args=["growers", "thread", room_thread.pk])).status_code
        == 404
    )
    assert client.get(reverse("trust:flag", args=["growers", "poll", 1])).status_code == 404
    as_(client, people.outsider)
    assert client.get(reverse("trust:flag", args=["growers", "reply", reply.pk])).status_code == 403


def test_the_moderation_queue_is_for_stewards_only(client, people, thread, reply):
    flag_create(reporter=people.member, thread=thread, reply=reply, reason="spam", note="ad")
    url = reverse("trust:moderation", args=["growers"])
    assert as_(client, people.member).get(url).status_code == 403
    assert client.get(reverse("trust:moderation", args=["stewards"])).status_code == 403
    as_(client, people.outsider)
    assert client.get(reverse("trust:moderation", args=["stewards"])).status_code == 404
    page = as_(client, people.steward).get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Cheap castings here" in text and "Spam or advertising" in text and "“ad”" in text
    community_page = client.get(reverse("communities:detail", args=["growers"])).content.decode()
    assert 'href="/c/growers/moderation/"' in community_page


def test_the_moderation_queue_says_when_nothing_is_flagged(client, people):
    page = as_(client, people.steward).get(reverse("trust:moderation", args=["growers"]))
    assert "Nothing is flagged." in page.content.decode()


def test_a_steward_hides_and_restores_a_reply_from_the_queue(client, people, thread, reply):
    flag_create(reporter=people.member, thread=thread, reply=reply, reason="spam")
    as_(client, people.steward)
    hide = reverse("trust:moderate", args=["growers", "reply", reply.pk, "hide"])
    response = client.post(hide, {"note": "advert"})
    assert response.status_code == 302
    assert Reply.objects.get(pk=reply.pk).hidden_at is not None
    restore = reverse("trust:moderate", args=["growers", "reply", reply.pk, "restore"])
    thread_page = reverse("exchange:thread", args=["growers", thread.pk])
    response = client.post(restore, {"next": thread_page})
    assert response["Location"] == thread_page
    assert Reply.objects.get(pk=reply.pk).hidden_at is None
    assert [e.action for e in AuditEntry.objects.exclude(action="approve").order_by("id")] == [
        "hide",
        "restore",
    ]
    again = client.post(restore, follow=True)
    assert "This reply is not hidden." in again.content.decode()


def test_hidden_content_is_listed_newest_first_a_page_at_a_time(
    client, people, thread, monkeypatch
):
    monkeypatch.setattr("practica.trust.views.HIDDEN_PAGE", 2)
    replies = [
        reply_create(thread=thread, author=people.member, body=f"Reply number {n} here.")
        for n in range(3)
    ]
    for reply in replies:  # hidden in this order: the last is the newest hidden
        content_hide(actor=people.steward, thread=thread, reply=reply, note="")
    content_hide(actor=people.steward, thread=thread, reply=None, note="")
    as_(client, people.steward)
    url = reverse("trust:moderation", args=["growers"])

    def listed(page: int) -> list[str]:
        html = client.get(url, {"page": page}).content.decode()
        assert "Hidden by stewards (4)" in html
        section = html.split('id="hidden-title"')[1].split("</section>")[0]
        return re.findall(r'href="/c/growers/t/\d+/(#reply-\d+)?"', section)

    newest_first = [
        "",
        f"#reply-{replies[2].pk}",
        f"#reply-{replies[1].pk}",
        f"#reply-{replies[0].pk}",
    ]
    assert listed(1) == newest_first[:2]
    assert listed(2) == newest_first[2:]
    assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()


def test_members_cannot_moderate_by_posting_to_the_form(client, people, thread, reply):
    as_(client, people.member)
    hide = reverse("trust:moderate", args=["growers", "reply", reply.pk, "hide"])
    assert client.post(hide).status_code == 403
    assert Reply.objects.get(pk=reply.pk).hidden_at is None


def test_the_thread_page_offers_stewards_hide_and_others_flag(client, people, thread):
    url = reverse("exchange:thread", args=["growers", thread.pk])
    hide = reverse("trust:moderate", args=["growers", "thread", thread.pk, "hide"])
    flag = reverse("trust:flag", args=["growers", "thread", thread.pk])
    steward_page = as_(client, people.steward).get(url).content.decode()
    assert hide in steward_page
    newcomer_page = as_(client, people.newcomer).get(url).content.decode()
    assert flag in newcomer_page and hide not in newcomer_page
    assert flag not in as_(client, people.member).get(url).content.decode()  # the author


def test_a_steward_suspends_someone_from_the_moderation_page(client, people):
    url = reverse("trust:suspend", args=["growers"])
    response = as_(client, people.steward).post(
        url, {"username": "carol", "days": "3", "note": "adverts"}
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.person == people.newcomer and suspension.ends_at is not None
    page = client.get(reverse("trust:moderation", args=["growers"])).content.decode()
    assert "Carol Newcomer" in page and "adverts" in page
    lift = reverse("trust:suspension_lift", args=["growers", suspension.pk])
    assert client.post(lift).status_code == 302
    assert not Suspension.objects.active().exists()


def test_suspending_someone_unknown_says_so_on_the_form(client, people):
    response = as_(client, people.steward).post(
        reverse("trust:suspend", args=["growers"]), {"username": "nobody", "note": "x"}
    )
    assert response.status_code == 422
    assert "No person &#x27;nobody&#x27;." in response.content.decode()


def test_the_audit_log_lists_what_stewards_did(client, people, thread):
    content_hide(actor=people.steward, thread=thread, note="off-topic advert")
    as_(client, people.steward)
    page = client.get(reverse("trust:audit", args=["growers"])).content.decode()
    assert "off-topic advert" in page and "Worms in winter?" in page and "Alice Steward" in page
    assert (
        as_(client, people.member).get(reverse("trust:audit", args=["growers"])).status_code == 403
    )


def test_stewards_see_levels_and_set_one_by_hand(client, people):
    set_level(people.member, people.community, Level.REGULAR)
    as_(client, people.steward)
    listing = client.get(reverse("trust:people", args=["growers"])).content.decode()
    assert "Bob Member" in listing and "regular" in listing
    assert "not computed yet" in listing  # carol has not posted yet
    url = reverse("trust:person", args=["growers", "carol"])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"level": "3"})
    assert refused.status_code == 422 and "Give a note saying why." in refused.content.decode()
    assert client.post(url, {"level": "3", "note": "moderates our old forum"}).status_code == 302
    row = TrustLevel.objects.get(person=people.newcomer, community=people.community)
    assert row.override_level == Level.TRUSTED and row.override_by == people.steward
    assert "set this level by hand" in client.get(url).content.decode()
    assert client.post(url, {"level": ""}).status_code == 302
    assert TrustLevel.objects.get(pk=row.pk).override_level is None
    assert AuditEntry.objects.filter(action=AuditAction.CLEAR_OVERRIDE).exists()


def test_a_member_reads_their_own_standing_and_what_the_next_level_needs(client, people, crowd):
    page = as_(client, people.newcomer).get(reverse("trust:standing", args=["growers"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "To become a member" in text and "more days active" in text
    assert "Include any number of links" in text
    assert (
        as_(client, people.outsider).get(reverse("trust:standing", args=["growers"])).status_code
        == 403
    )


def test_profiles_show_a_trust_level_beside_each_community(client, people):
    set_level(people.member, people.community, Level.REGULAR)
    page = client.get(reverse("people:profile", args=["bob"])).content.decode()
    assert "Regular" in page


def test_a_regular_changes_the_tags_of_someone_elses_thread(client, people, crowd, thread):
    set_level(people.newcomer, people.community, Level.REGULAR)
    url = reverse("trust:tags", args=["growers", thread.pk])
    as_(client, people.newcomer)
    assert 'value="worms"' in client.get(url).content.decode()
    response = client.post(url, {"tags": "worms, winter", "reason": "findable"})
    assert response.status_code == 302
    assert sorted(t.name for t in Thread.objects.get(pk=thread.pk).tags.all()) == [
        "winter",
        "worms",
    ]


def test_a_member_asking_to_change_tags_is_told_who_may(client, people, crowd, thread):
    set_level(people.newcomer, people.community, Level.MEMBER)
    response = as_(client, people.newcomer).post(
        reverse("trust:tags", args=["growers", thread.pk]), {"tags": "spam"}
    )
    assert response.status_code == 422
    assert "Regulars and stewards can change the tags" in response.content.decode()


def test_the_moderation_page_query_count_does_not_grow_with_flags(
    client, people, crowd, django_assert_max_num_queries
):
    thread = question(people.community, people.steward)
    set_level(people.member, people.community, Level.MEMBER)
    for n, person in enumerate(crowd):
        reply = reply_create(thread=thread, author=people.member, body=f"Advert {n}")
        flag_create(reporter=person, thread=thread, reply=reply, reason="spam")
        flag_create(reporter=people.newcomer, thread=thread, reply=reply, reason="off_topic")
    as_(client, people.steward)
    # session, user, community, membership, open flags (through the thread funnel),
    # the steward's circles (for Chatham House attribution), hidden threads, hidden
    # replies, suspensions
    with django_assert_max_num_queries(9):
        response = client.get(reverse("trust:moderation", args=["growers"]))
    assert response.content.decode().count('id="flagged-reply-') == len(crowd)


def test_the_tags_page_says_up_front_who_may_change_tags(client, people, crowd, thread):
    set_level(people.newcomer, people.community, Level.NEWCOMER)
    page = as_(client, people.newcomer).get(reverse("trust:tags", args=["growers", thread.pk]))
    text = page.content.decode()
    assert "Regulars and stewards can change the tags" in text
    assert "Save tags" not in text


def test_levels_show_beside_authors_names_but_not_member_the_usual_case(client, people, thread):
    set_level(people.member, people.community, Level.REGULAR)
    set_level(people.newcomer, people.community, Level.NEWCOMER)
    set_level(people.steward, people.community, Level.MEMBER)
    reply_create(thread=thread, author=people.newcomer, body="First time here.")
    reply_create(thread=thread, author=people.steward, body="Welcome!")
    page = client.get(reverse("exchange:thread", args=["growers", thread.pk])).content.decode()
    assert re.search(r"Bob Member</a>\s*<span class=\"badge\"[^>]*>regular</span>", page)
    assert re.search(r"Carol Newcomer</a>\s*<span class=\"badge\"[^>]*>newcomer</span>", page)
    assert not re.search(r"Alice Steward</a>\s*<span class=\"badge\"[^>]*>member</span>", page)


def test_chatham_house_circles_keep_names_and_levels_off_the_page_and_the_queue(client, people):
    from practica.communities.circles import circle_create

    circle = circle_create(
        community=people.community,
        actor=people.steward,
        name="Frank talk",
        slug="frank",
        tier="open",
        chatham_house=True,
    )
    set_level(people.member, people.community, Level.REGULAR)
    said = thread_create(
        community=people.community,
        author=people.member,
        kind="discussion",
        title="What really happened",
        body="Between us.",
        circle=circle,
    )
    flag_create(reporter=people.newcomer, thread=said, reason="off_topic")
    page = as_(client, people.newcomer).get(reverse("exchange:thread", args=["growers", said.pk]))
    text = page.content.decode()
    assert "a member of Frank talk" in text
    assert "Bob Member" not in text and ">regular<" not in text
    queue = as_(client, people.steward).get(reverse("trust:moderation", args=["growers"]))
    text = queue.content.decode()
    assert "What really happened" in text and "By a member of Frank talk" in text
    assert "Bob Member" not in text
