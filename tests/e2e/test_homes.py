"""Each role's home, on a desktop screen and on a phone (390 px): what the user does first thing
in the morning is at the top, nothing scrolls sideways, no serious or critical accessibility
violation; on a phone the header folds behind its "Menu" button and a long page opens one
section at a time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS, OVERFLOW, PHONE

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
# The heading each role's home opens on (h2, the first after "Bonjour …").
FIRST_HEADING = {
    "parent.sos": re.compile(r"^Ma maison · Maison Les Tilleuls$"),
    "aide.familiale": re.compile(r"^Ma maison · Maison Les Tilleuls$"),
    "chef.service": re.compile(r"^Ce qui vous attend$"),
    "psychologue": re.compile(r"^Ce qui vous attend$"),
    "directrice": re.compile(r"^Ce qui vous attend$"),
    "conseiller.o2r": re.compile(r"^Mon portefeuille : \d+ bénéficiaires$"),
    "chef.file.o2r": re.compile(r"^Le programme face à ses objectifs$"),
    "gestionnaire": re.compile(r"^Comptabilité analytique$"),
    "direction.nationale": re.compile(r"^Les villages d'enfants$"),
    "financeur": re.compile(r"^Vos rapports d'activité O2R$"),
    "dpo": re.compile(r"^Protection des données$"),
    "rh": re.compile(r"^Personnel : attestations d'honorabilité$"),
    "intervenante.familles": re.compile(r"^Les familles$"),
    "chef.familles": re.compile(r"^Les familles$"),
    "admin.tech": re.compile(r"^Les villages d'enfants$"),
}


def _context(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=viewport,
        is_mobile=viewport["width"] < 500,
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    context.set_default_timeout(15_000)
    return context


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes[0].target.join(' ')))",
        AXE_TAGS,
    )


def test_every_role_opens_on_its_own_home_on_a_desktop_and_on_a_phone(
    chromium_browser, live_server, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    problems = []
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "390")):
        for username, heading in FIRST_HEADING.items():
            context = _context(chromium_browser, live_server, viewport)
            try:
                page = context.new_page()
                log_in(page, username)
                expect(page).to_have_url(re.compile(r"/$"))
                first = page.locator("main h2").first
                expect(first).to_have_text(heading)
                overflow = page.evaluate(OVERFLOW)
                if overflow:
                    problems.append(f"{username} {size}: scrolls sideways ({overflow})")
                problems += [f"{username} {size}: axe {v}" for v in _serious_violations(page)]
                screenshot(page, f"home-{username}-{size}.png")
            finally:
                context.close()
    assert not problems, "\n".join(problems)


def test_a_young_person_opens_on_her_space(
    chromium_browser, live_server, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "390")):
        context = _context(chromium_browser, live_server, viewport)
        try:
            page = context.new_page()
            log_in(page, "jeune")
            expect(page).to_have_url(re.compile(r"/mon-espace/$"))
            screenshot(page, f"home-jeune-{size}.png")
        finally:
            context.close()


def test_the_house_parent_writes_in_her_house_journal_from_her_home(
    browser_page, demo_data, log_in, settings
):
    from ancrage.care.models.journal import JournalEntry

    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "parent.sos")
    page.get_by_role("textbox", name="Observation").fill(
        "Goûter pris dans le jardin, tout le monde présent."
    )
    page.get_by_role("button", name="Enregistrer l'observation").click()
    # the house's journal, the new entry at the top
    expect(page).to_have_url(re.compile(r"/maisons/\d+/journal/$"))
    expect(
        page.get_by_text("Goûter pris dans le jardin, tout le monde présent.").first
    ).to_be_visible()
    entry = JournalEntry.objects.get(text="Goûter pris dans le jardin, tout le monde présent.")
    assert entry.author.username == "parent.sos"
    assert entry.house.name == "Maison Les Tilleuls"


def test_on_a_phone_the_header_folds_behind_its_menu_button(
    chromium_browser, live_server, demo_data, log_in, settings
):
    settings.RELAX_TWO_FACTOR = True
    context = _context(chromium_browser, live_server, PHONE)
    try:
        page = context.new_page()
        log_in(page, "chef.service")
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Navigation principale")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(nav).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link", name="Rechercher une personne")).to_be_visible()
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
    finally:
        context.close()


def test_on_a_desktop_the_header_shows_its_links_without_a_menu_button(
    browser_page, demo_data, log_in, settings
):
    settings.RELAX_TWO_FACTOR = True
    log_in(browser_page, "chef.service")
    expect(browser_page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = browser_page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Rechercher une personne")).to_be_visible()


def test_on_a_phone_the_person_page_opens_one_section_at_a_time(
    chromium_browser, live_server, demo_data, log_in, settings
):
    from ancrage.placements.models import Stay

    settings.RELAX_TWO_FACTOR = True
    stay = (
        Stay.objects.current()
        .filter(unit__name="Maison Les Tilleuls")
        .select_related("child")
        .order_by("child__birth_date")
        .first()
    )
    context = _context(chromium_browser, live_server, PHONE)
    try:
        page = context.new_page()
        log_in(page, "chef.service")
        page.goto(f"/personnes/{stay.child.reference}/")
        brief = page.get_by_role("region", name="En bref")
        expect(brief).to_contain_text("Maison Les Tilleuls")
        summary = page.get_by_role("navigation", name="Sur cette page")
        expect(summary.get_by_role("link", name="Identité")).to_be_visible()
        identity = page.get_by_role("button", name="Identité")
        places = page.get_by_role("button", name="Lieu de vie")
        expect(places).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("table", name="Historique des séjours")).to_be_hidden()
        places.click()
        expect(places).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("table", name="Historique des séjours")).to_be_visible()
        identity.click()
        expect(identity).to_have_attribute("aria-expanded", "true")
        expect(places).to_have_attribute("aria-expanded", "false")
        # the sections' list opens the section it leads to
        summary.get_by_role("link", name="Lieu de vie").click()
        expect(places).to_have_attribute("aria-expanded", "true")
        assert page.evaluate(OVERFLOW) is None
        assert _serious_violations(page) == []
    finally:
        context.close()
