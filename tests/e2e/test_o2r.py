"""A counsellor of the O2R service logs a street-work action, records the young man met there
(anonymous at first), opens his file with his consent, checks his eligibility and opens his
accompaniment (9 months), in a real browser."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ancrage.insertion.models import Accompaniment, Beneficiary, Contact, OutreachAction

pytestmark = pytest.mark.e2e


def test_counsellor_logs_outreach_converts_a_contact_and_opens_an_accompaniment(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    today = timezone.localdate().isoformat()
    log_in(page, "conseiller.o2r")
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="O2R"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Repérage et remobilisation (O2R)")
    screenshot(page, "o2r-home.png")

    nav = page.get_by_role("navigation", name="Navigation O2R")
    nav.get_by_role("link", name="Repérage").click()
    page.get_by_role("link", name="Saisir une action de repérage").click()
    page.locator("#id_date").fill(today)
    page.get_by_label("Type d'action").select_option(label="Travail de rue")
    page.get_by_label("Lieu").fill("Parvis de la gare sud")
    page.get_by_label("Commune").fill("Nantes")
    page.get_by_label("Territoire EFOP").select_option(label="44 Centre")
    page.get_by_label("Partenaires associés").fill("Club de prévention")
    page.get_by_label("Personnes rencontrées").fill("9")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions de repérage")
    expect(page.get_by_role("cell", name="Parvis de la gare sud · Nantes")).to_be_visible()
    assert OutreachAction.objects.filter(place="Parvis de la gare sud", people_met=9).exists()

    nav = page.get_by_role("navigation", name="Navigation O2R")
    nav.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Saisir un contact").click()
    page.get_by_label("Rencontré le").fill(today)
    page.get_by_label("Prénom ou surnom").fill("Grand Max")
    page.get_by_label("Tranche d'âge").select_option(label="18 à 25 ans")
    page.get_by_label("Sexe").select_option(label="Masculin")
    page.get_by_label("Commune").fill("Nantes")
    page.get_by_label("Territoire EFOP").select_option(label="44 Centre")
    page.get_by_label("Suite prévue").select_option(label="Rendez-vous individuel")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")

    page.get_by_role("link", name="Ouvrir un dossier pour Grand Max").click()
    page.get_by_label("Prénoms").fill("Maxime")
    page.locator("#id_last_name").fill("Lebreton")
    page.get_by_label("Date de naissance").fill("2004-03-12")
    page.get_by_label("Consentement recueilli le").fill(today)
    page.get_by_label("Forme du consentement").fill("Accord oral après lecture de la notice")
    page.get_by_role("button", name="Ouvrir le dossier").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Éligibilité · Maxime Lebreton")
    page.get_by_label("Sans logement stable").check()
    page.get_by_role("button", name="Enregistrer l'éligibilité").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Maxime Lebreton")
    eligibility = page.locator("section[aria-labelledby='eligibilite']")
    expect(eligibility).to_contain_text("Non inscrit à France Travail")
    expect(eligibility).to_contain_text("Moins de 26 ans en rupture")
    expect(eligibility).to_contain_text("Sans logement stable")

    page.get_by_role("link", name="Ouvrir un accompagnement").click()
    page.get_by_role("button", name="Ouvrir l'accompagnement").click()
    accompaniment = page.locator("section[aria-labelledby='accompagnement']")
    expect(accompaniment).to_contain_text("Échéance")
    page.get_by_label("Frein").select_option(label="Mobilité")
    page.get_by_role("textbox", name="Situation").fill("Pas de permis, bus de nuit seulement")
    page.get_by_role("button", name="Enregistrer le frein").click()
    expect(accompaniment).to_contain_text("Mobilité · Repéré")

    beneficiary = Beneficiary.objects.get(person__last_name="Lebreton")
    assert beneficiary.status == Beneficiary.Status.ACCOMPANIMENT
    assert Contact.objects.get(nickname="Grand Max").beneficiary == beneficiary
    assert Accompaniment.objects.get(beneficiary=beneficiary).referent.username == "conseiller.o2r"
    screenshot(page, "o2r-beneficiary.png")


def test_the_o2r_lead_reads_the_activity_report_with_its_charts(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "chef.file.o2r")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="O2R"
    ).click()
    consortium = page.locator("section[aria-labelledby='consortium']")
    expect(consortium).to_contain_text("Insertion Solidaire 44")
    page.get_by_role("navigation", name="Navigation O2R").get_by_role(
        "link", name="Rapport d'activité"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport d'activité O2R")
    expect(page.get_by_role("img", name="Étapes du parcours")).to_be_visible()
    # the row of the steps chart's figures table and of the steps table: both shown
    rows = page.get_by_role("row", name=re.compile(r"^Personnes rencontrées \d+"))
    expect(rows.first).to_be_visible()
    expect(rows.last).to_be_visible()
    screenshot(page, "o2r-report.png")
