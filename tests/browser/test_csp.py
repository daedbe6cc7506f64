"""The Content-Security-Policy leaves every page working: the thread page and its htmx
"this helped me" button, the compass with its Vega charts and sigma map, the API docs.

Chromium reports each blocked script, style or eval on the console; the test
listens for those reports on every page and fails on any.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from practica.accounts.services import user_create
from practica.communities.services import community_create, community_join
from practica.compass.services import compass_refresh
from practica.exchange.services import reply_create, thread_create

PASSWORD = "a-long-garden-hose-42"


def eval_allowed(page: Any) -> bool:
    """Whether the page's own code may turn a string into code (a string timer is compiled
    by the page, under its policy; code sent by the test itself would not be)."""
    page.evaluate("() => { window.probe = 'blocked'; setTimeout(\"window.probe = 'ran'\", 0); }")
    page.wait_for_timeout(200)
    return bool(page.evaluate("() => window.probe") == "ran")


class Console:
    """Everything a page says about its security policy, and any error it throws."""

    def __init__(self, page: Any) -> None:
        self.violations: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.violations.append(f"page error: {error}"))

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.violations.append(f"{message.type}: {text}")


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def seed() -> int:
    ada = user_create(username="ada", password=PASSWORD)
    ben = user_create(username="ben", password=PASSWORD)
    cy = user_create(username="cy", password=PASSWORD)
    growers = community_create(creator=ada, name="Urban Growers", slug="growers")
    for person in (ben, cy):
        community_join(community=growers, user=person)
    thread = thread_create(
        community=growers, author=ben, kind="question", title="Worms in winter?", body="Do they?"
    )
    reply_create(thread=thread, author=ada, body="Yes: keep the bin off the ground.")
    reply_create(thread=thread, author=cy, body="Mine live in the shed.")
    second = thread_create(
        community=growers, author=cy, kind="question", title="Leaf mould?", body="How long?"
    )
    reply_create(thread=second, author=ben, body="A year, in a wire cage.")
    compass_refresh(community=growers)
    return thread.pk


def test_pages_work_under_the_content_security_policy(new_page: Any) -> None:
    thread_id = seed()

    ben = new_page()
    ben_console = Console(ben)
    log_in(ben, "ben")
    ben.goto(f"/c/growers/t/{thread_id}/")
    assert "script-src 'self';" in (ben.request.get(ben.url).headers["content-security-policy"])
    helped = ben.get_by_role("button", name="This helped me").first
    helped.click()  # htmx swaps the box in place
    expect(ben.get_by_text("Thank you. You said this helped you.")).to_be_visible()
    assert ben_console.violations == []
    assert not eval_allowed(ben)  # the strict policy is in force here

    ada = new_page()
    ada_console = Console(ada)
    log_in(ada, "ada")
    ada.goto("/c/growers/compass/")
    expect(ada.locator("#chart-stage svg")).to_be_visible()
    expect(ada.locator("#chart-people svg")).to_be_visible()
    expect(ada.locator("#compass-map canvas").first).to_be_attached()  # sigma drew the map
    assert "script-src 'self';" in (ada.request.get(ada.url).headers["content-security-policy"])
    assert ada_console.violations == []
    assert not eval_allowed(ada)  # Vega's expressions run through vega-interpreter
    ada_console.violations.clear()  # the probe's own blocked string, reported as it should be

    ada.goto("/api/docs")
    expect(ada.get_by_role("heading", name="Practica API")).to_be_visible()
    assert ada_console.violations == []


def test_the_listener_hears_a_blocked_inline_script(new_page: Any) -> None:
    page = new_page()
    console = Console(page)
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in v for v in console.violations)
