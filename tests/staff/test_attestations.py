"""Background checks: the attestation d'honorabilité (CASF L133-6, décret 2024-643), verified
online, renewed every 36 months (a setting), a refusal kept as "non délivrée"; nobody is placed
with the children without a valid, verified one; a lapse is flagged to the director."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.accounts.services import confirm_membership, propose_membership
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.staff.models import Attestation
from ancrage.staff.services import record_attestation
from tests.accounts.factories import UserFactory
from tests.conftest import login
from tests.staff.factories import attest, attested, enter

TODAY = timezone.localdate()


def propose(world, user, role, **place):
    membership = Membership(user=user, role=role, start_date=datetime.date(2024, 1, 1), **place)
    propose_membership(membership, world.users[Role.TECH_ADMIN])
    return membership


def test_no_membership_with_children_without_verified_attestation(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    newcomer = UserFactory(first_name="Camille", last_name="Nouvel")
    house = propose(world, newcomer, Role.HOUSE_PARENT, unit=world.house)
    team = propose(world, newcomer, Role.CLINICIAN, establishment=world.village)
    for membership in (house, team):
        with pytest.raises(ValidationError, match="attestation d'honorabilité valide"):
            confirm_membership(membership, director)
        membership.refresh_from_db()
        assert membership.status == Membership.Status.PROPOSED
    # entered in the register without an attestation: still refused
    member = enter(newcomer, world.village, by=world.users[Role.HR])
    with pytest.raises(ValidationError):
        confirm_membership(house, director)
    # a valid, verified attestation opens the way
    attest(member, by=world.users[Role.HR])
    confirm_membership(house, director)
    confirm_membership(team, director)
    assert set(Membership.objects.filter(user=newcomer).values_list("status", flat=True)) == {
        Membership.Status.CONFIRMED
    }


def test_membership_away_from_the_children_needs_no_attestation(world):
    counsellor = propose(world, UserFactory(), Role.O2R_COUNSELLOR, unit=world.o2r_team)
    confirm_membership(counsellor, world.users[Role.NATIONAL_DIRECTOR])
    counsellor.refresh_from_db()
    assert counsellor.status == Membership.Status.CONFIRMED


def test_refused_or_lapsed_attestation_keeps_the_person_away_from_the_children(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    newcomer = UserFactory()
    member = attested(newcomer, world.village)
    record_attestation(
        member,
        by=director,
        outcome="not_delivered",
        issued_on=TODAY,
        director_decision="Recrutement abandonné.",
    )
    house = propose(world, newcomer, Role.FAMILY_AIDE, unit=world.house)
    with pytest.raises(ValidationError):
        confirm_membership(house, director)
    refusal = member.attestations.get(outcome="not_delivered")
    assert (refusal.issued_on, refusal.director_decision, refusal.reference) == (
        TODAY,
        "Recrutement abandonné.",
        "",
    )
    # an attestation past its renewal date is no better
    other = UserFactory()
    Attestation.objects.filter(pk=attest(enter(other, world.village), by=director).pk).update(
        renewal_due=TODAY
    )
    with pytest.raises(ValidationError):
        confirm_membership(propose(world, other, Role.HOUSE_PARENT, unit=world.house), director)


def test_renewal_date_follows_the_setting(world, settings):
    member = enter(UserFactory(), world.village)
    issued = add_months(TODAY, -2)
    assert attest(member, issued_on=issued).renewal_due == add_months(issued, 36)
    settings.STAFF_ATTESTATION_RENEWAL_MONTHS = 24
    assert attest(member, issued_on=issued).renewal_due == add_months(issued, 24)


def test_attestation_is_verified_within_six_months_of_its_issue(world):
    member = enter(UserFactory(), world.village)
    hr = world.users[Role.HR]
    issued = add_months(TODAY, -8)
    with pytest.raises(ValidationError) as refused:
        record_attestation(
            member, by=hr, outcome="delivered", issued_on=issued, verified_on=TODAY, reference="X"
        )
    assert "moins de 6 mois" in str(refused.value.message_dict["issued_on"])
    with pytest.raises(ValidationError) as refused:
        record_attestation(member, by=hr, outcome="delivered", issued_on=TODAY)
    assert set(refused.value.message_dict) == {"verified_on", "reference"}
    with pytest.raises(ValidationError) as refused:
        record_attestation(member, by=hr, outcome="not_delivered", issued_on=TODAY)
    assert set(refused.value.message_dict) == {"director_decision"}
    assert not Attestation.objects.exists()


def test_hr_records_a_verified_attestation_on_the_page(client, world):
    hr = world.users[Role.HR]
    member = enter(world.users[Role.HOUSE_PARENT], world.village, by=hr)
    login(client, hr)
    response = client.post(
        f"/personnel/membres/{member.pk}/attestation/",
        {
            "outcome": "delivered",
            "issued_on": add_days(TODAY, -10).isoformat(),
            "verified_on": TODAY.isoformat(),
            "reference": "HON-2025-000123",
        },
    )
    assert response.status_code == 302
    attestation = member.attestations.get()
    assert (attestation.verified_by, attestation.verified_on, attestation.reference) == (
        hr,
        TODAY,
        "HON-2025-000123",
    )
    page = client.get(f"/personnel/membres/{member.pk}/")
    assert "HON-2025-000123" in page.content.decode()
    # the staff member sees it on their own page
    login(client, world.users[Role.HOUSE_PARENT])
    assert "HON-2025-000123" in client.get("/personnel/moi/").content.decode()


def test_refusal_is_recorded_at_its_field(client, world):
    member = enter(UserFactory(), world.village)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url = f"/personnel/membres/{member.pk}/attestation/"
    page = client.post(url, {"outcome": "not_delivered", "issued_on": TODAY.isoformat()})
    assert "décision de la direction" in str(page.context["form"].errors["director_decision"])
    client.post(
        url,
        {
            "outcome": "not_delivered",
            "issued_on": TODAY.isoformat(),
            "director_decision": "Fin de l'engagement bénévole.",
        },
    )
    assert member.attestations.get().get_outcome_display() == "non délivrée"
    assert (
        "Non délivrée"
        in client.get(f"/personnel/etablissements/{world.village.pk}/").content.decode()
    )


def test_lapse_flagged_n_days_ahead(client, world, settings):
    settings.STAFF_ATTESTATION_NOTICE_DAYS = 45
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    soon = enter(UserFactory(first_name="Alix", last_name="Bientôt"), world.village)
    later = enter(UserFactory(first_name="Bruno", last_name="Tranquille"), world.village)
    # issued so that the renewal falls in 40 days (within the notice) and in 50 days (not yet)
    for member, days in ((soon, 40), (later, 50)):
        Attestation.objects.filter(pk=attest(member).pk).update(renewal_due=add_days(TODAY, days))
    login(client, director)
    page = client.get(f"/villages/{world.village.pk}/echeancier/")
    deadlines = page.context["establishment_deadlines"]
    assert [(d.label, d.due) for d in deadlines] == [
        ("Renouveler l'attestation d'honorabilité de Alix Bientôt", add_days(TODAY, 40))
    ]
    assert "Alix Bientôt" in page.content.decode()
    assert "Bruno Tranquille" not in page.content.decode()
    home = client.get("/").content.decode()
    assert "1 attestation à renouveler bientôt" in home
    # the house staff's échéancier says nothing of it
    login(client, world.users[Role.HEAD_OF_SERVICE])
    page = client.get(f"/villages/{world.village.pk}/echeancier/")
    assert page.context["establishment_deadlines"] == []
    assert "Alix Bientôt" not in page.content.decode()


def test_lapse_is_flagged_to_the_director_at_once(client, world):
    member = enter(UserFactory(first_name="Dana", last_name="Échue"), world.village)
    Attestation.objects.filter(pk=attest(member).pk).update(renewal_due=TODAY)
    enter(UserFactory(first_name="Eliott", last_name="Sans"), world.village)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    home = client.get("/").content.decode()
    assert "2 personnes sans attestation valide" in home
    assert "Dana Échue" in home and "Eliott Sans" in home
    # nobody else's home shows it
    for role in (Role.HEAD_OF_SERVICE, Role.HOUSE_PARENT, Role.CLINICIAN, Role.FINANCE):
        login(client, world.users[role])
        assert "Dana Échue" not in client.get("/").content.decode()
