"""End-to-end tests: a real browser (Debian's Chromium driven by Playwright) against the
Django live server.

Every test in this folder is marked ``e2e``. The browser must be installed
(``apt-get install chromium``): a missing browser fails the run, it is never skipped.
Screenshots are written to ``docs/screenshots/`` only when ``ANCRAGE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
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


# The loggers whose lines the live server writes during a test, and their levels.
CAPTURED_LOGGERS = {"ancrage": logging.DEBUG, "django": logging.INFO, "axes": logging.INFO}


@pytest.fixture
def server_logs(transactional_db):
    """The logs of the test (the live server is a thread of this process) in JSON lines
    (LOG_FORMAT=json's formatter). After the test, every line must be valid JSON and no name,
    e-mail or birth date of a person of the database may appear in them (docs/deployment.md)."""
    from ancrage.kernel.logs import JsonFormatter
    from ancrage.people.models import Person

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    saved = {}
    for name, level in CAPTURED_LOGGERS.items():
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(level)
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for name, level in saved.items():
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).setLevel(level)
    text = stream.getvalue()
    for line in text.splitlines():
        json.loads(line)
    values = set()
    for person in Person.objects.all():
        values.update((person.first_names, person.last_name, person.birth_name, person.email))
        if person.birth_date:
            values.add(person.birth_date.isoformat())
    found = sorted(
        value
        for value in values
        if value and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE)
    )
    assert not found, f"Personal data in the logs: {found}"


@pytest.fixture
def browser_page(chromium_browser, live_server, transactional_db, server_logs):
    """A fresh French browser tab (own cookies) whose relative URLs hit the live server; the
    logs written meanwhile are checked (`server_logs`)."""
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


def open_menu(page):
    """On a phone the header's links sit behind its "Menu" button: open it when it shows."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()


def log_out(page):
    open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
