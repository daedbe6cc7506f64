"""Collaborative learning, end to end in a real browser.

Ada (a steward) proposes an experiment that tries a practice from the library;
Ben and Cleo join from different places and check in with measures; Ada
reflects, decides to iterate with a new plan, and after a second round of
check-ins adopts the practice. The run chart is drawn (Vega-Lite) and
photographed, and the practice gains a version that cites the experiment.
Pages are found by their labels and roles, as a screen-reader user finds them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from practica.accounts.services import user_create
from practica.communities.services import community_create, community_join
from practica.learning.services import practice_create

PASSWORD = "a-long-garden-hose-42"
TITLE = "Straw mulch on clay beds"


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
def growers(transactional_db: None) -> dict[str, Any]:
    ada = user_create(
        username="ada", email="ada@example.org", password=PASSWORD, display_name="Ada"
    )
    ben = user_create(
        username="ben", email="ben@example.org", password=PASSWORD, display_name="Ben"
    )
    cleo = user_create(
        username="cleo", email="cleo@example.org", password=PASSWORD, display_name="Cleo"
    )
    community = community_create(
        creator=ada, name="Urban Growers", slug="growers", domain="urban farming"
    )
    for person in (ben, cleo):
        community_join(community=community, user=person)
    practice = practice_create(
        community=community,
        author=ada,
        name="Mulch before the heat",
        summary="Cover beds with straw in June.",
        how="1. Water well.\n2. Lay straw 5 cm deep.",
    )
    return {"practice": practice}


def check_in(page: Any, did: str, happened: str, litres: str, kg: str) -> None:
    page.get_by_label("What we did").fill(did)
    page.get_by_label("What happened").fill(happened)
    page.get_by_role("spinbutton", name=re.compile(r"^water per week \(litres\)")).fill(litres)
    page.get_by_role("spinbutton", name=re.compile(r"^harvest \(kg\)")).fill(kg)
    page.get_by_role("button", name="Record my check-in").click()
    expect(page.get_by_text("Your check-in is recorded.")).to_be_visible()


def test_an_experiment_runs_two_cycles_and_its_adoption_revises_the_practice(
    new_page: Any, growers: dict[str, Any], screenshot: Any, accessibility_problems: Any
) -> None:
    # Ada proposes the experiment from the Experiments tab.
    ada = new_page()
    log_in(ada, "ada")
    ada.goto("/c/growers/")
    ada.get_by_role("link", name="Experiments").click()
    expect(ada.get_by_role("heading", name="No experiments yet")).to_be_visible()
    ada.get_by_label("Title").fill(TITLE)
    ada.get_by_label("Question").fill("Does straw mulch cut watering on clay beds?")
    ada.get_by_label("Hypothesis").fill("Mulched clay beds need a third less water.")
    ada.get_by_label("Practice being tried").select_option(label="Mulch before the heat")
    ada.get_by_label("Measures").fill("water per week, litres, lower\nharvest, kg, higher")
    ada.get_by_label("Plan").fill("Mulch one bed, keep one bare; two weeks; check in weekly.")
    ada.get_by_role("button", name="Propose the experiment").click()
    expect(ada.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(
        ada.get_by_text("Proposed: it starts running when the first participant joins.")
    ).to_be_visible()
    experiment_url = ada.url.split("#")[0]  # the form's #propose rides along the redirect
    check_accessible(ada, accessibility_problems)

    # Ben and Cleo join, each in their own context, and check in with measures.
    ben = new_page()
    log_in(ben, "ben")
    ben.goto(experiment_url)
    expect(ben.get_by_role("heading", name="Check in on cycle 1")).to_have_count(0)
    ben.get_by_label("Organisation").fill("Allotment 4")
    ben.get_by_label("Setting").fill("raised clay beds")
    ben.get_by_role("button", name="Join the experiment").click()
    expect(ben.get_by_text("You are taking part.")).to_be_visible()
    check_in(ben, "Mulched bed A, left bed B bare.", "Bed A stayed damp for days.", "42", "3.1")

    cleo = new_page(width=390, height=844)  # Cleo uses her phone
    log_in(cleo, "cleo")
    cleo.goto(experiment_url)
    cleo.get_by_label("Organisation").fill("Riverside School")
    cleo.get_by_label("Setting").fill("school yard")
    cleo.get_by_role("button", name="Join the experiment").click()
    check_in(cleo, "Mulched the children's bed.", "Less watering at break time.", "30", "1.2")

    # Ada sees both check-ins, gives feedback, reflects and iterates with a new plan.
    ada.goto(experiment_url)
    expect(ada.get_by_role("heading", name=re.compile(r"^Ben · Allotment 4"))).to_be_visible()
    ada.get_by_text("Give feedback").first.click()
    ada.get_by_label("Your feedback to Ben").fill("Did you water at dawn or at dusk?")
    ada.get_by_role("button", name="Send feedback").first.click()
    expect(ada.get_by_text("Did you water at dawn or at dusk?")).to_be_visible()
    ada.get_by_label("What we learned").fill("Mulched clay needs less water; 5 cm is thin.")
    ada.get_by_label("What differed across contexts").fill("The school bed dries faster.")
    ada.get_by_role("button", name="Record the reflection").click()
    expect(ada.get_by_text("The reflection is recorded")).to_be_visible()
    ada.get_by_label(re.compile(r"^Iterate")).check()
    ada.get_by_label("Why").fill("Try deeper straw before deciding.")
    ada.get_by_label("Plan for the next cycle").fill("Straw 10 cm deep; two more weeks.")
    ada.get_by_role("button", name="Record the decision").click()
    expect(ada.get_by_text("Cycle 2 is open.")).to_be_visible()
    expect(ada.get_by_role("heading", name="The chain of cycles")).to_be_visible()

    # Second round of check-ins.
    ben.goto(experiment_url)
    expect(ben.get_by_role("heading", name="Check in on cycle 2")).to_be_visible()
    check_in(ben, "Deeper straw on bed A.", "Damp all week, no wilting.", "28", "3.6")
    cleo.goto(experiment_url)
    check_in(cleo, "Deeper straw in the school bed.", "Held through a hot week.", "22", "1.5")

    # The run chart is drawn (an SVG inside the Vega container) with its table beside it,
    # under the site's Content-Security-Policy: no eval, no inline style (vega-interpreter).
    refused: list[str] = []
    ada.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    ada.on("pageerror", lambda error: refused.append(str(error)))
    ada.goto(experiment_url)
    chart = ada.locator("#run-chart")
    expect(chart.locator("svg").first).to_be_visible()
    expect(ada.get_by_role("table", name="The values behind the chart")).to_be_visible()
    chart.scroll_into_view_if_needed()
    page_shot = screenshot(ada, "learning-experiment-desktop")
    chart.screenshot(path=str(page_shot.with_name("learning-run-chart.png")))
    # Hovering a check-in shows its tooltip (styled from learning.css, not an inline style).
    chart.locator(".mark-symbol path").first.hover(force=True)
    tooltip = ada.locator("#vg-tooltip-element")
    expect(tooltip).to_contain_text("Participant")
    expect(tooltip).to_have_class(re.compile(r"\bvisible\b"))
    assert not refused, refused
    cleo.goto(experiment_url)
    expect(cleo.locator("#run-chart svg").first).to_be_visible()
    screenshot(cleo, "learning-experiment-phone")
    check_accessible(ada, accessibility_problems)

    # Ada reflects on the second cycle and adopts.
    ada.get_by_label("What we learned").fill("10 cm of straw cuts watering by a third on clay.")
    ada.get_by_label("What differed across contexts").fill("Pots and school beds dry faster.")
    ada.get_by_role("button", name="Record the reflection").click()
    ada.get_by_label(re.compile(r"^Adopt")).check()
    ada.get_by_label("Why").fill("It worked in both places.")
    ada.get_by_role("button", name="Record the decision").click()
    expect(ada.get_by_text("The experiment is concluded: adopted.")).to_be_visible()
    expect(ada.get_by_text("Decision: Adopt")).to_be_visible()

    # The practice now has a version that cites the experiment.
    ada.get_by_role("link", name="Mulch before the heat").first.click()
    expect(ada.get_by_role("heading", name="Mulch before the heat")).to_be_visible()
    expect(ada.get_by_text("Version 2", exact=True)).to_be_visible()
    evidence = ada.get_by_role("region", name="Evidence")
    expect(evidence.get_by_role("link", name=TITLE)).to_be_visible()
    ada.get_by_role("link", name="See what changed from version 1").click()
    expect(ada.get_by_text(f"Adopted after the experiment “{TITLE}” (cycle 2).")).to_be_visible()
    expect(ada.get_by_text("Across contexts: Pots and school beds dry faster.")).to_be_visible()
    check_accessible(ada, accessibility_problems)
