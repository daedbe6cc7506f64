"""An accepted answer that stewards hid resolves nothing: the thread reads as open on its
page, in lists, in the unresolved filter, in search and in the API, for everyone; stewards
and the answer's author, who still see the answer, see it marked as hidden."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from practica.accounts.services import token_create
from practica.exchange.models import Thread
from practica.exchange.selectors import thread_get, thread_list
from practica.exchange.services import reply_accept, reply_create, thread_create
from practica.search.selectors import search_threads
from practica.trust.services import content_hide, content_restore

OPEN = '<span class="badge badge--open">Open</span>'
RESOLVED = "Resolved: see the accepted answer"
HIDDEN_BADGE = "Accepted answer hidden"


@pytest.fixture
def hidden_answer(people):
    thread = thread_create(
        community=people.community,
        author=people.member,
        kind="question",
        title="Slugs on lettuce?",
        body="What works?",
    )
    answer = reply_create(thread=thread, author=people.newcomer, body="Beer traps.")
    reply_accept(reply=answer, actor=people.member)
    content_hide(actor=people.steward, thread=thread, reply=answer, note="advert")
    return Thread.objects.get(pk=thread.pk), answer


def _page(client: Client, person, thread: Thread) -> str:
    if person is None:
        client.logout()
    else:
        client.force_login(person)
    return client.get(reverse("exchange:thread", args=["growers", thread.pk])).content.decode()


def test_the_thread_page_shows_open_to_readers_and_marks_the_hidden_answer_for_stewards(
    client, people, hidden_answer
):
    thread, answer = hidden_answer
    for reader in (None, people.member, people.outsider):
        page = _page(client, reader, thread)
        assert OPEN in page and RESOLVED not in page and HIDDEN_BADGE not in page
    for insider in (people.steward, people.newcomer):  # a steward, and the answer's author
        page = _page(client, insider, thread)
        assert OPEN in page and RESOLVED not in page
        assert HIDDEN_BADGE in page and f'href="#reply-{answer.pk}"' in page


def test_lists_and_the_unresolved_filter_agree_with_the_page(client, people, hidden_answer):
    thread, _ = hidden_answer
    for viewer in (people.member, people.steward):
        listed = thread_list(community=people.community, user=viewer).get(pk=thread.pk)
        assert listed.is_resolved is False
        unresolved = thread_list(community=people.community, user=viewer, unresolved=True)
        assert unresolved.filter(pk=thread.pk).exists()
        assert thread_get(thread_id=thread.pk, user=viewer).is_resolved is False
    client.force_login(people.member)
    home = client.get(reverse("communities:detail", args=["growers"])).content.decode()
    assert "Slugs on lettuce?" in home and 'badge--resolved">Resolved<' not in home
    found = search_threads(user=people.member, community=people.community, q="lettuce")
    assert [(h.thread_id, h.is_resolved) for h in found.hits] == [(thread.pk, False)]


def test_restoring_the_answer_resolves_the_thread_again(client, people, hidden_answer):
    thread, answer = hidden_answer
    content_restore(actor=people.steward, thread=thread, reply=answer)
    assert thread_get(thread_id=thread.pk, user=people.member).is_resolved is True
    assert not thread_list(community=people.community, user=people.member, unresolved=True)
    page = _page(client, people.member, thread)
    assert RESOLVED in page and HIDDEN_BADGE not in page
    client.force_login(people.member)
    home = client.get(reverse("communities:detail", args=["growers"])).content.decode()
    assert 'badge--resolved">Resolved<' in home


def _api(client: Client, person, path: str):
    secret = token_create(user=person, name="tests")[1]
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}").json()


def test_the_api_names_the_hidden_answer_only_to_those_who_may_read_it(
    client, people, hidden_answer
):
    thread, answer = hidden_answer
    body = _api(client, people.member, f"/api/v1/threads/{thread.pk}")
    assert body["is_resolved"] is False and body["accepted_reply_id"] is None
    assert all(r["id"] != answer.pk for r in body["replies"])
    body = _api(client, people.steward, f"/api/v1/threads/{thread.pk}")
    assert body["is_resolved"] is False and body["accepted_reply_id"] == answer.pk
    assert any(r["id"] == answer.pk for r in body["replies"])
    listed = _api(client, people.steward, "/api/v1/communities/growers/threads")["items"]
    assert [t["is_resolved"] for t in listed if t["id"] == thread.pk] == [False]
