"""The data-protection pages added beside the retention: a director manages a child's image
rights (records a consent, withdraws one: the photos of that use are hidden) and answers a
rectification request; the DPO reads the register of processing activities, downloads its PDF
and reads the DPIA page. Each page passes axe-core (no serious or critical violation) and does
not scroll sideways on a phone."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS, OVERFLOW, PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone_page(chromium_browser, live_server, transactional_db, server_logs):
    context = chromium_browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=PHONE,
        is_mobile=True,
        # axe-core is injected as an inline script, which the CSP (rightly) refuses
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def check(page) -> None:
    """No sideways scroll at 390 px, no serious or critical axe violation."""
    assert page.evaluate(OVERFLOW) is None, page.evaluate(OVERFLOW)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes[0].target.join(' ')))",
        AXE_TAGS,
    )
    assert not violations, violations


def test_director_manages_image_rights_and_answers_a_rectification(
    phone_page, demo_data, log_in, settings, screenshot
):
    from django.utils import timezone

    from ancrage.people.models import Consent
    from ancrage.privacy.models import SubjectRequest

    settings.RELAX_TWO_FACTOR = True
    child = Consent.objects.order_by("pk").first().person
    page = phone_page
    log_in(page, "directrice")
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(f"/personnes/{child.reference}/")
    page.get_by_role("link", name="Droit à l'image et photos").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Droit à l'image")
    expect(page.get_by_text("Refusé (l'enfant s'y oppose)")).to_be_visible()
    check(page)
    screenshot(page, "image-rights-phone.png")

    page.get_by_role("link", name="Enregistrer un consentement").click()
    page.get_by_label("Usage").select_option("publications")
    page.get_by_label("Donné par").select_option("parents")
    page.get_by_label("Signataires").fill("Les deux parents")
    page.get_by_label("Avis de l'enfant").select_option("agrees")
    page.get_by_label("Donné le").fill(timezone.localdate().isoformat())
    page.get_by_label("Valable jusqu'au").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_text("La fin de validité suit la date du consentement.")).to_be_visible()
    check(page)
    page.get_by_label("Valable jusqu'au").fill(
        (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_text("Le consentement est enregistré.")).to_be_visible()

    page.get_by_role("link", name=re.compile("Retirer le consentement : Usage interne")).click()
    page.get_by_label("Qui retire le consentement, et comment").fill("La mère, par téléphone.")
    page.get_by_role("button", name="Retirer le consentement").click()
    expect(page.get_by_text("Le consentement est retiré")).to_be_visible()
    assert not Consent.objects.in_force().filter(person=child, use="internal").exists()
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "image-rights.png")
    page.set_viewport_size(PHONE)

    request = SubjectRequest.objects.get(kind="rectification")
    page.goto(f"/protection-des-donnees/demandes/{request.pk}/")
    page.get_by_role("link", name="Enregistrer la décision").click()
    page.get_by_label("Décision").select_option("granted")
    page.get_by_label("Ce qui a été fait, ou le motif du refus").fill(
        "Adresse et deuxième prénom corrigés le jour même."
    )
    check(page)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Adresse et deuxième prénom corrigés")).to_be_visible()
    check(page)
    request.refresh_from_db()
    assert request.state == SubjectRequest.State.ANSWERED


def test_dpo_reads_the_register_and_the_dpia(
    phone_page, browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = phone_page
    log_in(page, "dpo")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/protection-des-donnees/registre/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registre des activités de traitement"
    )
    expect(page.get_by_role("heading", name=re.compile("Droit à l'image"))).to_be_visible()
    check(page)
    screenshot(page, "processing-register-phone.png")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le registre (PDF)").click()
    with open(download.value.path(), "rb") as file:
        assert file.read(4) == b"%PDF"
    page.get_by_role("link", name="AIPD", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyse d'impact")
    check(page)

    desktop = browser_page
    log_in(desktop, "dpo")
    desktop.goto("/protection-des-donnees/registre/")
    screenshot(desktop, "processing-register.png")
    desktop.goto("/protection-des-donnees/aipd/")
    screenshot(desktop, "dpia.png")
