"""A confidential circle, end to end in a real browser.

Ada, a steward, opens a confidential circle and invites Ben; Ben tells a story
there. Then the story is looked for everywhere, by Cleo (a member of the
community who is not in the circle), Dan (an outsider) and an anonymous
visitor: the community page and its tag cloud, the thread page by its URL, the
circle list and the circle's own page, search, Ben's profile, the people
directory, and the feeds (Cleo's personal one too). It is in none of them, and
its words are not in `practica export` either. Ben, inside the circle, sees it
on the same pages: the checks can fail.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.circles import agreement_publish, circle_create
from practica.communities.models import Community
from practica.communities.services import community_create, community_join
from practica.exchange.feeds import feed_token
from practica.exchange.models import Thread
from practica.surveys.services import survey_answer, survey_close, survey_create, survey_open

PASSWORD = "a-long-garden-hose-42"
TITLE = "The night the greenhouse burned"
SECRET = "lanternkeeper"  # a word found nowhere else, in the story's body and its tag
STORY_PARTS = {
    "Context": "Our second winter on the roof.",
    "What happened": f"A heater failed; I said nothing for weeks ({SECRET}).",
    "What we learned": "Say it early, even when it is embarrassing.",
}


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def check_accessible(page: Any, accessibility_problems: Any) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.fixture
def growers(transactional_db: None) -> dict[str, User]:
    people = {
        name: user_create(
            username=name, email=f"{name}@example.org", password=PASSWORD,
            display_name=name.title(),
        )
        for name in ("ada", "ben", "cleo", "dan")
    }  # fmt: skip
    community = community_create(
        creator=people["ada"], name="Urban Growers", slug="growers", domain="urban farming"
    )
    for name in ("ben", "cleo"):
        community_join(community=community, user=people[name])
    return people


def text_of(page: Any, url: str) -> str:
    """The page's HTML as served (404s included), for looking for words in it."""
    response = page.request.get(url)
    return str(response.text())


def assert_unseen(page: Any, who: str, urls: list[str]) -> None:
    for url in urls:
        html = text_of(page, url)
        needles = [TITLE, "A heater failed", "Say it early", "Night shift"]
        if SECRET not in url:  # a search page repeats the words it was asked for
            needles.append(SECRET)
        for needle in needles:
            assert needle not in html, f"{who} finds {needle!r} at {url}"


def test_a_confidential_story_is_invisible_outside_its_circle_on_every_page(
    new_page: Any,
    growers: dict[str, User],
    screenshot: Any,
    accessibility_problems: Any,
    tmp_path: Path,
) -> None:
    # Ada opens a confidential circle and invites Ben.
    ada = new_page()
    log_in(ada, "ada")
    ada.goto("/c/growers/circles/")
    ada.get_by_role("link", name="Open the first circle").click()
    ada.get_by_label("Name").fill("Night shift")
    ada.get_by_label("Confidential: private, and kept out of exports and analytics").check()
    ada.get_by_role("button", name="Open the circle").click()
    expect(ada).to_have_url(re.compile(r"/c/growers/circles/night-shift/$"))
    ada.get_by_label("Invite a member of the community").fill("ben")
    ada.get_by_role("button", name="Invite").click()
    expect(ada.get_by_text("Ben is now in the circle Night shift.")).to_be_visible()
    check_accessible(ada, accessibility_problems)

    # Ben tells his story inside the circle.
    ben = new_page()
    log_in(ben, "ben")
    ben.goto("/c/growers/circles/night-shift/")
    ben.get_by_role("link", name="Tell a story here").click()
    expect(ben.get_by_label("Where")).to_have_value("night-shift")
    ben.get_by_label("Title").fill(TITLE)
    for label, text in STORY_PARTS.items():
        ben.get_by_label(label).fill(text)
    ben.get_by_label("Tags").fill(SECRET)
    ben.get_by_role("button", name="Post").click()
    expect(ben.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(ben.get_by_text("Night shift · confidential")).to_be_visible()
    # Its words may not become a practice card, which the whole community reads.
    expect(ben.get_by_role("button", name="Distil into a practice")).to_have_count(0)
    screenshot(ben, "confidential-story-inside")
    check_accessible(ben, accessibility_problems)

    thread = Thread.objects.get(title=TITLE)
    thread_url = f"/c/growers/t/{thread.pk}/"
    pages = [
        "/c/growers/",
        "/c/growers/circles/",
        f"/c/growers/search/?q={SECRET}",
        f"/c/growers/search/?q={TITLE.split()[2]}",
        "/people/ben/",
        "/c/growers/people/",
        "/c/growers/people/ben/",
        f"/c/growers/people/?expertise={SECRET}",
        "/c/growers/feed.atom",
        f"/c/growers/t/{thread.pk}/feed.atom",
    ]

    # Inside the circle, Ben finds it on the same pages the others will search.
    ben.goto("/c/growers/")
    expect(ben.get_by_role("link", name=TITLE)).to_be_visible()
    ben.goto(f"/c/growers/search/?q={SECRET}")
    expect(ben.get_by_role("link", name=TITLE)).to_be_visible()
    assert TITLE in text_of(ben, "/people/ben/")

    # Cleo, a member of the community outside the circle, finds nothing.
    cleo = new_page()
    log_in(cleo, "cleo")
    cleo.goto(thread_url)
    expect(cleo.get_by_role("heading", name="We could not find that page")).to_be_visible()
    cleo.goto("/c/growers/circles/night-shift/")
    expect(cleo.get_by_role("heading", name="We could not find that page")).to_be_visible()
    cleo.goto(f"/c/growers/search/?q={SECRET}")
    expect(cleo.get_by_role("link", name=TITLE)).to_have_count(0)
    screenshot(cleo, "confidential-story-search-outside")
    assert_unseen(cleo, "cleo", [*pages, thread_url])
    cleos_feed = f"/c/growers/feed.atom?token={feed_token(growers['cleo'])}"
    assert_unseen(cleo, "cleo's own feed", [cleos_feed])

    # Dan, who belongs nowhere, and an anonymous visitor find nothing either.
    dan = new_page()
    log_in(dan, "dan")
    assert_unseen(dan, "dan", [*pages, thread_url])
    anonymous = new_page()
    assert_unseen(anonymous, "an anonymous visitor", [*pages, thread_url])
    assert anonymous.request.get(thread_url).status == 404

    # Not even Ben's own feed carries it: feed readers are often run by others.
    bens_feed = f"/c/growers/feed.atom?token={feed_token(growers['ben'])}"
    assert_unseen(ben, "ben's own feed", [bens_feed])

    # And its words never leave in an export.
    path = tmp_path / "growers.jsonl"
    call_command("export", "growers", str(path))
    exported = path.read_text(encoding="utf-8")
    assert "Say it early" not in exported and SECRET not in exported
    assert TITLE not in exported and "night-shift" not in exported


def test_circle_agreement_survey_and_data_pages_pass_the_accessibility_checks(
    new_page: Any, growers: dict[str, User], screenshot: Any, accessibility_problems: Any
) -> None:
    community = Community.objects.get(slug="growers")
    agreement_publish(community=community, actor=growers["ada"], body="Be kind.")
    agreement_publish(community=community, actor=growers["ada"], body="Be kind. Share seeds.")
    circle_create(
        community=community, actor=growers["ada"], name="Lobby", slug="lobby",
        tier="open", chatham_house=True,
    )  # fmt: skip
    survey = survey_open(
        survey=survey_create(
            community=community, actor=growers["ada"], title="Spring pulse",
            scales=["psychological_safety", "trust", "value"], ask_story=True,
        ),
        actor=growers["ada"],
    )  # fmt: skip
    closed = survey_create(
        community=community, actor=growers["ada"], title="Winter pulse", scales=["trust"]
    )
    survey_open(survey=closed, actor=growers["ada"])
    for n in range(5):
        person = user_create(username=f"grower{n}", password=PASSWORD)
        community_join(community=community, user=person, accept_agreement=2)
        survey_answer(
            survey=closed, person=person, answers={k: 2 + n for k in
            ("tr_rely", "tr_unknown", "tr_open", "tr_stewards")},
        )  # fmt: skip
    survey_close(survey=closed, actor=growers["ada"])

    ada = new_page()
    log_in(ada, "ada")
    for url in (
        "/c/growers/circles/",
        "/c/growers/circles/new/",
        "/c/growers/circles/lobby/",
        "/c/growers/agreement/",
        "/c/growers/agreement/new/",
        "/c/growers/surveys/",
        "/c/growers/surveys/new/",
        f"/c/growers/surveys/{closed.pk}/results/",
        "/settings/data/",
    ):
        ada.goto(url)
        check_accessible(ada, accessibility_problems)

    # Ben answers the survey on a phone, by keyboard-reachable radios.
    ben = new_page(width=390, height=844)
    log_in(ben, "ben")
    ben.goto(f"/c/growers/surveys/{survey.pk}/")
    check_accessible(ben, accessibility_problems)
    ben.get_by_role("button", name="Send my answers").click()
    expect(ben.get_by_role("alert")).to_be_visible()  # every statement needs an answer
    check_accessible(ben, accessibility_problems)
    for group in ben.locator("fieldset.scale-item").all():
        group.get_by_label("5 Somewhat agree").check()
    ben.get_by_label("A story of value").fill("I grew my first squash.")
    ben.get_by_label("Share my story with the community, without my name").check()
    ben.get_by_role("button", name="Send my answers").click()
    expect(ben.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    screenshot(ben, "survey-answered-phone")
    ben.goto("/c/growers/agreement/")
    expect(ben.get_by_role("heading", name="How the agreements changed")).to_be_visible()
    ben.get_by_text("Show the changes").first.click()
    expect(ben.locator("ins", has_text="Share seeds.")).to_be_visible()
    check_accessible(ben, accessibility_problems)
    ben.get_by_label("I accept these agreements").check()
    ben.get_by_role("button", name="Accept version 2").click()
    expect(ben.get_by_text("You accepted version 2.")).to_be_visible()
    screenshot(ben, "agreement-history-phone")
