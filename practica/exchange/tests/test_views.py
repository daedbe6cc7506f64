"""Threads in the browser: starting every kind, replying, accepting, acknowledging, editing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from practica.exchange.models import Acknowledgement, Reply, Thread, ThreadKind
from practica.exchange.panels import _PANELS, ThreadPanel, register_panel
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
    thread_edit,
)

pytestmark = pytest.mark.django_db


def as_(client: Client, person) -> Client:
    client.force_login(person)
    return client


def new_thread_url(community) -> str:
    return reverse("exchange:thread_create", args=[community.slug])


def thread_url(thread: Thread) -> str:
    return reverse("exchange:thread", args=[thread.community.slug, thread.pk])


def question(people, **kw) -> Thread:
    fields = dict(
        community=people.community,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="How deep should raised beds be?",
        body="Our soil is **clay**.",
        tags=["soil", "raised-beds"],
    )
    fields.update(kw)
    return thread_create(**fields)


def secret_thread(people) -> Thread:
    return question(people, community=people.private, title="Budget for next year")


@pytest.mark.parametrize("kind", [k.value for k in ThreadKind if k != ThreadKind.STORY])
def test_member_starts_a_thread_of_each_kind(client, people, kind):
    response = as_(client, people.member).post(
        new_thread_url(people.community),
        {"kind": kind, "title": f"A {kind} about compost", "body": "Details.", "tags": "compost"},
    )
    thread = Thread.objects.get(title=f"A {kind} about compost")
    assert response.status_code == 302
    assert response["Location"] == thread_url(thread)
    assert thread.kind == kind
    assert [t.name for t in thread.tags.all()] == ["compost"]


def test_story_told_in_parts_shows_each_part_under_its_heading(client, people):
    response = as_(client, people.member).post(
        new_thread_url(people.community),
        {
            "kind": "story",
            "title": "The year the tomatoes split",
            "body": "",
            "context": "A hot July on the roof garden.",
            "what_happened": "We watered at noon and the fruit cracked.",
            "learned": "Water early, and evenly.",
            "differently": "Mulch before the heat comes.",
        },
    )
    story = Thread.objects.get(title="The year the tomatoes split")
    assert response.status_code == 302
    assert story.kind == ThreadKind.STORY and story.body == ""
    page = client.get(thread_url(story)).content.decode()
    for heading, text in [
        ("Context", "A hot July on the roof garden."),
        ("What happened", "We watered at noon and the fruit cracked."),
        ("What we learned", "Water early, and evenly."),
        ("What we would do differently", "Mulch before the heat comes."),
    ]:
        assert re.search(
            rf"<h2 id=\"part-\d\">{heading}</h2>\s*<div class=\"prose\"><p>{text}", page
        )


def test_story_with_neither_body_nor_parts_shows_the_problem_on_the_body(client, people):
    response = as_(client, people.member).post(
        new_thread_url(people.community), {"kind": "story", "title": "Empty"}
    )
    assert response.status_code == 422
    assert "A story needs a body or at least one of its parts" in response.content.decode()
    assert not Thread.objects.filter(title="Empty").exists()


def test_parts_on_a_question_are_refused_on_the_part_field(client, people):
    response = as_(client, people.member).post(
        new_thread_url(people.community),
        {"kind": "question", "title": "Q", "body": "B", "learned": "not a story"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_learned_error"' in body and "Only a story has parts." in body


def test_thread_form_preselects_the_story_kind_from_the_link(client, people):
    page = as_(client, people.member).get(new_thread_url(people.community) + "?kind=story")
    assert re.search(r'value="story"[^>]*checked', page.content.decode())


def test_outsider_sees_a_join_prompt_instead_of_posting(client, people):
    response = as_(client, people.outsider).post(
        new_thread_url(people.community), {"kind": "question", "title": "Hi", "body": "There"}
    )
    assert response.status_code == 422
    assert "Join Urban Growers to start a thread." in response.content.decode()
    assert not Thread.objects.filter(title="Hi").exists()


def test_thread_page_shows_body_tags_author_and_reply_count(client, people):
    thread = question(people)
    reply_create(thread=thread, author=people.steward, body="Thirty centimetres.")
    page = client.get(thread_url(thread)).content.decode()
    assert "<strong>clay</strong>" in page
    assert "Bob Member" in page and "Alice Steward" in page
    assert ">raised-beds</a>" in page and ">soil</a>" in page
    assert "1 reply" in page
    assert "Open" in page  # a question without an accepted answer


def test_markdown_is_sanitised_on_the_thread_page(client, people):
    thread = question(
        people,
        body='<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n'
        "A [link](javascript:alert(2)) and **bold**.",
    )
    page = client.get(thread_url(thread)).content.decode()
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert 'href="javascript' not in page
    assert "<strong>bold</strong>" in page


def test_member_replies_and_lands_on_the_reply(client, people):
    thread = question(people)
    response = as_(client, people.newcomer).post(
        reverse("exchange:reply_create", args=["growers", thread.pk]), {"body": "Try 40 cm."}
    )
    reply = Reply.objects.get(thread=thread)
    assert response["Location"] == thread_url(thread) + f"#reply-{reply.pk}"
    assert reply.author == people.newcomer


def test_empty_reply_shows_the_error_on_the_thread_page(client, people):
    thread = question(people)
    response = as_(client, people.newcomer).post(
        reverse("exchange:reply_create", args=["growers", thread.pk]), {"body": "  "}
    )
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    assert not Reply.objects.filter(thread=thread).exists()


def test_comment_attaches_to_its_reply(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    response = as_(client, people.member).post(
        reverse("exchange:comment_create", args=["growers", thread.pk, answer.pk]),
        {f"comment-{answer.pk}-body": "In clay too?"},
    )
    comment = Reply.objects.get(parent=answer)
    assert response.status_code == 302
    assert comment.body == "In clay too?" and comment.kind == "comment"
    page = client.get(thread_url(thread)).content.decode()
    assert "In clay too?" in page
    assert page.index("Forty.") < page.index("In clay too?")


def test_comment_on_a_reply_of_another_thread_is_not_found(client, people):
    thread, other = question(people), question(people, title="Other")
    answer = reply_create(thread=other, author=people.steward, body="Elsewhere.")
    response = as_(client, people.member).post(
        reverse("exchange:comment_create", args=["growers", thread.pk, answer.pk]),
        {f"comment-{answer.pk}-body": "Hm"},
    )
    assert response.status_code == 404


def test_only_the_asker_sees_accept_and_accepting_resolves_the_thread(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    accept_url = reverse("exchange:reply_accept", args=["growers", thread.pk, answer.pk])
    assert (
        "Accept this answer"
        not in as_(client, people.newcomer).get(thread_url(thread)).content.decode()
    )

    refused = client.post(accept_url)
    assert refused.status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_reply_id is None

    asker = Client()
    assert (
        "Accept this answer" in as_(asker, people.member).get(thread_url(thread)).content.decode()
    )
    asker.post(accept_url)
    thread.refresh_from_db()
    assert thread.accepted_reply_id == answer.pk
    page = asker.get(thread_url(thread)).content.decode()
    assert "Resolved: see the accepted answer" in page
    assert "✓</span> Accepted answer" in page
    assert "Accept this answer" not in page


def test_accept_is_not_offered_on_stories_or_discussions(client, people):
    talk = question(people, kind=ThreadKind.DISCUSSION, title="Talk")
    reply_create(thread=talk, author=people.steward, body="Sure.")
    page = as_(client, people.member).get(thread_url(talk)).content.decode()
    assert "Accept this answer" not in page


def test_this_helped_me_is_offered_to_members_on_others_replies_only(client, people):
    thread = question(people)
    reply_create(thread=thread, author=people.steward, body="Forty.")
    assert "This helped me" in as_(client, people.member).get(thread_url(thread)).content.decode()
    steward = as_(Client(), people.steward)
    assert "This helped me" not in steward.get(thread_url(thread)).content.decode()
    outsider = as_(Client(), people.outsider)
    assert "This helped me" not in outsider.get(thread_url(thread)).content.decode()
    assert "This helped me" not in Client().get(thread_url(thread)).content.decode()


def test_this_helped_me_with_htmx_swaps_in_the_count(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    url = reverse("exchange:reply_helped", args=["growers", thread.pk, answer.pk])
    response = as_(client, people.member).post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "You said this helped you." in body
    assert "1 person says this helped" in body
    assert Acknowledgement.objects.filter(person=people.member, reply=answer).count() == 1


def test_this_helped_me_without_javascript_redirects_back_to_the_reply(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    url = reverse("exchange:reply_helped", args=["growers", thread.pk, answer.pk])
    response = as_(client, people.member).post(url)
    assert response["Location"] == thread_url(thread) + f"#reply-{answer.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "You said this helped you." in page
    assert "1 person says this helped" in page


def test_saying_it_helped_twice_counts_once(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    url = reverse("exchange:reply_helped", args=["growers", thread.pk, answer.pk])
    as_(client, people.member).post(url, HTTP_HX_REQUEST="true")
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert again.status_code == 200
    assert Acknowledgement.objects.filter(reply=answer).count() == 1


def test_acknowledging_your_own_reply_is_refused_with_a_message(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    url = reverse("exchange:reply_helped", args=["growers", thread.pk, answer.pk])
    response = as_(client, people.steward).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "You cannot acknowledge your own contribution." in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_story_can_be_acknowledged_by_another_member(client, people):
    story = question(
        people, kind=ThreadKind.STORY, title="Split tomatoes", body="", context="Hot July."
    )
    page = as_(client, people.steward).get(thread_url(story)).content.decode()
    assert "This helped me" in page
    client.post(reverse("exchange:story_helped", args=["growers", story.pk]))
    assert Acknowledgement.objects.filter(thread=story, reply__isnull=True).count() == 1
    assert "1 person says this helped" in client.get(thread_url(story)).content.decode()
    own = as_(Client(), people.member).get(thread_url(story)).content.decode()
    assert "This helped me" not in own


def test_author_edits_a_thread_with_a_reason_and_the_history_shows_it(client, people):
    thread = question(people)
    response = as_(client, people.member).post(
        reverse("exchange:thread_edit", args=["growers", thread.pk]),
        {
            "title": "How deep should raised beds be in clay?",
            "body": "Our soil is heavy clay.",
            "tags": "soil, clay",
            "reason": "clearer title",
        },
    )
    assert response.status_code == 302
    page = client.get(thread_url(thread)).content.decode()
    assert "edited" in page and "Edit history" in page
    history = client.get(reverse("exchange:thread_history", args=["growers", thread.pk]))
    text = history.content.decode()
    assert "Why: clearer title" in text
    assert "Our soil is <del>**clay**.</del><ins>heavy clay.</ins>" in text
    assert "<del>raised-beds,</del><ins>clay,</ins> soil" in text


def test_someone_else_cannot_edit_a_thread(client, people):
    thread = question(people)
    url = reverse("exchange:thread_edit", args=["growers", thread.pk])
    assert as_(client, people.newcomer).get(url).status_code == 403
    client.post(url, {"title": "Hijacked", "body": "x"})
    thread.refresh_from_db()
    assert thread.title == "How deep should raised beds be?"


def test_a_steward_may_edit_a_members_thread(client, people):
    thread = question(people)
    url = reverse("exchange:thread_edit", args=["growers", thread.pk])
    assert as_(client, people.steward).get(url).status_code == 200


def test_author_edits_a_reply_and_it_is_marked_edited(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    url = reverse("exchange:reply_edit", args=["growers", thread.pk, answer.pk])
    response = as_(client, people.steward).post(url, {"body": "Forty-five.", "reason": "typo"})
    assert response["Location"].endswith(f"#reply-{answer.pk}")
    answer.refresh_from_db()
    assert answer.body == "Forty-five." and answer.edited_at is not None
    history = client.get(reverse("exchange:thread_history", args=["growers", thread.pk]))
    assert "A reply by Alice Steward" in history.content.decode()


def test_edit_history_of_an_unedited_thread_says_so(client, people):
    thread = question(people)
    page = client.get(reverse("exchange:thread_history", args=["growers", thread.pk]))
    assert "This thread has not been edited." in page.content.decode()


def test_thread_under_the_wrong_community_address_redirects_to_its_own(client, people):
    thread = question(people)
    response = client.get(reverse("exchange:thread", args=["elsewhere", thread.pk]))
    assert response.status_code == 301
    assert response["Location"] == thread_url(thread)


@pytest.mark.parametrize(
    "name,extra",
    [
        ("exchange:thread", []),
        ("exchange:thread_history", []),
        ("exchange:thread_edit", []),
    ],
)
def test_members_only_thread_pages_are_not_found_for_outsiders(client, people, name, extra):
    thread = secret_thread(people)
    url = reverse(name, args=["stewards", thread.pk, *extra])
    assert Client().get(url).status_code in {404, 302}  # anonymous: 404, or login first
    assert as_(client, people.outsider).get(url).status_code == 404
    assert as_(Client(), people.newcomer).get(url).status_code == 404
    assert as_(Client(), people.member).get(url).status_code == 200


def test_outsiders_cannot_reply_acknowledge_or_accept_in_a_members_only_thread(client, people):
    thread = secret_thread(people)
    answer = reply_create(thread=thread, author=people.steward, body="Ten pounds.")
    as_(client, people.outsider)
    urls = [
        (reverse("exchange:reply_create", args=["stewards", thread.pk]), {"body": "Hi"}),
        (
            reverse("exchange:comment_create", args=["stewards", thread.pk, answer.pk]),
            {f"comment-{answer.pk}-body": "Hi"},
        ),
        (reverse("exchange:reply_helped", args=["stewards", thread.pk, answer.pk]), {}),
        (reverse("exchange:reply_accept", args=["stewards", thread.pk, answer.pk]), {}),
        (reverse("exchange:reply_edit", args=["stewards", thread.pk, answer.pk]), {}),
        (reverse("exchange:thread_create", args=["stewards"]), {"kind": "ask", "title": "t"}),
    ]
    for url, data in urls:
        response = client.post(url, data)
        assert response.status_code == 404, url
        assert b"Ten pounds" not in response.content
    assert Reply.objects.filter(thread=thread).count() == 1
    assert not Acknowledgement.objects.exists()


def test_imported_thread_and_reply_show_attribution_with_links(client, people):
    thread = question(people)
    Thread.objects.filter(pk=thread.pk).update(
        source="beer.stackexchange.com", source_id="42", licence="CC BY-SA 4.0"
    )
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    Reply.objects.filter(pk=answer.pk).update(
        source="beer.stackexchange.com", source_id="43", licence="CC BY-SA 3.0"
    )
    page = client.get(thread_url(thread)).content.decode()
    flat = re.sub(r"\s+", " ", page)
    source = '<a href="https://beer.stackexchange.com/q/42" rel="nofollow noopener">'
    assert source + "beer.stackexchange.com</a>, by Bob Member," in flat
    deed = '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license noopener">'
    assert deed + "CC BY-SA 4.0</a>" in flat
    assert 'href="https://beer.stackexchange.com/a/43"' in flat
    assert 'href="https://creativecommons.org/licenses/by-sa/3.0/"' in flat


def test_native_content_shows_no_attribution(client, people):
    thread = question(people)
    assert "Imported" not in client.get(thread_url(thread)).content.decode()


def test_thread_page_query_count_does_not_grow_with_replies(
    client, people, django_assert_max_num_queries
):
    thread = question(people)
    for n in range(15):
        answer = reply_create(thread=thread, author=people.steward, body=f"Answer {n}")
        reply_create(thread=thread, author=people.newcomer, body=f"Comment {n}", parent=answer)
        acknowledgement_create(person=people.newcomer, thread=thread, reply=answer)
    reply_accept(reply=answer, actor=people.member)
    thread_edit(thread=thread, editor=people.member, body="Changed", reason="r")
    as_(client, people.member)
    # session, user, thread, its tags, its replies, membership, what I acknowledged, links
    with django_assert_max_num_queries(10):
        response = client.get(thread_url(thread))
    assert response.status_code == 200
    assert response.content.decode().count('class="reply') >= 15


def test_accepting_a_comment_says_why_it_cannot_be_done(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    comment = reply_create(thread=thread, author=people.newcomer, body="Hm.", parent=answer)
    response = as_(client, people.member).post(
        reverse("exchange:reply_accept", args=["growers", thread.pk, comment.pk])
    )
    assert response.status_code == 422
    assert "Accept an answer, not a comment on one." in response.content.decode()
    thread.refresh_from_db()
    assert thread.accepted_reply_id is None


@pytest.fixture
def probe_panels(settings):
    """Two panels registered as another app would, with templates held in memory."""
    engine = dict(settings.TEMPLATES[0])
    options = dict(engine["OPTIONS"])
    options["loaders"] = [
        (
            "django.template.loaders.locmem.Loader",
            {
                "probe/thread.html": '<aside id="probe">About {{ thread.title }}</aside>',
                "probe/compose.html": '<aside id="probe">Composing in {{ community.name }}</aside>',
            },
        ),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    engine.update(APP_DIRS=False, OPTIONS=options)
    settings.TEMPLATES = [engine]
    register_panel(ThreadPanel(key="probe-t", template="probe/thread.html", where="thread"))
    register_panel(ThreadPanel(key="probe-c", template="probe/compose.html", where="compose"))
    yield
    _PANELS.pop("probe-t", None)
    _PANELS.pop("probe-c", None)


def test_other_apps_add_panels_beside_a_thread_and_its_compose_form(client, people, probe_panels):
    thread = question(people)
    assert '<aside id="probe">About How deep' in client.get(thread_url(thread)).content.decode()
    compose = as_(client, people.member).get(new_thread_url(people.community)).content.decode()
    assert '<aside id="probe">Composing in Urban Growers</aside>' in compose


def test_an_htmx_click_after_the_session_ended_goes_to_the_login_page(client, people):
    thread = question(people)
    answer = reply_create(thread=thread, author=people.steward, body="Forty.")
    url = reverse("exchange:reply_helped", args=["growers", thread.pk, answer.pk])
    response = client.post(
        url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver" + thread_url(thread)
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/accounts/login/?next={thread_url(thread)}"
    assert not Acknowledgement.objects.exists()
