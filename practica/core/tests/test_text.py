"""Markdown is rendered safely; mentions are found the way people write them."""

from __future__ import annotations

from practica.core.text import excerpt, find_mentions, render_markdown


def test_scripts_and_event_handlers_are_stripped():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n**hi**'
    )
    assert "<script" not in html and "alert(1)" not in html and "onerror" not in html
    assert "<strong>hi</strong>" in html


def test_javascript_links_are_removed_and_links_are_nofollow():
    html = render_markdown("[a](javascript:alert(1)) [b](https://example.org)")
    assert 'href="javascript' not in html
    assert 'href="https://example.org"' in html and "nofollow" in html


def test_mentions_in_order_without_repeats_or_emails():
    text = "Ask @alice.b, then @bob. Mail carol@example.org or @alice.b again."
    assert find_mentions(text) == ["alice.b", "bob"]


def test_excerpt_cuts_on_a_word_and_drops_tags():
    assert excerpt("<p>one two three four</p>", length=12) == "one two…"


def test_unknown_api_urls_answer_json_and_pages_answer_html(client, db):
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "not found", "field": None}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "text/html" in page["Content-Type"]
