"""On a phone-sized screen (390 px), the demo young person (a representative of the children on
her village's council) opens her council page, reads the council's documents and answers the
open consultation, anonymously; the director then reads its results (masked) and the
participation indicators. Every page passes axe-core (no serious or critical violation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.participation.models import ConsultationParticipant, ConsultationTally
from ancrage.placements.models import Stay
from tests.e2e.conftest import log_out

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes[0].target.join(' ')))",
        AXE_TAGS,
    )


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def phone(chromium_browser, live_server, transactional_db, server_logs):
    context = chromium_browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_young_person_answers_a_consultation_and_reads_the_council_documents(
    phone, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = phone
    youth = User.objects.get(username="jeune")

    log_in(page, "jeune")
    page.goto("/mon-espace/")
    page.get_by_role("navigation", name="Mon espace").get_by_role("link", name="Le conseil").click()
    expect(page.get_by_role("heading", name="Je suis membre du conseil")).to_be_visible()
    expect(page.get_by_role("link", name="Règlement intérieur")).to_be_visible()
    assert fits_the_screen(page) and serious_violations(page) == []
    screenshot(page, "youth-council-390.png")

    page.get_by_role("link", name="Les repas du week-end").click()
    expect(page.get_by_text("Tes réponses sont anonymes")).to_be_visible()
    assert fits_the_screen(page) and serious_violations(page) == []
    screenshot(page, "youth-consultation-390.png")
    page.get_by_role("group", name="Les repas du week-end sont bons ?").get_by_label(
        "Un peu"
    ).check()
    page.get_by_role("group", name="Tu veux choisir un repas par mois ?").get_by_label(
        "Oui"
    ).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".messages")).to_contain_text("Tes réponses sont comptées")
    expect(page.get_by_text("tu as répondu, merci !")).to_be_visible()
    assert ConsultationParticipant.objects.filter(person=youth.person).count() == 1
    assert sum(ConsultationTally.objects.values_list("count", flat=True)) == 2

    log_out(page)
    log_in(page, "directrice")
    village = Stay.objects.current().filter(child=youth.person).first().unit.establishment
    page.goto(f"/villages/{village.pk}/consultations/")
    page.get_by_role("link", name="Les repas du week-end").click()
    expect(page.get_by_text("secret statistique", exact=False)).to_be_visible()
    assert fits_the_screen(page) and serious_violations(page) == []
    page.goto("/participation/indicateurs/")
    expect(
        page.get_by_role("table", name="Indicateurs de participation par village")
    ).to_be_visible()
    assert fits_the_screen(page) and serious_violations(page) == []
    # the staff's pages on a desktop screen
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "participation-indicators.png")
    page.goto(f"/villages/{village.pk}/conseil/")
    expect(page.get_by_role("heading", name="Documents du conseil")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "council-documents.png")
    page.goto(f"/villages/{village.pk}/consultations/")
    page.get_by_role("link", name="Les repas du week-end").click()
    page.get_by_role("link", name="Codes pour répondre sur une tablette").click()
    page.get_by_label("Nombre de codes").fill("3")
    page.get_by_role("button", name="Créer les codes").click()
    code = page.locator("ul.codes code").first.inner_text()
    assert serious_violations(page) == []
    log_out(page)

    # on the shared tablet, without an account
    page.set_viewport_size(PHONE)
    page.goto("/consultation/")
    page.get_by_label("Ton code").fill(code)
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("group", name="Les repas du week-end sont bons ?").get_by_label("Oui").check()
    page.get_by_role("group", name="Tu veux choisir un repas par mois ?").get_by_label(
        "Non", exact=True
    ).check()
    assert fits_the_screen(page) and serious_violations(page) == []
    screenshot(page, "consultation-tablet-390.png")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".messages")).to_contain_text("Tes réponses sont comptées")
    assert sum(ConsultationTally.objects.values_list("count", flat=True)) == 4
