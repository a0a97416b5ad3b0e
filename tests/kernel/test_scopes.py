"""Deny by default: who sees whom, rule by rule (Person.objects.visible_to)."""

import datetime

from django.contrib.auth.models import AnonymousUser

from ancrage.kernel.access import NOMINATIVE_ROLES, PERMISSIONS, Role, can
from ancrage.people.models import Person
from tests.accounts.factories import MembershipFactory


def visible(user):
    return set(Person.objects.visible_to(user).values_list("first_names", flat=True))


def test_house_roles_see_the_children_of_their_house_today_and_their_relatives(world):
    for role in (Role.HOUSE_PARENT, Role.FAMILY_AIDE):
        # Léa lives in the house; Hugo (her brother, another house) and her mother are relatives.
        assert visible(world.users[role]) == {"Léa", "Hugo", "Sandrine"}


def test_house_roles_no_longer_see_a_child_who_left(world):
    assert "Inès" not in visible(world.users[Role.HOUSE_PARENT])


def test_establishment_roles_see_every_child_who_stayed_in_the_village(world):
    for role in (Role.HEAD_OF_SERVICE, Role.CLINICIAN, Role.ESTABLISHMENT_DIRECTOR):
        # Ambre is named in an admission request to the village: seen before she arrives.
        assert visible(world.users[role]) == {"Léa", "Hugo", "Sandrine", "Inès", "Ambre"}


def test_children_of_an_admission_request_are_seen_by_that_village_only(world):
    assert "Ambre" not in visible(world.users[Role.HOUSE_PARENT])
    assert "Basile" not in visible(world.users[Role.HEAD_OF_SERVICE])


def test_roles_without_nominative_access_see_nobody(world):
    for role in (Role.FINANCE, Role.FUNDER, Role.TECH_ADMIN, Role.O2R_COUNSELLOR, Role.O2R_LEAD):
        assert visible(world.users[role]) == set(), role


def test_national_director_sees_nobody_without_break_the_glass(world):
    assert visible(world.users[Role.NATIONAL_DIRECTOR]) == set()


def test_youth_sees_only_their_own_file(world):
    assert visible(world.users[Role.YOUTH]) == {"Léa"}


def test_anonymous_and_inactive_users_see_nobody(world):
    assert not Person.objects.visible_to(AnonymousUser()).exists()
    user = world.users[Role.HEAD_OF_SERVICE]
    user.is_active = False
    assert visible(user) == set()


def test_an_ended_membership_gives_nothing(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    user.memberships.update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    user.__dict__.pop("active_memberships", None)
    assert visible(user) == set()
    assert not can(user, "person", "view")


def test_a_membership_that_starts_tomorrow_gives_nothing_yet(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    user.memberships.update(start_date=datetime.date.today() + datetime.timedelta(days=1))
    user.__dict__.pop("active_memberships", None)
    assert visible(user) == set()


def test_two_memberships_add_up(world):
    user = world.users[Role.HOUSE_PARENT]
    MembershipFactory(user=user, role=Role.HEAD_OF_SERVICE, establishment=world.other_village)
    user.__dict__.pop("active_memberships", None)
    assert visible(user) == {"Léa", "Hugo", "Sandrine", "Zoé", "Noé", "Basile"}


def test_superuser_flag_opens_no_personal_data(world):
    user = world.users[Role.TECH_ADMIN]
    user.is_superuser = True
    user.is_staff = True
    assert visible(user) == set()


def test_roles_that_see_nominative_data_are_exactly_those_with_person_rights():
    assert {role for role, table in PERMISSIONS.items() if "person" in table} == NOMINATIVE_ROLES
    assert Role.TECH_ADMIN not in NOMINATIVE_ROLES
    assert Role.FINANCE not in NOMINATIVE_ROLES
    assert Role.FUNDER not in NOMINATIVE_ROLES


def test_every_role_of_the_domain_has_a_line_in_the_table():
    assert set(PERMISSIONS) == set(Role)
