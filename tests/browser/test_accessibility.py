"""Every form and page of the foundation passes axe-core's WCAG 2.1 A and AA checks.

The flow test checks the pages people read; these check the forms, including
their error states, and the pages only stewards or outsiders see.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from practica.accounts.services import user_create
from practica.communities.services import community_create, community_join
from practica.exchange.services import reply_create, thread_create

PASSWORD = "a-long-garden-hose-42"


def assert_accessible(page: Any, accessibility_problems: Any) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.fixture
def brewers(transactional_db: None) -> dict[str, Any]:
    ada = user_create(username="ada", email="ada@example.org", password=PASSWORD)
    ben = user_create(username="ben", email="ben@example.org", password=PASSWORD)
    public = community_create(creator=ada, name="Home Brewers", slug="brewers", domain="beer")
    private = community_create(creator=ada, name="Judges", slug="judges", visibility="members")
    community_join(community=public, user=ben)
    community_join(community=private, user=ben)  # waits for ada
    thread = thread_create(
        community=public, author=ben, kind="question", title="Hops?", body="Which ones?"
    )
    answer = reply_create(thread=thread, author=ada, body="Cascade.")
    reply_create(thread=thread, author=ben, body="Thanks!", parent=answer)
    return {"thread": thread}


def test_the_accessibility_checker_notices_a_missing_label(
    new_page: Any, accessibility_problems: Any, transactional_db: None
) -> None:
    page = new_page()
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')"
    )
    assert any(problem.startswith("label ") for problem in accessibility_problems(page))


def test_forms_and_their_errors_are_accessible(
    new_page: Any, accessibility_problems: Any, transactional_db: None
) -> None:
    page = new_page()
    page.goto("/accounts/signup/")
    assert_accessible(page, accessibility_problems)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_contain_text("There are 4 problems")
    expect(page.locator("[data-focus-on-load]")).to_be_focused()
    assert_accessible(page, accessibility_problems)
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        page.goto(path)
        assert_accessible(page, accessibility_problems)


def test_member_and_steward_pages_are_accessible(
    new_page: Any, accessibility_problems: Any, brewers: dict[str, Any]
) -> None:
    ada = new_page()
    log_in(ada, "ada")
    thread = brewers["thread"]
    for path in (
        "/c/new/",
        "/c/brewers/edit/",
        "/c/judges/members/",
        "/c/brewers/t/new/?kind=story",
        f"/c/brewers/t/{thread.pk}/",
        f"/c/brewers/t/{thread.pk}/edit/",
        "/accounts/profile/",
        "/accounts/tokens/",
    ):
        ada.goto(path)
        assert_accessible(ada, accessibility_problems)
    ada.goto("/c/brewers/t/new/")
    ada.get_by_role("button", name="Post").click()
    expect(ada.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(ada, accessibility_problems)


def test_what_outsiders_see_is_accessible_on_a_phone(
    new_page: Any, accessibility_problems: Any, brewers: dict[str, Any]
) -> None:
    visitor = new_page(width=390, height=844)
    for path in ("/", "/c/judges/", "/c/brewers/", "/c/brewers/members/", "/people/ada/"):
        visitor.goto(path)
        assert_accessible(visitor, accessibility_problems)
    visitor.goto("/c/nowhere/")
    expect(visitor.get_by_role("heading", name="We could not find that page")).to_be_visible()
    assert_accessible(visitor, accessibility_problems)
