"""Organisations, establishments, units and memberships: the rules the database also says."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ancrage.accounts.models import Membership
from ancrage.kernel.access import Role
from ancrage.organisation.models import Consortium, Unit
from tests.accounts.factories import UserFactory
from tests.organisation.factories import HouseFactory, OrganisationFactory, VillageFactory


def test_house_capacity_defaults_to_five(db):
    assert HouseFactory().capacity == 5


def test_house_capacity_must_be_positive(db):
    house = HouseFactory.build(establishment=VillageFactory(), capacity=0)
    with pytest.raises(ValidationError) as error:
        house.full_clean()
    assert "capacity" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=HouseFactory().pk).update(capacity=0)


def test_departement_code_is_checked(db):
    village = VillageFactory.build(organisation=OrganisationFactory(), departement="99")
    with pytest.raises(ValidationError) as error:
        village.full_clean()
    assert "département valide" in error.value.message_dict["departement"][0]
    for code in ("44", "2A", "974", "01"):
        VillageFactory.build(organisation=OrganisationFactory(), departement=code).full_clean()


def test_a_consortium_has_a_lead_and_members(db):
    lead = OrganisationFactory()
    partner = OrganisationFactory(name="Partenaire")
    consortium = Consortium.objects.create(name="Consortium O2R 44", lead=lead)
    consortium.members.set([lead, partner])
    assert set(lead.consortia.all()) == {consortium}
    assert list(lead.led_consortia.all()) == [consortium]


@pytest.mark.parametrize(
    ("role", "place", "ok"),
    [
        (Role.HOUSE_PARENT, "unit", True),
        (Role.HOUSE_PARENT, "establishment", False),
        (Role.HEAD_OF_SERVICE, "establishment", True),
        (Role.HEAD_OF_SERVICE, "unit", False),
        (Role.NATIONAL_DIRECTOR, "organisation", True),
        (Role.NATIONAL_DIRECTOR, "establishment", False),
        (Role.TECH_ADMIN, "organisation", True),
        (Role.YOUTH, None, True),
    ],
)
def test_membership_place_matches_the_role(db, role, place, ok):
    house = HouseFactory()
    places = {
        "unit": {"unit": house},
        "establishment": {"establishment": house.establishment},
        "organisation": {"organisation": house.establishment.organisation},
        None: {},
    }[place]
    membership = Membership(user=UserFactory(), role=role, **places)
    if ok:
        membership.full_clean()
        membership.save()
    else:
        with pytest.raises(ValidationError):
            membership.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            membership.save()


def test_membership_has_exactly_one_place(db):
    house = HouseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(),
            role=Role.HOUSE_PARENT,
            unit=house,
            establishment=house.establishment,
        )


def test_membership_dates_in_order(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(),
            role=Role.HOUSE_PARENT,
            unit=HouseFactory(),
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 30),
        )
