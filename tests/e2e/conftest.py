"""Browser tests: Debian's Chromium driven by Playwright, against a real Daphne."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from apps.live.pulse import publish_site_pulses
from tests.e2e.screens import in_a_thread, make_screens_data

# Playwright's sync API runs an event loop in this thread; our Django calls here are plain sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots")


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# alive, which would break the async and async_to_sync code of tests that run after these.
@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CT_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


class Pulses:
    """Stands in for Celery beat: publishes a pulse to every site every half second while on."""

    def __init__(self):
        self.running = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self.stopped.is_set():
            if self.running.is_set():
                publish_site_pulses()
            self.stopped.wait(0.5)

    def on(self):
        self.running.set()

    def off(self):
        self.running.clear()


@pytest.fixture
def pulses(transactional_db):
    pulses = Pulses()
    pulses.thread.start()
    yield pulses
    pulses.stopped.set()
    pulses.thread.join(timeout=5)


# axe-core (npm, tests/e2e/package.json; `make install-dev` installs it) checks a page against WCAG 2.1 AA.
AXE_SOURCE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        if os.environ.get("CT_REQUIRE_BROWSER"):
            pytest.fail(f"axe-core not installed at {AXE_SOURCE}: run `make install-dev` (npm ci in tests/e2e)")
        pytest.skip("axe-core not installed: run `make install-dev` (npm ci in tests/e2e)")
    return AXE_SOURCE.read_text()


@pytest.fixture
def axe(axe_source):
    """Run axe-core in a page and return its serious and critical violations as readable lines.

    The page's CSP allows scripts from our own files only, so axe is not added as a <script>: its
    source is evaluated through the DevTools protocol, which the CSP does not govern.
    """

    def check(page) -> list[str]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
            for violation in result["violations"]
            if violation["impact"] in AXE_BLOCKING
        ]

    return check


@pytest.fixture
def screens_data(sites) -> dict[str, int]:
    """One of each thing the screens show (a case, two requests, a dock day): their ids."""
    return in_a_thread(lambda: make_screens_data(sites))
