"""Staff time: a monthly sheet by section, prefilled from the memberships, submitted, approved
by the manager, locked once approved; refused over the contract's hours or with negative hours;
a salary split by approved time adds up to 100 %."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from ancrage.accounting.models import Contract, Section, TimeSheet
from ancrage.accounting.periods import month_share, split_exactly
from ancrage.accounting.services import (
    approve_time_sheet,
    prefilled_hours,
    return_time_sheet,
    salary_by_section,
    save_contract,
    save_time_sheet,
    sections_of_memberships,
)
from ancrage.kernel.access import Role
from tests.accounting.factories import MONTH, add_sections, contract, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(world, o2r_files):
    return add_sections(world)


def test_time_sheet_over_contract_refused(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation, hours="35")  # 151.67 h in a month
    with pytest.raises(ValidationError) as refusal:
        save_time_sheet(
            parent, MONTH, {sections["village"]: "100", sections["support"]: "60"}, submit=True
        )
    errors = refusal.value.message_dict
    assert set(errors) == {f"section_{sections['village'].pk}", f"section_{sections['support'].pk}"}
    assert (
        "dépasse les heures du contrat pour ce mois (151,67 h)"
        in errors[f"section_{sections['village'].pk}"][0]
    )
    assert not TimeSheet.objects.filter(employee=parent, month=MONTH).exclude(entries=None).exists()
    # the contract's hours exactly are accepted
    save_time_sheet(parent, MONTH, {sections["village"]: "151,67"})


def test_negative_hours_refused_at_the_field(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation)
    with pytest.raises(ValidationError) as refusal:
        save_time_sheet(parent, MONTH, {sections["village"]: "-3", sections["support"]: "abc"})
    errors = refusal.value.message_dict
    assert errors[f"section_{sections['village'].pk}"] == [
        "Le nombre d'heures ne peut pas être négatif."
    ]
    assert "Saisissez un nombre" in errors[f"section_{sections['support'].pk}"][0]


def test_no_time_sheet_without_a_contract_in_force(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation, start_date=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="Aucun contrat en vigueur"):
        save_time_sheet(parent, MONTH, {sections["village"]: "10"})


def test_approved_period_locks(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    head = world.users[Role.HEAD_OF_SERVICE]
    contract(parent, world.organisation)
    time_sheet = save_time_sheet(parent, MONTH, {sections["village"]: "140"}, submit=True)
    with pytest.raises(ValidationError, match="soumise à votre responsable"):
        save_time_sheet(parent, MONTH, {sections["village"]: "100"})
    approve_time_sheet(time_sheet, head)
    with pytest.raises(ValidationError, match="le mois est verrouillé"):
        save_time_sheet(parent, MONTH, {sections["village"]: "100"})
    with pytest.raises(ValidationError):
        return_time_sheet(time_sheet, head, "Erreur")
    time_sheet.refresh_from_db()
    assert time_sheet.status == TimeSheet.Status.APPROVED
    assert [e.hours for e in time_sheet.entries.all()] == [Decimal("140.00")]


def test_nobody_approves_their_own_sheet(world, sections):
    head = world.users[Role.HEAD_OF_SERVICE]
    contract(head, world.organisation)
    time_sheet = save_time_sheet(head, MONTH, {sections["village"]: "100"}, submit=True)
    with pytest.raises(ValidationError, match="sa propre feuille"):
        approve_time_sheet(time_sheet, head)


def test_a_sheet_sent_back_can_be_corrected_and_submitted_again(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation)
    time_sheet = save_time_sheet(parent, MONTH, {sections["village"]: "140"}, submit=True)
    with pytest.raises(ValidationError) as refusal:
        return_time_sheet(time_sheet, world.users[Role.HEAD_OF_SERVICE], " ")
    assert "reason" in refusal.value.message_dict
    return_time_sheet(time_sheet, world.users[Role.HEAD_OF_SERVICE], "Le 14 était un congé")
    time_sheet = save_time_sheet(parent, MONTH, {sections["village"]: "133"}, submit=True)
    assert time_sheet.status == TimeSheet.Status.SUBMITTED
    assert time_sheet.returned_reason == ""


def test_o2r_counsellor_prefilled_with_all_their_time_on_the_programme(world, sections):
    counsellor = world.users[Role.O2R_COUNSELLOR]
    contract(counsellor, world.organisation)
    active = list(Section.objects.filter(active=True))
    found = sections_of_memberships(counsellor.active_memberships, active)
    assert found == [sections["o2r"]]
    hours = month_share([Contract.objects.get(employee=counsellor)], MONTH).hours
    assert prefilled_hours(hours, found) == {sections["o2r"].pk: Decimal("151.67")}


def test_head_of_service_who_also_leads_o2r_is_split(world, sections):
    from tests.accounts.factories import MembershipFactory

    head = world.users[Role.HEAD_OF_SERVICE]
    MembershipFactory(
        user=head,
        role=Role.O2R_LEAD,
        establishment=world.o2r_team.establishment,
        start_date=datetime.date(2024, 1, 1),
    )
    head = type(head).objects.get(pk=head.pk)
    found = sections_of_memberships(head.active_memberships, list(Section.objects.all()))
    assert set(found) == {sections["village"], sections["o2r"]}
    split = prefilled_hours(Decimal("151.67"), found)
    assert sum(split.values()) == Decimal("151.67")


def test_allocation_by_time_adds_up_to_100_percent_of_a_salary(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation, cost="3123.47")
    time_sheet = sheet(
        parent,
        {sections["village"]: "100", sections["o2r"]: "33.33", sections["support"]: "18.34"},
    )
    split = salary_by_section(time_sheet)
    assert sum(split.values()) == Decimal("3123.47")
    assert split[sections["village"].pk] == Decimal("2059.39")  # 100 h of 151,67


def test_a_contract_starting_mid_month_costs_its_days(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation, cost="3100", start_date=datetime.date(2026, 3, 17))
    share = month_share(list(parent.contracts.all()), MONTH)
    assert share.cost == Decimal("1500.00")  # 15 days of 31
    assert share.hours == Decimal("73.39")


def test_yearly_cost_is_a_twelfth_a_month(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation, cost="36000", period="year")
    assert month_share(list(parent.contracts.all()), MONTH).cost == Decimal("3000.00")


def test_no_two_contracts_on_the_same_day(world, sections):
    parent = world.users[Role.HOUSE_PARENT]
    contract(parent, world.organisation, end_date=datetime.date(2026, 6, 30))
    fields = {
        "employee": parent,
        "organisation": world.organisation,
        "hours_per_week": Decimal("20"),
        "start_date": datetime.date(2026, 6, 1),
        "end_date": None,
        "gross_cost": Decimal("1500"),
        "cost_period": "month",
    }
    with pytest.raises(ValidationError) as refusal:
        save_contract(**fields)
    assert "start_date" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        save_contract(**{**fields, "start_date": datetime.date(2026, 7, 1), "hours_per_week": 49})
    assert "hours_per_week" in refusal.value.message_dict
    save_contract(**{**fields, "start_date": datetime.date(2026, 7, 1)})


@settings(max_examples=60)
@given(
    total=st.decimals(min_value="0.01", max_value="99999.99", places=2),
    weights=st.lists(
        st.decimals(min_value="0.01", max_value="200", places=2), min_size=1, max_size=8
    ),
)
def test_split_always_adds_up_to_the_total(total, weights):
    split = split_exactly(total, dict(enumerate(weights)))
    assert sum(split.values()) == total
    assert all(share >= 0 for share in split.values())
