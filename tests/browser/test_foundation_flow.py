"""The foundation, end to end in a real browser.

Ada starts a community; Ben signs up, joins and asks a question; Ada answers;
Ben accepts the answer and says it helped him; search finds the thread; Ada
tells a story in its parts. Pages are found by their labels and roles, as a
screen-reader user would find them, and photographed at phone and desktop width.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

PASSWORD = "a-long-garden-hose-42"
QUESTION = "How long should a stout age before bottling?"
STORY = "The winter our lager would not clear"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def sign_up(page: Any, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password, again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text(f"Welcome to Practica, {username}.")).to_be_visible()


def photograph(page: Any, screenshot: Any, name: str) -> None:
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def check_accessible(page: Any, accessibility_problems: Any) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def test_two_people_ask_answer_accept_acknowledge_search_and_tell_a_story(
    new_page: Any, screenshot: Any, accessibility_problems: Any
) -> None:
    ada = new_page()
    ada.goto("/")
    expect(ada.get_by_role("heading", name="No communities yet")).to_be_visible()
    # The first Tab reaches the skip link, which leads to the main content.
    ada.keyboard.press("Tab")
    expect(ada.get_by_role("link", name="Skip to main content")).to_be_focused()

    # Ada signs up and starts a community: she becomes its steward.
    sign_up(ada, "ada")
    ada.get_by_role("link", name="Start a community").click()
    ada.get_by_label("Name").fill("Home Brewers")
    expect(ada.get_by_label("Web address")).to_have_value("home-brewers")  # suggested by JS
    ada.get_by_label("Web address").fill("brewers")
    ada.get_by_label("Domain").fill("brewing beer at home")
    ada.get_by_label("Purpose").fill("Better beer from small kitchens, by sharing what works.")
    ada.get_by_label("Collaborative learning").check()
    ada.get_by_role("button", name="Start the community").click()
    expect(ada).to_have_url(re.compile(r"/c/brewers/$"))
    expect(ada.get_by_text("You are a steward of this community.")).to_be_visible()

    # Ben signs up in his own browser, finds the community and joins it.
    ben = new_page()
    sign_up(ben, "ben")
    ben.get_by_role("link", name="Home Brewers").click()
    ben.get_by_role("button", name="Join Home Brewers").click()
    expect(ben.get_by_text("Welcome to Home Brewers.")).to_be_visible()

    # Ben asks a question.
    ben.get_by_role("link", name="Start a thread").click()
    ben.get_by_label("Question").check()
    expect(ben.get_by_role("group", name="A story, in its parts")).to_be_hidden()
    ben.get_by_label("Title").fill(QUESTION)
    ben.get_by_label("Body").fill("My first stout tastes *harsh*. Should I wait longer?")
    ben.get_by_label("Tags").fill("stout, ageing")
    ben.get_by_role("button", name="Post").click()
    expect(ben.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    thread_url = ben.url

    # Ada answers.
    ada.goto(thread_url)
    ada.get_by_label("Your reply").fill("Give it **three more weeks** in the fermenter.")
    ada.get_by_role("button", name="Post reply").click()
    expect(ada.get_by_text("Your reply is posted.")).to_be_visible()
    expect(ada.get_by_role("button", name="This helped me")).to_have_count(0)  # her own reply

    # Ben accepts the answer: the thread is resolved and the answer marked.
    ben.goto(thread_url)
    ben.get_by_role("button", name="Accept this answer").click()
    expect(ben.get_by_role("link", name="Resolved: see the accepted answer")).to_be_visible()
    expect(ben.locator(".reply--accepted .accepted-mark")).to_have_text("✓ Accepted answer")

    # "This helped me" updates in place (htmx): the page is not reloaded.
    ben.evaluate("window.__stillHere = true")
    ben.get_by_role("button", name="This helped me").click()
    expect(ben.get_by_text("You said this helped you.")).to_be_visible()
    expect(ben.get_by_text("1 person says this helped")).to_be_visible()
    assert ben.evaluate("window.__stillHere") is True
    photograph(ben, screenshot, "thread")
    check_accessible(ben, accessibility_problems)

    # Search finds the thread.
    ben.goto("/c/brewers/search/?q=stout")
    expect(ben.get_by_role("link", name=QUESTION)).to_be_visible()

    # Ada tells a story in its parts; they appear under their headings.
    ada.goto("/c/brewers/")
    ada.get_by_role("link", name="Tell a story").click()
    expect(ada.get_by_label("Story")).to_be_checked()
    parts = ada.get_by_role("group", name="A story, in its parts")
    expect(parts).to_be_visible()
    ada.get_by_label("Title").fill(STORY)
    ada.get_by_label("Context").fill("A cold garage in January, our third batch of lager.")
    ada.get_by_label("What happened").fill("It stayed cloudy for six weeks.")
    ada.get_by_label("What we learned").fill("Cold crashing needs a steady temperature.")
    ada.get_by_label("What we would do differently").fill("Use finings, and start earlier.")
    ada.get_by_label("Tags").fill("lager, clarity")
    ada.get_by_role("button", name="Post").click()
    expect(ada.get_by_role("heading", level=1, name=STORY)).to_be_visible()
    for heading in (
        "Context",
        "What happened",
        "What we learned",
        "What we would do differently",
    ):
        expect(ada.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    expect(ada.get_by_text("It stayed cloudy for six weeks.")).to_be_visible()
    photograph(ada, screenshot, "story")
    check_accessible(ada, accessibility_problems)

    # Ben says the story helped him too.
    ben.goto(ada.url)
    ben.get_by_role("button", name="This helped me").click()
    expect(ben.get_by_text("You said this helped you.")).to_be_visible()

    # The pages a visitor sees first, and a profile with who helped whom.
    ben.goto("/")
    expect(ben.get_by_role("link", name="Home Brewers")).to_be_visible()
    photograph(ben, screenshot, "home")
    check_accessible(ben, accessibility_problems)
    ben.goto("/c/brewers/")
    expect(ben.get_by_role("link", name=QUESTION)).to_be_visible()
    expect(ben.get_by_role("link", name=STORY)).to_be_visible()
    photograph(ben, screenshot, "community")
    check_accessible(ben, accessibility_problems)
    ben.goto("/people/ada/")
    expect(ben.locator(".figures")).to_contain_text("Helped others")
    expect(ben.locator(".figures div").filter(has_text="Helped others").locator("dd")).to_have_text(
        "2"
    )
    photograph(ben, screenshot, "profile")
    check_accessible(ben, accessibility_problems)
