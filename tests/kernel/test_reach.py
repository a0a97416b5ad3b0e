"""The one scope function: where a user's memberships in force reach, kind by kind."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from ancrage.kernel.access import Role
from ancrage.kernel.scopes import NOWHERE, Reach, memberships_in_force, reach
from ancrage.people import scopes as person_scopes
from ancrage.people.models import Person
from tests.accounts.factories import MembershipFactory
from tests.conftest import login


def test_a_house_role_reaches_its_house_and_works_in_its_village(world):
    where = reach(world.users[Role.HOUSE_PARENT], "person", "view")
    assert where.units == {world.house.pk}
    assert where.establishments == set()
    assert where.establishments_worked_in == {world.village.pk}
    assert where.roles == {Role.HOUSE_PARENT}


def test_an_establishment_role_reaches_its_village(world):
    where = reach(world.users[Role.HEAD_OF_SERVICE], "admission", "change")
    assert where.establishments == {world.village.pk}
    assert where.units == set()


def test_an_organisation_role_reaches_its_organisation(world):
    where = reach(world.users[Role.NATIONAL_DIRECTOR], "break_glass", "use")
    assert where.organisations == {world.organisation.pk}


def test_the_young_person_reaches_their_own_file_only(world):
    where = reach(world.users[Role.YOUTH], "person", "view")
    assert where.person == world.child.pk
    assert not (where.units or where.establishments or where.organisations)


def test_a_role_without_the_right_reaches_nowhere(world):
    assert reach(world.users[Role.FAMILY_AIDE], "admission", "view") is NOWHERE
    assert not reach(world.users[Role.FUNDER], "person", "view")
    assert not reach(AnonymousUser(), "person", "view")


def test_an_inactive_user_or_an_ended_membership_reaches_nowhere(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    user.is_active = False
    assert not reach(user, "person", "view")
    user.is_active = True
    user.memberships.update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    user.__dict__.pop("active_memberships", None)
    assert not reach(user, "person", "view")


def test_memberships_add_up_and_only_those_granting_the_right_count(world):
    user = world.users[Role.HOUSE_PARENT]
    MembershipFactory(user=user, role=Role.HEAD_OF_SERVICE, establishment=world.other_village)
    user.__dict__.pop("active_memberships", None)
    assert reach(user, "person", "view").establishments == {world.other_village.pk}
    assert reach(user, "person", "view").units == {world.house.pk}
    # Only the head of service may change a family: the house membership gives nothing there.
    assert reach(user, "family", "change").units == set()


def test_the_filter_names_only_the_levels_given_deny_by_default():
    where = Reach(units=frozenset({3}), establishments=frozenset({7}), roles=frozenset({"x"}))
    assert where.filter(unit="house_id") == Q(pk__in=[]) | Q(house_id__in=[3])
    both = where.filter(unit="house_id", establishment="house__establishment_id")
    assert both == Q(pk__in=[]) | Q(house_id__in=[3]) | Q(house__establishment_id__in=[7])
    # An organisation path given to a reach without organisations adds nothing.
    assert where.filter(organisation="organisation_id") == Q(pk__in=[])
    assert NOWHERE.filter(unit="house_id", person="pk") == Q(pk__in=[])


def test_an_app_registers_how_persons_enter_a_scope(world, monkeypatch):
    """A higher app adds a way into the person scope without `people` importing it."""
    monkeypatch.setattr(person_scopes, "_persons", list(person_scopes._persons))
    user = world.users[Role.HOUSE_PARENT]
    assert not Person.objects.visible_to(user).filter(pk=world.stranger.pk).exists()
    person_scopes.register_persons(
        lambda user, where: Person.objects.filter(pk=world.stranger.pk).values("pk")
    )
    assert Person.objects.visible_to(user).filter(pk=world.stranger.pk).exists()


def test_a_reach_carries_its_places_as_the_memberships_loaded_them(
    world, django_assert_num_queries
):
    house_parent = world.users[Role.HOUSE_PARENT]
    head = world.users[Role.HEAD_OF_SERVICE]
    MembershipFactory(user=head, role=Role.HEAD_OF_SERVICE, establishment=world.other_village)
    head.__dict__.pop("active_memberships", None)
    memberships_in_force(house_parent), memberships_in_force(head)  # read once per request
    with django_assert_num_queries(0):
        (house,) = reach(house_parent, "person", "view").unit_places
        assert house == world.house and house.establishment == world.village
        places = reach(head, "admission", "change").establishment_places
        # by increasing id, as `establishments` is
        assert [e.pk for e in places] == sorted([world.village.pk, world.other_village.pk])
        assert reach(head, "admission", "change").unit_places == ()
    assert reach(world.users[Role.FAMILY_AIDE], "admission", "view").unit_places == ()


def test_memberships_in_force_are_todays_with_their_places(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    ended = MembershipFactory(
        user=user,
        role=Role.CLINICIAN,
        establishment=world.other_village,
        start_date=datetime.date.today() - datetime.timedelta(days=30),
        end_date=datetime.date.today() - datetime.timedelta(days=1),
    )
    user.__dict__.pop("active_memberships", None)
    shown = memberships_in_force(user)
    assert [(m.role, m.place) for m in shown] == [(Role.HEAD_OF_SERVICE, world.village)]
    assert ended not in shown
    assert memberships_in_force(AnonymousUser()) == []


def test_the_home_page_shows_the_memberships_in_force(client, world):
    user = world.users[Role.HEAD_OF_SERVICE]
    MembershipFactory(
        user=user,
        role=Role.CLINICIAN,
        establishment=world.other_village,
        start_date=datetime.date.today() - datetime.timedelta(days=30),
        end_date=datetime.date.today() - datetime.timedelta(days=1),
    )
    login(client, user)
    page = client.get("/").content.decode()
    assert f"<li>Chef de service · {world.village.name}</li>" in page
    assert world.other_village.name not in page.split("Mes affectations")[1].split("</ul>")[0]


def test_a_reach_is_computed_once_per_request_user_and_again_after_the_memberships_are_read(world):
    user = world.users[Role.HOUSE_PARENT]
    first = reach(user, "person", "view")
    assert reach(user, "person", "view") is first  # the same user object: computed once
    assert reach(user, "admission", "change") is not first  # per kind and action
    # A new membership, read again as the next request reads them: the new reach, not the memo.
    MembershipFactory(user=user, role=Role.HEAD_OF_SERVICE, establishment=world.other_village)
    assert reach(user, "person", "view") is first
    user.__dict__.pop("active_memberships", None)
    assert reach(user, "person", "view").establishments == {world.other_village.pk}
    user.is_active = False
    assert reach(user, "person", "view") is NOWHERE  # deny by default comes first
