"""A house parent reports an incident in the browser (the draft is saved as she types); the
director qualifies it as a serious malfunction to declare, records the alert to the authority,
writes the declaration and downloads its PDF, then finds the missing written confirmation and
the monthly chart on her dashboard."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from ancrage.accounts.models import User
from ancrage.placements.models import Stay
from ancrage.safeguarding.models import Declaration, Incident, IncidentDraft
from tests.e2e.conftest import log_out

pytestmark = pytest.mark.e2e


def test_a_house_parent_reports_and_the_director_declares(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    parent = User.objects.get(username="parent.sos")
    house = parent.active_memberships[0].unit
    village = house.establishment
    child = Stay.objects.current().filter(unit=house).select_related("child").first().child
    page = browser_page

    # 1. The house parent reports, in well under a minute.
    log_in(page, "parent.sos")
    page.goto(f"/villages/{village.pk}/signalements/nouveau/")
    when = (datetime.datetime.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Quand").fill(when)
    page.get_by_label("Où").fill("Salle de bains de la maison")
    page.get_by_label("Ce qui s'est passé").fill(
        "Un adulte extérieur a giflé l'enfant devant ses frères et sœurs."
    )
    page.get_by_label(child.full_name).select_option("victim")
    expect(page.locator("#draft-status")).to_contain_text("Brouillon enregistré")
    assert IncidentDraft.objects.filter(author=parent).exists()
    page.get_by_label("Mesures prises immédiatement").fill("Enfant mis à l'abri, adulte écarté.")
    page.get_by_role("button", name="Enregistrer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signalement n°")
    incident = Incident.objects.filter(reporter=parent).latest("pk")
    assert not IncidentDraft.objects.filter(author=parent).exists()
    log_out(page)

    # 2. The director qualifies it as a serious malfunction to declare.
    log_in(page, "directrice")
    page.goto(f"/signalements/{incident.pk}/")
    page.get_by_label("Catégorie").select_option("maltreatment")
    page.get_by_label("Gravité").select_option("serious")
    page.get_by_label("Dysfonctionnement grave ou événement à déclarer").check()
    page.get_by_role("button", name="Enregistrer la qualification").click()
    expect(page.locator(".messages")).to_contain_text("La qualification est enregistrée")
    # the information préoccupante to the CRIP, recorded from the incident page
    page.get_by_role("link", name="Enregistrer une transmission").click()
    page.locator("#id_kind").select_option("information_preoccupante")
    page.locator("#id_transmitted_at").fill(when)
    page.get_by_role("button", name="Enregistrer la transmission").click()
    expect(page.locator(".messages")).to_contain_text("La transmission est enregistrée")
    expect(page.locator("section[aria-labelledby=transmissions]")).to_contain_text(
        "CRIP du département"
    )

    # 3. She writes the declaration (pre-filled from the report) and records the alert.
    page.get_by_role("link", name="Rédiger la déclaration à l'autorité").click()
    expect(page.locator("#id_facts")).to_have_value(re.compile("giflé"))
    page.get_by_label("Impact médiatique").fill("Aucun")
    page.get_by_role("button", name="Enregistrer la déclaration").click()
    expect(page.locator(".messages")).to_contain_text("La déclaration est enregistrée")
    page.get_by_label("Alerte donnée le").fill(when)
    page.locator("#id_alerted_to").fill("Astreinte ASE du département, Mme Martin")
    page.get_by_role("button", name="Enregistrer l'alerte").click()
    expect(page.locator(".messages")).to_contain_text("L'alerte donnée à l'autorité")
    declaration = Declaration.objects.get(incident=incident)
    assert declaration.alerted_by.username == "directrice"
    expect(page.locator("#email-body")).to_contain_text("Nombre de victimes : 1")
    screenshot(page, "safeguarding-declaration.png")

    # 4. She downloads the PDF: the mandated content, no child's name.
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger la déclaration (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"declaration-signalement-{incident.pk}.pdf"
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "giflé" in text and "CRIP" in text and "Nombre de victimes 1" in text
    assert child.last_name not in text

    # 5. The dashboard: the demo's declaration awaiting its confirmation, and the chart.
    page.goto("/")
    expect(page.get_by_role("heading", name="Bientraitance")).to_be_visible()
    expect(page.locator(".flash.warning").filter(has_text="Déclarations")).to_contain_text(
        "Confirmation écrite manquante après 48 h"
    )
    expect(
        page.get_by_role("img", name="Signalements par mois, douze derniers mois")
    ).to_be_visible()
    screenshot(page, "safeguarding-dashboard.png")
