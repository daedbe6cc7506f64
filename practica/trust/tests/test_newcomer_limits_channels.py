"""Newcomers' link and hourly limits hold on every channel: the web forms and the API
answer with the service's sentence (a form error, a 403 with detail), never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from practica.accounts.services import user_create
from practica.communities.services import community_join
from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create
from practica.testing.api import ApiClient, Cast
from practica.trust.rules import count_links
from practica.trust.selectors import SMALL_COMMUNITY
from practica.trust.tests.conftest import question

pytest_plugins = ["practica.testing.api_fixtures"]

FOUR_LINKS = " ".join(f"https://shop{n}.example/deal" for n in range(4))
RATE = "newcomers can post at most 5 threads and replies an hour"
RATE_SAID = "Newcomers can post at most 5 threads and replies an hour"


def _five_replies(thread: Thread, author) -> None:
    for n in range(5):
        reply_create(thread=thread, author=author, body=f"Thought {n}")


# The web forms ---------------------------------------------------------------------


def test_the_new_thread_form_refuses_too_many_links_with_the_reason(client, people, crowd):
    client.force_login(people.newcomer)
    answer = client.post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "question", "title": "Cheap compost", "body": FOUR_LINKS, "tags": ""},
    )
    assert answer.status_code == 422
    assert "Newcomers can include at most 2 links; you have 4." in answer.content.decode()
    assert not Thread.objects.filter(title="Cheap compost").exists()


def test_the_reply_and_comment_forms_refuse_links_and_the_sixth_post_in_an_hour(
    client, people, crowd
):
    thread = question(people.community, people.steward)
    client.force_login(people.newcomer)
    url = reverse("exchange:reply_create", args=["growers", thread.pk])
    answer = client.post(url, {"body": FOUR_LINKS})
    assert answer.status_code == 422 and "at most 2 links; you have 4" in answer.content.decode()
    _five_replies(thread, people.newcomer)
    answer = client.post(url, {"body": "One more thought"})
    assert answer.status_code == 422 and RATE_SAID in answer.content.decode()
    parent = Reply.objects.filter(author=people.newcomer).first()
    assert parent is not None
    comment = reverse("exchange:comment_create", args=["growers", thread.pk, parent.pk])
    answer = client.post(comment, {f"comment-{parent.pk}-body": "And a comment"})
    assert answer.status_code == 422 and RATE_SAID in answer.content.decode()
    new = client.post(
        reverse("exchange:thread_create", args=["growers"]),
        {"kind": "question", "title": "A sixth post", "body": "Hello", "tags": ""},
    )
    assert new.status_code == 422 and RATE_SAID in new.content.decode()
    assert Reply.objects.filter(author=people.newcomer).count() == 5


def test_the_edit_forms_refuse_editing_links_in(client, people, crowd):
    thread = question(people.community, people.newcomer, title="My own question")
    reply = reply_create(
        thread=question(people.community, people.steward), author=people.newcomer, body="Plain"
    )
    client.force_login(people.newcomer)
    answer = client.post(
        reverse("exchange:thread_edit", args=["growers", thread.pk]),
        {"title": "My own question", "body": FOUR_LINKS, "tags": "worms", "reason": ""},
    )
    assert answer.status_code == 422 and "at most 2 links" in answer.content.decode()
    answer = client.post(
        reverse("exchange:reply_edit", args=["growers", reply.thread_id, reply.pk]),
        {"body": FOUR_LINKS, "reason": ""},
    )
    assert answer.status_code == 422 and "at most 2 links" in answer.content.decode()
    assert Reply.objects.get(pk=reply.pk).body == "Plain"


# The API ----------------------------------------------------------------------------


@pytest.fixture
def busy(cast: Cast) -> Cast:
    """Gardeners grown past a small community, so that newcomer limits apply to Nina."""
    for n in range(SMALL_COMMUNITY):
        person = user_create(username=f"walker{n}")
        community_join(community=cast.gardeners, user=person)
    return cast


def test_the_api_refuses_too_many_links_with_403_and_the_reason(api: ApiClient, busy: Cast):
    nina = api.as_(busy.nina)
    answer = nina.post(
        "/api/v1/communities/gardeners/threads",
        {"kind": "question", "title": "Cheap compost", "body": FOUR_LINKS},
    )
    assert answer.status == 403
    assert answer.detail == "newcomers can include at most 2 links; you have 4"
    assert answer.field == "body"
    thread = thread_create(
        community=busy.gardeners, author=busy.mo, kind="question", title="Beans?", body="When?"
    )
    answer = nina.post(f"/api/v1/threads/{thread.pk}/replies", {"body": FOUR_LINKS})
    assert answer.status == 403 and answer.detail.startswith("newcomers can include at most 2")


def test_the_api_refuses_the_sixth_post_in_an_hour_with_403(api: ApiClient, busy: Cast):
    thread = thread_create(
        community=busy.gardeners, author=busy.mo, kind="question", title="Beans?", body="When?"
    )
    nina = api.as_(busy.nina)
    for n in range(5):
        assert nina.post(f"/api/v1/threads/{thread.pk}/replies", {"body": f"n{n}"}).status == 201
    answer = nina.post(f"/api/v1/threads/{thread.pk}/replies", {"body": "sixth"})
    assert answer.status == 403 and answer.detail.startswith(RATE)
    assert answer.detail.endswith("minutes")
    answer = nina.post(
        "/api/v1/communities/gardeners/threads", {"kind": "question", "title": "t", "body": "b"}
    )
    assert answer.status == 403 and answer.detail.startswith(RATE)
    assert Reply.objects.filter(author=busy.nina).count() == 5


# What counts as a link ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("see https://a.example and www.b.example", 2),
        ("[shop](https://a.example)", 1),
        ("<https://a.example>", 1),
        ("[a](/c/growers/t/1/) and [b](#reply-2)", 0),
        # Addresses that lead off the site without spelling "https://" in the text:
        ("[a](//a.example/x) [b](//b.example) [c](//c.example)", 3),
        ('<a href="https&#58;//a.example">x</a> <a href="//b.example">y</a>', 2),
        ("[a][1] [b][2] [c][3]\n\n[1]: //a.example\n[2]: //b.example\n[3]: //c.example", 3),
        ("[a](http:a.example) [b](HTTP:b.example) [c](mailto:c@c.example)", 3),
    ],
)
def test_links_are_counted_as_the_page_will_show_them(text, links):
    assert count_links(text) == links


def test_a_newcomer_cannot_slip_links_past_the_limit_without_a_scheme(people, crowd):
    thread = question(people.community, people.steward)
    sneaky = "[a](//a.example) [b](//b.example) [c](//c.example)"
    from practica.core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="you have 3"):
        reply_create(thread=thread, author=people.newcomer, body=sneaky)
