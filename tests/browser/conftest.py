"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded: Playwright's own browsers are never installed; we launch
the system Chromium. Screenshots go to test-output/screenshots/ (git-ignored).

Fixtures:
- ``chromium``: one headless browser for the session.
- ``new_page(width=1280, height=900)``: a page in a fresh context (its own cookies),
  pointed at the live server, so each person in a story has their own session.
- ``screenshot(page, name)``: a full-page PNG under test-output/screenshots/.
- ``accessibility_problems(page)``: what axe-core (vendored, test-only) finds against
  WCAG 2.1 A and AA on the page as it is now, one line per problem and element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The machine is shared; allow slow responses without making failures slow to show.
TIMEOUT_MS = 20_000

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run scripts/ensure-chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(
    chromium: Any, live_server: Any, transactional_db: None
) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(width: int = DESKTOP["width"], height: int = DESKTOP["height"]) -> Any:
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def accessibility_problems() -> Callable[[Any], list[str]]:
    def check(page: Any) -> list[str]:
        # Evaluated through the DevTools protocol, which the pages' Content-Security-Policy
        # (scripts from the site only) does not apply to; a <script> tag would be refused.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {' '.join(node['target'])}"
            for v in result["violations"]
            for node in v["nodes"]
        ]

    return check
