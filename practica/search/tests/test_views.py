"""The search page at /c/<slug>/search/."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(slug: str = "growers", **params: str) -> str:
    from urllib.parse import urlencode

    return reverse("search:search", args=[slug]) + ("?" + urlencode(params) if params else "")


def test_the_page_without_a_query_invites_a_search(client, people):
    response = client.get(url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Find what the community already knows" in page
    assert '<label for="id_q">Search for</label>' in page


def test_results_link_to_their_threads_with_escaped_snippets(client, write):
    thread = write.thread("Sourdough <b>starter</b>", 'It <script>x()</script> needs "rye" flour.')
    reply = write.reply(write.thread("Beds", "Clay."), "Add rye straw.")
    page = client.get(url(q="rye")).content.decode()
    assert f'href="/c/growers/t/{thread.pk}/"' in page
    assert f'href="/c/growers/t/{reply.thread_id}/#reply-{reply.pk}"' in page
    assert "Sourdough &lt;b&gt;starter&lt;/b&gt;" in page
    assert "<mark>rye</mark>" in page
    assert "<script>x()" not in page
    assert "2 threads match" in page and "Found in a reply" in page
    assert 'class="badge badge--question">Question<' in page


def test_no_results_says_so_and_offers_to_drop_filters(client, write):
    write.thread("Sourdough starter", "rye")
    page = client.get(url(q="barley", kind="offer")).content.decode()
    assert "Nothing matches <q>barley</q> with these filters" in page
    assert "search without filters" in page


def test_a_query_of_punctuation_asks_for_words(client, people):
    response = client.get(url(q='" ( * :'))
    assert response.status_code == 200
    assert "Nothing to look for" in response.content.decode()


def test_members_only_search_is_hidden_from_outsiders(client, write, people):
    write.thread("Budget", "rye", community=people.private)
    assert client.get(url("stewards", q="rye")).status_code == 404
    client.force_login(people.outsider)
    assert client.get(url("stewards", q="rye")).status_code == 404
    client.force_login(people.member)
    response = client.get(url("stewards", q="rye"))
    assert response.status_code == 200 and "Budget" in response.content.decode()


def test_a_missing_community_is_not_found(client, db):
    assert client.get(url("nowhere", q="rye")).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "rye", "since": "yesterday"}, "Enter a valid date."),
        ({"q": "rye", "since": "2024-02-01", "until": "2024-01-01"}, "The end date is before"),
        ({"q": "rye", "kind": "poem"}, "Select a valid choice."),
        ({"q": "rye", "page": "0"}, "greater than or equal to 1"),
        ({"q": "rye", "page": "x"}, "Enter a whole number."),
    ],
)
def test_bad_filters_are_explained_on_the_form(client, people, params, message):
    response = client.get(url(**params))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_filters_and_pages_carry_over(client, write, settings):
    settings.PRACTICA_PAGE_SIZE = 2
    for n in range(3):
        write.thread(f"Rye note {n}", "rye", tags=["bread"])
    first = client.get(url(q="rye", tag="bread")).content.decode()
    assert "page=2" in first and "tag=bread" in first
    second = client.get(url(q="rye", tag="bread", page="2")).content.decode()
    assert second.count('class="thread-item search-result"') == 1
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_number_of_queries_does_not_grow_with_the_results(client, write, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.member)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(q="rye")).status_code == 200
        return len(captured)

    write.reply(write.thread("Rye 0", "rye", author=people.newcomer), "rye too")
    few = queries_for_page()
    for n in range(1, 6):
        write.reply(write.thread(f"Rye {n}", "rye", author=people.newcomer), "rye again")
    assert queries_for_page() == few
