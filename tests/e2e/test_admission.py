"""A head of service admits a sibling group of three through the browser: the ASE's request
goes on the waiting list, a first split choice is refused by the sibling rule, then the three
arrive together in one house and the village board shows them coming."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.organisation.models import Unit
from ancrage.placements.models import AdmissionRequest, Stay
from ancrage.placements.services import check_capacity, record_exit

pytestmark = pytest.mark.e2e


def has_room(house, day) -> bool:
    try:
        check_capacity(house, day, 1)
    except ValidationError:
        return False
    return True


CHILDREN = [
    ("Inaya", "Fontaine", "2014-05-03", "F"),
    ("Rayan", "Fontaine", "2016-09-12", "M"),
    ("Lou", "Fontaine", "2019-01-20", "F"),
]


def test_head_of_service_admits_a_sibling_group_of_three(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    head = User.objects.get(username="chef.service")
    village = head.active_memberships[0].establishment
    today = datetime.date.today()
    # Free a whole house: its children went home this morning.
    house = Unit.objects.houses().filter(establishment=village).order_by("name").first()
    for stay in Stay.objects.current(today).filter(unit=house):
        if stay.start_date < today:
            record_exit(child=stay.child, exit_date=today, reason="return_to_family", by=head)
    other_house = next(
        h
        for h in Unit.objects.houses()
        .filter(establishment=village)
        .exclude(pk=house.pk)
        .order_by("name")
        if has_room(h, today)
    )
    page = browser_page
    log_in(page, "chef.service")
    page.get_by_role("link", name=village.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(village.name)
    page.get_by_role("link", name="Liste d'attente des admissions").click()
    page.get_by_role("link", name="Nouvelle demande d'admission").click()

    for index, (first, last, birth, sex) in enumerate(CHILDREN):
        page.fill(f"#id_enfants-{index}-first_names", first)
        page.fill(f"#id_enfants-{index}-last_name", last)
        page.fill(f"#id_enfants-{index}-birth_date", birth)
        page.select_option(f"#id_enfants-{index}-sex", sex)
    page.select_option("#id_urgency", "1")
    page.fill("#id_departement", "44")
    page.fill("#id_ase_referent_name", "Mme Carré")
    page.fill("#id_needs", "Lou est suivie en orthophonie.")
    page.get_by_role("button", name="Inscrire sur la liste d'attente").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Demande d'admission")
    admission = AdmissionRequest.objects.get(children__first_names="Inaya")
    expect(page).to_have_url(re.compile(rf"/admissions/{admission.pk}/$"))
    assert admission.status == "waiting" and admission.urgency == 1
    assert admission.children.count() == 3

    # The free beds and the house choices are counted again as soon as a date is typed.
    children = list(admission.children.order_by("birth_date"))
    later = today + datetime.timedelta(days=7)
    with page.expect_response(lambda r: f"start_date={later.isoformat()}" in r.url):
        page.fill("#id_start_date", later.isoformat())
    expect(page.locator("#free-beds h2")).to_contain_text(f"{later:%d/%m/%Y}")
    expect(page.locator(f"#id_house_{children[0].pk}")).to_contain_text(f"le {later:%d/%m/%Y}")

    # First choice splits the group: the sibling rule asks why, and nothing is saved.
    with page.expect_response(lambda r: f"start_date={today.isoformat()}" in r.url):
        page.fill("#id_start_date", today.isoformat())
    expect(page.locator("#free-beds h2")).to_contain_text(f"{today:%d/%m/%Y}")
    expect(page.locator(f"#id_house_{children[0].pk}")).to_contain_text(f"le {today:%d/%m/%Y}")
    expect(page.locator(".htmx-request")).to_have_count(0)  # swapped and settled
    page.select_option(f"#id_house_{children[0].pk}", str(house.pk))
    page.select_option(f"#id_house_{children[1].pk}", str(house.pk))
    page.select_option(f"#id_house_{children[2].pk}", str(other_house.pk))
    page.get_by_role("button", name="Accepter et répartir dans les maisons").click()
    expect(page.get_by_role("alert").filter(has_text="ne vivraient plus ensemble")).to_be_visible()
    assert not Stay.objects.filter(admission=admission).exists()

    # Together in the freed house: accepted, no justification needed.
    page.select_option(f"#id_house_{children[2].pk}", str(house.pk))
    page.get_by_role("button", name="Accepter et répartir dans les maisons").click()
    expect(page.get_by_role("status").filter(has_text="Admission enregistrée")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(village.name)
    house_card = page.get_by_role("region", name=house.name)
    for first, last, _birth, _sex in CHILDREN:
        expect(house_card).to_contain_text(f"{first} {last}")
    screenshot(page, "village-board.png")

    admission.refresh_from_db()
    assert admission.status == "accepted"
    assert {s.unit_id for s in Stay.objects.filter(admission=admission)} == {house.pk}
