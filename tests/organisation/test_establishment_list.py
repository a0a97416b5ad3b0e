"""`establishment_list`: the establishments of `establishments_for` as a list, by name, read
from the memberships for a user attached to a village or a house."""

import pytest

from ancrage.kernel.access import Role
from ancrage.kernel.scopes import memberships_in_force
from ancrage.kernel.text import by_name
from ancrage.organisation.models import Establishment
from ancrage.organisation.queries import establishment_list, establishments_for
from tests.organisation.factories import VillageFactory


@pytest.mark.parametrize(
    "role",
    [Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR],
    ids=str,
)
@pytest.mark.parametrize("kind", [None, Establishment.Kind.VILLAGE])
def test_the_list_is_what_the_scoped_query_reads_in_french_order(world, role, kind):
    # an accented name sorts as the French order says, not by its first byte
    VillageFactory(organisation=world.village.organisation, name="Village des Érables")
    user = world.users[role]
    read = establishments_for(user)
    if kind is not None:
        read = read.filter(kind=kind)
    assert establishment_list(user, kind) == list(read.order_by(*by_name("name"), "pk"))


@pytest.mark.parametrize("role", [Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE], ids=str)
def test_a_village_user_s_establishments_take_no_query(world, role, django_assert_num_queries):
    user = world.users[role]
    memberships_in_force(user)  # read once per request, by the middleware's first check
    with django_assert_num_queries(0):
        assert establishment_list(user, Establishment.Kind.VILLAGE) == [world.village]


def test_an_organisation_wide_user_s_establishments_take_one_query(
    world, django_assert_num_queries
):
    user = world.users[Role.NATIONAL_DIRECTOR]
    memberships_in_force(user)
    with django_assert_num_queries(1):
        villages = establishment_list(user, Establishment.Kind.VILLAGE)
    assert world.village in villages and world.foreign_village not in villages
