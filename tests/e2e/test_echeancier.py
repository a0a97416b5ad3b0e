"""The head of service opens the demo village's échéancier from the village board, filters
the overdue deadlines and opens a child's own échéancier."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User

pytestmark = pytest.mark.e2e


def test_head_of_service_filters_the_village_echeancier(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    head = User.objects.get(username="chef.service")
    village = head.active_memberships[0].establishment
    page = browser_page
    log_in(page, "chef.service")
    # her home names what waits for her in the village, the late deadlines a link among them
    page.goto(f"/villages/{village.pk}/")
    page.get_by_role("link", name="Échéancier").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Échéancier")
    rows = page.locator("table.deadlines tbody tr")
    expect(rows.first).to_contain_text("En retard")  # overdue first
    page.get_by_label("Échéance", exact=True).select_option("report")
    page.get_by_label("Période").select_option("90")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**kind=report**")
    assert rows.count() > 0
    for text in rows.all_inner_texts()[:10]:
        assert "Rapport de situation" in text
    screenshot(page, "echeancier.png")
    # each deadline to do leads to its action: a situation report to write
    action = rows.first.get_by_role("link", name="Rapport de situation")
    expect(action).to_have_attribute("href", re.compile(r"/rapports/nouveau/$"))
    # the child's name leads to her échéancier
    rows.first.locator("th a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Échéancier")
