"""Granting a role that reaches personal data takes two people: the technical administrator
proposes the membership in the admin, a director of the place confirms it in the product."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ancrage.accounts import services
from ancrage.accounts.models import Membership, MembershipEvent
from ancrage.kernel.access import NOMINATIVE_ROLES, PERSONAL_DATA_ROLES, Role, can
from ancrage.kernel.scopes import reach
from ancrage.people.models import Person
from tests.accounts.factories import UserFactory
from tests.conftest import add_proposed_memberships, login
from tests.staff.factories import attested


def admin_post(user, memberships, **extra):
    """The admin's change form of `user`, with its memberships (dicts of the inline's fields;
    an `id` for an existing one)."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(sum(1 for m in memberships if "id" in m)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for n, fields in enumerate(memberships):
        data[f"memberships-{n}-user"] = str(user.pk)
        for name, value in fields.items():
            data[f"memberships-{n}-{name}"] = "" if value is None else str(value)
        if "id" in fields:
            # the start date's default is a function: the form sends its initial value along
            data[f"initial-memberships-{n}-start_date"] = fields["initial_start_date"]
    data.update(extra)
    return data


def existing(membership):
    return {
        "id": membership.pk,
        "role": membership.role,
        "unit": membership.unit_id,
        "establishment": membership.establishment_id,
        "organisation": membership.organisation_id,
        "start_date": membership.start_date.isoformat(),
        "initial_start_date": membership.start_date.isoformat(),
        "end_date": membership.end_date.isoformat() if membership.end_date else None,
    }


def test_roles_that_reach_personal_data_are_derived_from_the_grid():
    # every role with a right on a person is among them, and only the three roles whose rights
    # are places, settings and aggregates are not
    assert NOMINATIVE_ROLES <= PERSONAL_DATA_ROLES
    assert set(Role) - PERSONAL_DATA_ROLES == {Role.FINANCE, Role.FUNDER, Role.TECH_ADMIN}


def test_administrator_granting_himself_a_director_role_gets_no_right(client, world):
    admin = world.users[Role.TECH_ADMIN]
    login(client, admin)
    own = admin.memberships.get()
    response = client.post(
        f"/admin/accounts/user/{admin.pk}/change/",
        admin_post(
            admin,
            [
                existing(own),
                {
                    "role": Role.ESTABLISHMENT_DIRECTOR,
                    "establishment": world.village.pk,
                    "start_date": "2024-01-01",
                },
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    proposed = admin.memberships.get(role=Role.ESTABLISHMENT_DIRECTOR)
    assert proposed.status == Membership.Status.PROPOSED
    assert proposed.proposed_by == admin
    admin = type(admin).objects.get(pk=admin.pk)
    assert not can(admin, "person", "view")
    assert not reach(admin, "person", "view")
    assert not Person.objects.visible_to(admin).exists()
    event = MembershipEvent.objects.get(membership=proposed)
    assert (event.action, event.by) == (MembershipEvent.Action.PROPOSED, admin)
    # and nobody confirms their own
    with pytest.raises(ValidationError):
        services.confirm_membership(proposed, admin)


def test_role_without_personal_data_is_granted_at_once_and_recorded(client, world):
    admin = world.users[Role.TECH_ADMIN]
    newcomer = UserFactory()
    login(client, admin)
    response = client.post(
        f"/admin/accounts/user/{newcomer.pk}/change/",
        admin_post(
            newcomer,
            [
                {
                    "role": Role.FINANCE,
                    "organisation": world.organisation.pk,
                    "start_date": "2024-01-01",
                }
            ],
        ),
    )
    assert response.status_code == 302
    membership = newcomer.memberships.get()
    assert membership.status == Membership.Status.CONFIRMED
    assert can(type(newcomer).objects.get(pk=newcomer.pk), "establishment", "view")
    assert membership.events.get().action == MembershipEvent.Action.GRANTED


def test_director_confirms_a_proposed_membership_in_the_product(client, world):
    add_proposed_memberships(world)
    proposed = world.proposed_membership
    newcomer = proposed.user
    assert not can(newcomer, "person", "view")
    # a house parent is placed with the children: their attestation d'honorabilité is verified
    attested(newcomer, world.village)
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    login(client, director)
    page = client.get("/compte/affectations/")
    assert page.status_code == 200
    assert list(page.context["to_confirm"]) == [proposed]  # not the other organisation's
    response = client.post(f"/compte/affectations/{proposed.pk}/confirmer/")
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Membership.Status.CONFIRMED
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert can(newcomer, "person", "view")
    assert Person.objects.visible_to(newcomer).filter(pk=world.child.pk).exists()
    # the log shows who proposed and who confirmed, to the place's directors
    log = client.get("/compte/affectations/")
    actions = [(e.action, e.by) for e in log.context["events"] if e.membership == proposed]
    assert actions == [
        (MembershipEvent.Action.CONFIRMED, director),
        (MembershipEvent.Action.PROPOSED, world.users[Role.TECH_ADMIN]),
    ]
    assert "Confirmée" in log.content.decode() or "confirmée" in log.content.decode()


def test_director_refuses_a_proposed_membership(client, world):
    add_proposed_memberships(world)
    proposed = world.proposed_membership
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    client.post(f"/compte/affectations/{proposed.pk}/refuser/")
    proposed.refresh_from_db()
    assert proposed.status == Membership.Status.REFUSED
    assert not can(type(proposed.user).objects.get(pk=proposed.user_id), "person", "view")
    assert proposed.events.first().action == MembershipEvent.Action.REFUSED
    # a decided membership cannot be decided again
    with pytest.raises(ValidationError):
        services.confirm_membership(proposed, world.users[Role.ESTABLISHMENT_DIRECTOR])


def test_director_does_not_reach_another_organisations_proposals(client, world):
    add_proposed_memberships(world)
    other = world.other_proposed_membership
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert client.post(f"/compte/affectations/{other.pk}/confirmer/").status_code == 404
    other.refresh_from_db()
    assert other.status == Membership.Status.PROPOSED


def test_nobody_confirms_their_own_membership_nor_one_they_proposed(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    own = Membership(
        user=director,
        role=Role.HEAD_OF_SERVICE,
        establishment=world.village,
        start_date=datetime.date(2024, 1, 1),
    )
    services.propose_membership(own, world.users[Role.TECH_ADMIN])
    with pytest.raises(ValidationError):
        services.confirm_membership(own, director)
    proposed_by_director = Membership(
        user=UserFactory(),
        role=Role.FAMILY_AIDE,
        unit=world.house,
        start_date=datetime.date(2024, 1, 1),
    )
    services.propose_membership(proposed_by_director, director)
    with pytest.raises(ValidationError):
        services.confirm_membership(proposed_by_director, director)
    # neither is offered to them on the page
    from ancrage.accounts.queries import memberships_to_confirm

    assert not memberships_to_confirm(director).filter(pk__in=[own.pk, proposed_by_director.pk])


def test_changing_a_confirmed_membership_in_the_admin_proposes_it_again(client, world):
    admin = world.users[Role.TECH_ADMIN]
    aide = world.users[Role.FAMILY_AIDE]
    membership = aide.memberships.get()
    login(client, admin)
    moved = {
        **existing(membership),
        "role": Role.HEAD_OF_SERVICE,
        "unit": None,
        "establishment": world.village.pk,
    }
    response = client.post(f"/admin/accounts/user/{aide.pk}/change/", admin_post(aide, [moved]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PROPOSED
    assert not type(aide).objects.get(pk=aide.pk).roles


def test_revocation_is_recorded(client, world):
    admin = world.users[Role.TECH_ADMIN]
    aide = world.users[Role.FAMILY_AIDE]
    membership = aide.memberships.get()
    login(client, admin)
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/admin/accounts/user/{aide.pk}/change/",
        admin_post(aide, [{**existing(membership), "end_date": yesterday}]),
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED
    assert not type(aide).objects.get(pk=aide.pk).roles
    event = membership.events.get()
    assert (event.action, event.by) == (MembershipEvent.Action.REVOKED, admin)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert event in client.get("/compte/affectations/").context["events"]
