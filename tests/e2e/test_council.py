"""The village's director records a meeting of the participation council, notes an opinion of
the council, answers it, and validates the minutes (published to children and families)."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.participation.models import Meeting, Opinion

pytestmark = pytest.mark.e2e


def test_a_director_records_a_council_meeting(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    director = User.objects.get(username="directrice")
    village = director.active_memberships[0].establishment
    page = browser_page

    log_in(page, "directrice")
    councils = page.get_by_role("region", name="Conseils de la vie sociale")
    councils.get_by_role("link", name=f"Conseil de la vie sociale · {village.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conseil de la vie sociale")
    page.get_by_role("link", name="Enregistrer une réunion").click()
    page.get_by_label("Tenue le").fill(datetime.date.today().isoformat())
    page.get_by_label("Ordre du jour").fill("Repas du week-end ; sorties d'été ; règlement")
    page.get_by_label("Relevé de conclusions").fill("Les sorties d'été sont votées.")
    page.get_by_role("button", name="Enregistrer la réunion").click()
    expect(page.locator(".messages")).to_contain_text("La réunion du conseil est enregistrée")
    page.get_by_label("Nature").select_option("proposal")
    page.get_by_label("Avis ou proposition du conseil").fill("Un barbecue en juillet")
    page.get_by_role("button", name="Noter l'avis du conseil").click()
    expect(page.locator(".messages")).to_contain_text("L'avis du conseil est noté")
    page.get_by_role("link", name="Répondre").click()
    page.get_by_label("Réponse de l'établissement").fill("Accordé pour le 14 juillet.")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text("Accordé pour le 14 juillet.")).to_be_visible()
    page.get_by_role("button", name="Valider et publier le relevé").click()
    expect(page.locator(".messages")).to_contain_text("publié aux enfants et aux familles")
    screenshot(page, "council-meeting.png")

    meeting = Meeting.objects.get(council__establishment=village, held_on=datetime.date.today())
    assert meeting.is_published
    assert Opinion.objects.get(meeting=meeting).answered_by == director
