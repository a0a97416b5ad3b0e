"""The long lists at work in a real browser: a head of service narrows the village's incident
list to the closed ones and pages through them; the O2R lead finds a beneficiary by name among
the service's files."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.insertion.models import Beneficiary
from ancrage.safeguarding.models import Incident

pytestmark = pytest.mark.e2e


def test_the_incident_list_is_filtered_and_paged(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    head = User.objects.get(username="chef.service")
    village = head.memberships.get().establishment
    log_in(page, "chef.service")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(f"/villages/{village.pk}/signalements/")
    total = Incident.objects.filter(establishment=village).count()
    expect(page.get_by_text(f"{total} signalements")).to_be_visible()
    assert total > 50  # the demo village has more than a page
    expect(page.get_by_text("Page 1 sur 2")).to_be_visible()

    page.get_by_label("État").select_option(label="Clos")
    page.get_by_role("button", name="Filtrer").click()
    closed = Incident.objects.filter(establishment=village, status="closed").count()
    expect(page.get_by_text(f"{closed} signalement")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(min(closed, 50) + 1)  # and the header
    for state in rows.locator("td:nth-child(2)").all_inner_texts():
        assert state.startswith("Clos")
    screenshot(page, "incident-list.png")

    page.get_by_label("État").select_option(label="Tous")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Page suivante").click()
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(total - 50 + 1)


def test_the_o2r_lead_finds_a_beneficiary_by_name(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    lead = User.objects.get(username="chef.file.o2r")
    service = lead.memberships.get().establishment
    someone = (
        Beneficiary.objects.filter(service=service)
        .select_related("person")
        .order_by("person__last_name_key", "pk")
        .first()
    )
    log_in(page, "chef.file.o2r")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/o2r/beneficiaires/")
    page.get_by_label("Nom", exact=True).fill(someone.person.last_name)
    page.get_by_role("button", name="Filtrer").click()
    link = page.get_by_role("link", name=f"{someone.person.last_name} {someone.person.first_names}")
    expect(link).to_be_visible()
    same_name = Beneficiary.objects.filter(
        service=service, person__last_name_key=someone.person.last_name_key
    ).count()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(same_name + 1)
    screenshot(page, "o2r-beneficiaries-search.png")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(someone.person.last_name)
