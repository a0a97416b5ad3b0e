"""Human resources record a volunteer's verified attestation d'honorabilité in the village's
staff register; the volunteer then signs the code of conduct on their own page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ancrage.kernel.calendar import add_days
from ancrage.organisation.models import Establishment
from ancrage.staff.models import Attestation, CodeSignature

pytestmark = pytest.mark.e2e


def test_hr_records_an_attestation_and_the_volunteer_signs_the_code(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    village = Establishment.objects.filter(kind="village").order_by("pk").first()
    today = timezone.localdate()
    page = browser_page
    log_in(page, "rh")
    page.get_by_role("navigation").get_by_role("link", name="Personnel").click()
    page.get_by_role("link", name=village.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registre du personnel")
    row = page.get_by_role("row").filter(has_text="Gaëlle Moreau")
    expect(row).to_contain_text("Manquante")
    row.get_by_role("link", name="Gaëlle Moreau").click()
    page.get_by_role("link", name="Enregistrer une attestation vérifiée ou un refus").click()
    page.get_by_label("délivrée", exact=True).check()
    page.get_by_label("Délivrée (ou refusée) le").fill(add_days(today, -5).isoformat())
    page.get_by_label("Vérifiée en ligne le").fill(today.isoformat())
    page.get_by_label("Référence de vérification").fill("HON-2026-E2E001")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'attestation d'honorabilité est enregistrée.")).to_be_visible()
    expect(page.get_by_role("cell", name="HON-2026-E2E001")).to_be_visible()
    screenshot(page, "staff-attestation.png")
    attestation = Attestation.objects.get(reference="HON-2026-E2E001")
    assert attestation.verified_by.username == "rh"
    assert attestation.staff_member.user.username == "benevole.soutien"

    page.context.clear_cookies()
    log_in(page, "benevole.soutien")
    page.get_by_role("link", name="Mon dossier du personnel").click()
    expect(page.get_by_text("HON-2026-E2E001")).to_be_visible()
    page.get_by_role(
        "button", name="J'ai lu et je signe le code de conduite (version 2026-1)"
    ).click()
    expect(page.get_by_text("votre signature du code de conduite est enregistrée")).to_be_visible()
    expect(page.get_by_text("Version 2026-1 signée le")).to_be_visible()
    signature = CodeSignature.objects.get(staff_member__user__username="benevole.soutien")
    assert (signature.code.version, signature.signed_on) == ("2026-1", today)
