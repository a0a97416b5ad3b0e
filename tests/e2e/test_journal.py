"""The house parent writes in the house journal without the page reloading: the new entry
appears at the top, a refused entry shows its error at the field; then the house calendar lists
the week's appointments and family visits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.care.models.journal import JournalEntry

pytestmark = pytest.mark.e2e


def test_house_parent_writes_in_the_journal_without_reload(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    parent = User.objects.get(username="parent.sos")
    house = parent.active_memberships[0].unit
    log_in(page, "parent.sos")
    page.goto(f"/maisons/{house.pk}/journal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(house.name)
    page.evaluate("window.__same_page = true")  # gone if the page reloads

    # A refused entry: the error is at the field, nothing is written.
    before = JournalEntry.objects.count()
    page.get_by_role("button", name="Enregistrer l'observation").click()
    expect(page.locator("#id_text_error")).to_be_visible()
    assert JournalEntry.objects.count() == before

    text = "Léo a préparé le goûter pour toute la maison, très fier."
    page.get_by_role("textbox", name="Observation", exact=True).fill(text)
    page.get_by_role("button", name="Enregistrer l'observation").click()
    first = page.locator("#entries > li").first
    expect(first).to_contain_text(text)
    expect(page.get_by_role("textbox", name="Observation", exact=True)).to_have_value("")
    assert page.evaluate("window.__same_page") is True
    assert JournalEntry.objects.filter(text=text, author=parent).count() == 1
    screenshot(page, "house-journal.png")

    page.get_by_role("link", name="Agenda de la maison").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda de la")
    page.get_by_role("link", name="Vue mois").click()
    expect(page.locator("table.calendar").first).to_be_visible()
    screenshot(page, "house-calendar.png")
