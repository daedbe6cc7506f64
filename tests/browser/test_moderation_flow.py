"""Moderation in a real browser: a member flags a reply, a steward hides it from the queue,
the audit log says so, and every page passes the accessibility checks on a phone too."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from practica.accounts.services import user_create
from practica.communities.services import community_create, community_join
from practica.exchange.services import reply_create, thread_create

PASSWORD = "a-long-garden-hose-42"
PHONE = {"width": 390, "height": 844}


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def accessible(page: Any, accessibility_problems: Any) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def test_a_flagged_reply_is_hidden_by_a_steward_and_the_audit_log_says_so(
    new_page: Any, screenshot: Any, accessibility_problems: Any
) -> None:
    ada = user_create(username="ada", password=PASSWORD)
    ben = user_create(username="ben", password=PASSWORD)
    spammer = user_create(username="sly", password=PASSWORD)
    growers = community_create(creator=ada, name="Urban Growers", slug="growers")
    for person in (ben, spammer):
        community_join(community=growers, user=person)
    thread = thread_create(
        community=growers, author=ben, kind="question", title="Worms in winter?", body="Do they?"
    )
    reply_create(thread=thread, author=spammer, body="Buy miracle castings at my shop")

    member = new_page()
    log_in(member, "ben")
    member.goto(f"/c/growers/t/{thread.pk}/")
    member.get_by_role("link", name="Flag this reply for the stewards").click()
    expect(member.get_by_role("heading", name="Flag a reply in “Worms in winter?”")).to_be_visible()
    accessible(member, accessibility_problems)
    member.get_by_label("Spam or advertising").check()
    member.get_by_label("Anything the stewards should know").fill("an advert")
    member.get_by_role("button", name="Send to the stewards").click()
    expect(member.get_by_text("Thank you: the stewards will look at it.")).to_be_visible()

    steward = new_page(width=PHONE["width"], height=PHONE["height"])
    log_in(steward, "ada")
    steward.goto("/c/growers/")
    steward.get_by_role("link", name="Moderation").click()
    expect(steward.get_by_text("“an advert”")).to_be_visible()
    accessible(steward, accessibility_problems)
    screenshot(steward, "moderation-queue-phone")
    steward.get_by_label("Note for the audit log").fill("advert, not advice")
    steward.get_by_role("button", name="Hide").click()
    expect(
        steward.get_by_text("Hidden: only its author and the stewards see it now.")
    ).to_be_visible()
    expect(steward.get_by_text("Nothing is flagged.")).to_be_visible()

    member.goto(f"/c/growers/t/{thread.pk}/")
    expect(member.get_by_text("Buy miracle castings")).to_have_count(0)

    steward.get_by_role("link", name="Audit log").click()
    expect(steward.get_by_role("cell", name="advert, not advice; 1 flag(s) upheld")).to_be_visible()
    accessible(steward, accessibility_problems)
    steward.get_by_role("link", name="Trust levels").click()
    accessible(steward, accessibility_problems)
    screenshot(steward, "trust-levels-phone")
