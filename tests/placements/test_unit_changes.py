"""A house's capacity and its closing, changed in the administration (the only page that edits a
unit), respect the children placed there: organisation's unit checks, filled by placements."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.organisation.models import Unit
from tests.conftest import login
from tests.organisation.factories import HouseFactory
from tests.people.factories import PersonFactory, StayFactory


def unit_form(unit, **changes):
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "capacity": unit.capacity,
        "establishment": unit.establishment_id,
        "active": "on" if unit.active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_capacity_cannot_be_set_under_the_children_a_house_holds(world, client):
    house = Unit.objects.get(pk=world.house.pk)  # Léa lives there
    StayFactory(child=PersonFactory(), unit=house)
    login(client, world.users[Role.TECH_ADMIN])
    response = client.post(
        f"/admin/organisation/unit/{house.pk}/change/", unit_form(house, capacity=1)
    )
    assert response.status_code == 200
    assert "accueille 2 enfants" in response.content.decode()
    house.refresh_from_db()
    assert house.capacity != 1
    # at the occupancy itself, it is accepted
    response = client.post(
        f"/admin/organisation/unit/{house.pk}/change/", unit_form(house, capacity=2)
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=house.pk).capacity == 2


def test_capacity_counts_the_children_who_will_arrive(world):
    house = Unit.objects.get(pk=world.second_house.pk)  # Hugo lives there
    StayFactory(
        child=PersonFactory(),
        unit=house,
        start_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    house.capacity = 1
    with pytest.raises(ValidationError) as refused:
        house.full_clean()
    assert "capacity" in refused.value.message_dict


def test_a_house_where_children_live_cannot_be_closed(world):
    house = Unit.objects.get(pk=world.house.pk)
    house.active = False
    with pytest.raises(ValidationError) as refused:
        house.full_clean()
    assert "active" in refused.value.message_dict
    # a house whose last child left can be
    empty = HouseFactory(establishment=world.village, name="Maison des Aulnes")
    StayFactory(
        child=PersonFactory(),
        unit=empty,
        start_date=timezone.localdate() - datetime.timedelta(days=400),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
        exit_reason="return_to_family",
    )
    empty.active = False
    empty.full_clean()
