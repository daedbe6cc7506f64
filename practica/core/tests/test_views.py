"""What every page shares: the layout, template helpers, community tabs, error pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practica.communities.tabs import _TABS, CommunityTab, TabContext, register_tab, tabs_for
from practica.core.templatetags.attribution_links import (
    is_stack_exchange,
    licence_url,
    source_item_url,
)
from practica.core.templatetags.ui import when_filter
from practica.exchange.history import changes, pair_versions, word_diff


@pytest.mark.parametrize(
    "source,source_id,item,url",
    [
        ("beer.stackexchange.com", "42", "thread", "https://beer.stackexchange.com/q/42"),
        ("beer.stackexchange.com", "43", "answer", "https://beer.stackexchange.com/a/43"),
        ("stackoverflow.com", "7", "comment", "https://stackoverflow.com/posts/comments/7"),
        ("meta.askubuntu.com", "9", "thread", "https://meta.askubuntu.com/q/9"),
        ("gitter:freecodecamp", "42", "thread", None),
        ("beer.stackexchange.com", "c-42", "thread", None),
        ("evil.com/x?y=", "42", "thread", None),
    ],
)
def test_source_links_only_for_stack_exchange_items(source, source_id, item, url):
    assert source_item_url(source=source, source_id=source_id, item=item) == url


def test_stack_exchange_hosts_are_recognised_without_lookalikes():
    assert is_stack_exchange("beer.stackexchange.com")
    assert not is_stack_exchange("stackexchange.com.evil.example")
    assert not is_stack_exchange("notstackoverflow.com")


@pytest.mark.parametrize(
    "licence,url",
    [
        ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("CC BY-SA 2.5", "https://creativecommons.org/licenses/by-sa/2.5/"),
        ("cc-by-nc-nd-3.0", "https://creativecommons.org/licenses/by-nc-nd/3.0/"),
        ("CC0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("All rights reserved", None),
        ("", None),
    ],
)
def test_licence_deeds(licence, url):
    assert licence_url(licence) == url


def test_markdown_filter_renders_and_sanitises():
    html = Template("{% load ui %}{{ text|markdown }}").render(
        Context({"text": "**hi** <script>alert(1)</script><a href='javascript:x'>y</a>"})
    )
    assert "<strong>hi</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_recent_moments_read_as_ago_and_older_ones_as_dates():
    now = timezone.now()
    assert when_filter(now - timedelta(hours=3)) == "3\xa0hours ago"
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}", when_filter(now - timedelta(days=800)))
    assert when_filter(None) == ""


def test_word_diff_marks_removed_and_added_words():
    segments = word_diff("deep raised beds", "shallow raised beds")
    assert [(s.op, s.text) for s in segments] == [
        ("removed", "deep"),
        ("added", "shallow"),
        ("same", " raised beds"),
    ]


def test_history_pairs_each_snapshot_with_the_version_after_it():
    current = {"body": "v3"}
    snapshots = [{"body": "v2"}, {"body": "v1"}]  # newest first
    assert pair_versions(snapshots, current) == [{"body": "v3"}, {"body": "v2"}]
    assert pair_versions([], current) == []


def test_history_lists_only_changed_fields_and_skips_unknown_ones():
    found = changes(
        {"title": "A", "body": "same", "tags": ["x"]},
        {"title": "B", "body": "same", "tags": ["x", "y"], "context": "new"},
        [("title", "Title"), ("body", "Body"), ("tags", "Tags"), ("context", "Context")],
    )
    assert [c.label for c in found] == ["Title", "Tags"]


@pytest.mark.django_db
def test_another_app_adds_a_community_tab(people):
    try:
        register_tab(
            CommunityTab(
                key="compass",
                label="Compass",
                path="compass/",
                order=40,
                shown=lambda ctx: ctx.is_steward,
            )
        )
        steward = people.community.memberships.get(user=people.steward)
        member = people.community.memberships.get(user=people.member)
        as_steward = tabs_for(TabContext(people.community, steward, can_read=True))
        as_member = tabs_for(TabContext(people.community, member, can_read=True))
        labels = [t.label for t in as_steward]
        # Other apps register their own tabs too; ours keep their order around them.
        assert labels.index("Threads") < labels.index("Members") < labels.index("Search")
        assert labels.index("Search") < labels.index("Compass")
        assert next(t.url for t in as_steward if t.key == "compass") == "/c/growers/compass/"
        assert "Compass" not in [t.label for t in as_member]
        assert "Threads" in [t.label for t in as_member]
    finally:
        _TABS.pop("compass", None)


@pytest.mark.django_db
def test_layout_has_landmarks_skip_link_and_htmx(client):
    page = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert '<nav class="site-nav" aria-label="Main">' in page
    assert "<footer" in page and "<header" in page
    assert "vendor/htmx/htmx.min.js" in page
    assert 'role="status" aria-live="polite"' in page


@pytest.mark.django_db
def test_static_files_are_served(client):
    for path in ("css/practica.css", "js/practica.js", "vendor/htmx/htmx.min.js"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path


@pytest.mark.django_db
def test_not_found_page_is_friendly(client):
    response = client.get("/c/nowhere/t/1/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_forbidden_page_says_why(people):
    client = Client()
    client.force_login(people.member)
    response = client.get(reverse("communities:edit", args=["growers"]))
    assert response.status_code == 403
    assert "only a steward can change the community" in response.content.decode()
