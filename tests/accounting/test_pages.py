"""The pages of analytic accounting: finance sets sections, agreements and contracts; an employee
fills and submits their month; the manager approves it; each page reads a fixed number of
queries whatever the data."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ancrage.accounting.models import Contract, Section, TimeSheet
from ancrage.kernel.access import Role
from tests.accounting.factories import MONTH, add_accounting, contract, sheet
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

SHEET_URL = reverse("accounting:time_sheet", args=[MONTH.year, MONTH.month])


@pytest.fixture
def accounting(world, o2r_files):
    return add_accounting(world)


def more_staff(world, count):
    """`count` more house parents of Léa's house, each with a contract and a submitted sheet."""
    for n in range(count):
        user = UserFactory(username=f"parent-{n}")
        MembershipFactory(
            user=user,
            role=Role.HOUSE_PARENT,
            unit=world.house,
            start_date=datetime.date(2024, 1, 1),
        )
        contract(user, world.organisation)
        sheet(
            user,
            {world.sections["village"]: "100", world.sections["support"]: "10"},
            status=TimeSheet.Status.SUBMITTED,
        )


def test_finance_creates_a_consortium_members_section_reusing_the_programmes_agreement(
    client, accounting
):
    world = accounting
    login(client, world.users[Role.FINANCE])
    partner = world.partner_team.establishment
    data = {
        "code": "o2r-44-p2",
        "name": "O2R : seconde part du partenaire",
        "kind": "o2r",
        "organisation": partner.organisation_id,
        "establishment": partner.pk,
        "programme": world.programme.pk,
        "active": "on",
    }
    response = client.post(reverse("accounting:section_add"), data)
    assert response.status_code == 302
    section = Section.objects.get(code="O2R-44-P2")
    assert section.programme == world.programme and not section.agreements.exists()
    page = client.get(reverse("accounting:home")).content.decode()
    assert "O2R-44-P2" in page and "Convention O2R « O2R Pays de la Loire" in page


def test_a_village_section_without_its_establishment_is_refused_at_the_field(client, accounting):
    login(client, accounting.users[Role.FINANCE])
    response = client.post(
        reverse("accounting:section_add"),
        {
            "code": "VIL-X",
            "name": "Village",
            "kind": "village",
            "organisation": accounting.organisation.pk,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["establishment"] == [
        "Choisissez l'établissement de cette activité."
    ]
    assert not Section.objects.filter(code="VIL-X").exists()


def test_an_establishment_director_reads_their_sections_only(client, accounting):
    login(client, accounting.users[Role.ESTABLISHMENT_DIRECTOR])
    page = client.get(reverse("accounting:home")).content.decode()
    assert "VIL-COT" in page
    assert "VIL-LAC" not in page and "O2R-44" not in page and "SUP" not in page
    assert "Nouvelle section" not in page


def test_finance_sets_a_contract(client, accounting):
    world = accounting
    login(client, world.users[Role.FINANCE])
    newcomer = UserFactory(username="nouvelle-recrue")
    MembershipFactory(
        user=newcomer, role=Role.FAMILY_AIDE, unit=world.house, start_date=datetime.date(2024, 1, 1)
    )
    data = {
        "employee": newcomer.pk,
        "organisation": world.organisation.pk,
        "hours_per_week": "28",
        "start_date": "2026-02-01",
        "gross_cost": "32000",
        "cost_period": "year",
    }
    assert client.post(reverse("accounting:contract_add"), data).status_code == 302
    assert Contract.objects.get(employee=newcomer).monthly_cost == Decimal(32000) / 12


def test_employee_fills_submits_and_manager_approves_their_month(client, accounting):
    world = accounting
    counsellor = world.users[Role.O2R_COUNSELLOR]
    login(client, counsellor)
    page = client.get(SHEET_URL)
    o2r = world.sections["o2r"]
    # prefilled: all of the counsellor's time on their programme
    assert page.context["form"].fields[f"section_{o2r.pk}"].initial == "151,67"
    response = client.post(SHEET_URL, {f"section_{o2r.pk}": "-2", "submit": ""})
    assert response.status_code == 422
    assert response.context["form"].errors[f"section_{o2r.pk}"] == [
        "Le nombre d'heures ne peut pas être négatif."
    ]
    response = client.post(SHEET_URL, {f"section_{o2r.pk}": "151,67", "submit": ""})
    assert response.status_code == 302
    time_sheet = TimeSheet.objects.get(employee=counsellor, month=MONTH)
    assert time_sheet.status == TimeSheet.Status.SUBMITTED
    login(client, world.users[Role.O2R_LEAD])
    assert "151,67 h" in client.get(reverse("accounting:approvals")).content.decode()
    response = client.post(reverse("accounting:approve", args=[time_sheet.pk]))
    assert response.status_code == 302
    time_sheet.refresh_from_db()
    assert time_sheet.status == TimeSheet.Status.APPROVED
    login(client, counsellor)
    response = client.post(SHEET_URL, {f"section_{o2r.pk}": "100"})
    assert response.status_code == 422
    assert "le mois est verrouillé" in response.content.decode()


def test_over_contract_sheet_refused_on_the_page(client, accounting):
    world = accounting
    login(client, world.users[Role.FAMILY_AIDE])
    village, support = world.sections["village"], world.sections["support"]
    response = client.post(
        SHEET_URL, {f"section_{village.pk}": "150", f"section_{support.pk}": "2"}
    )
    assert response.status_code == 422
    assert (
        "dépasse les heures du contrat"
        in response.context["form"].errors[f"section_{village.pk}"][0]
    )
    assert not TimeSheet.objects.filter(employee=world.users[Role.FAMILY_AIDE]).exists()


PINNED = {
    "accounting:home": 9,
    "accounting:contracts": 5,
    "accounting:approvals": 7,
    "accounting:my_time": 6,
}
AS = {
    "accounting:home": Role.FINANCE,
    "accounting:contracts": Role.FINANCE,
    "accounting:approvals": Role.ESTABLISHMENT_DIRECTOR,
    "accounting:my_time": Role.HOUSE_PARENT,
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pages_read_a_fixed_number_of_queries_at_two_sizes(
    client, accounting, django_assert_num_queries, name
):
    login(client, accounting.users[AS[name]])
    with django_assert_num_queries(PINNED[name]):
        assert client.get(reverse(name)).status_code == 200
    more_staff(accounting, 4)
    with django_assert_num_queries(PINNED[name]):
        assert client.get(reverse(name)).status_code == 200


def test_time_sheet_page_reads_a_fixed_number_of_queries(
    client, accounting, django_assert_num_queries
):
    login(client, accounting.users[Role.HOUSE_PARENT])
    with django_assert_num_queries(8):
        assert client.get(SHEET_URL).status_code == 200
