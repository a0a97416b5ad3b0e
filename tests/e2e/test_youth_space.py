"""On a phone-sized screen (390 px), a young person reads her page and her project, then raises
a concern: it reaches her village's head of service as a safeguarding report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.participation.models import Concern
from tests.e2e.conftest import log_out, open_menu

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(chromium_browser, live_server, transactional_db, server_logs):
    context = chromium_browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_young_person_reads_her_project_and_raises_a_concern(
    phone_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = phone_page
    youth = User.objects.get(username="jeune")

    log_in(page, "jeune")
    open_menu(page)
    page.get_by_role("link", name="Mon espace").first.click()
    expect(page.get_by_role("heading", level=2, name="Mes frères et sœurs")).to_be_visible()
    expect(page.get_by_role("heading", name="Ce que tu ne vois pas ici")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "youth-home-390.png")

    page.get_by_role("link", name="Mon projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon projet")
    expect(page.get_by_role("heading", name="Mes mots à chaque bilan")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "youth-project-390.png")

    page.get_by_role("link", name="Mes rendez-vous").click()
    expect(page.get_by_role("heading", name="Mes rendez-vous dans mon téléphone")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "youth-appointments-390.png")

    page.get_by_role("link", name="Je parle").click()
    page.get_by_role("link", name="Je suis inquiet ou inquiète").click()
    expect(page.get_by_text("va tout de suite au chef de service")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "youth-concern-390.png")
    page.get_by_label("La sécurité de quelqu'un d'autre").check()
    page.get_by_role("textbox", name="Ce qui se passe").fill(
        "Un grand crie sur les petits tous les soirs."
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".messages")).to_contain_text("Ton inquiétude est bien reçue")
    expect(page.get_by_text("bien reçue", exact=False).first).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "youth-speak-390.png")

    concern = Concern.objects.get(person=youth.person)
    incident = concern.incident
    assert incident.status == "reported" and incident.reporter == youth
    # the head of service of her village finds it in the village's reports
    log_out(page)
    log_in(page, "chef.service")
    page.goto(f"/villages/{incident.establishment_id}/signalements/")
    expect(page.locator(f"a[href='/signalements/{incident.pk}/']").first).to_be_visible()
