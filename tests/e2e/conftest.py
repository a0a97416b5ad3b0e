"""End-to-end tests: a real browser (Debian's Chromium driven by Playwright) against the
Django live server.

Every test in this folder is marked ``e2e``. The browser must be installed
(``apt-get install chromium``): a missing browser fails the run, it is never skipped.
Screenshots are written to ``docs/screenshots/`` only when ``ANCRAGE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django would then refuse
# the ORM calls the tests make (seeding, picking a child). The loop never runs Django code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS_DIR = E2E_DIR.parents[1] / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium est introuvable ({CHROMIUM}) : installez-le avec "
            "`sudo apt-get install chromium`. / Chromium is missing: "
            "run `sudo apt-get install chromium`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser, live_server, transactional_db):
    """A fresh French browser tab (own cookies) whose relative URLs hit the live server."""
    context = chromium_browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, "name.png")``: a full-page capture into docs/screenshots/, only
    when ANCRAGE_SCREENSHOTS=1 so that ordinary runs leave the tree untouched."""
    enabled = os.environ.get("ANCRAGE_SCREENSHOTS") == "1"

    def take(page, name: str) -> Path | None:
        if not enabled:
            return None
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS_DIR / name
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return take


@pytest.fixture
def demo_data(transactional_db):
    """The deterministic demo data set, loaded into the test database."""
    from ancrage.demo.seeding import seed

    return seed("demo", quiet=True)


@pytest.fixture
def log_in():
    """``log_in(page, username)``: fill the login form with the demo password and submit it."""
    from ancrage.demo.seeding import DEMO_PASSWORD

    def submit(page, username: str, password: str = DEMO_PASSWORD):
        page.goto("/compte/connexion/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()

    return submit
