"""Who reads an incident: its reporter, the village's head of service and director, the national
director; not other house staff, clinicians, finance, funders or the technical administrator.
Every read is recorded on each child involved."""

import pytest
from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.safeguarding import services
from ancrage.safeguarding.models import Incident
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db


def visible(world, role):
    return set(Incident.objects.visible_to(world.users[role]))


@pytest.mark.parametrize(
    "role", [Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR]
)
def test_reporter_head_of_service_and_director_see_the_village_incident(incidents, role):
    assert visible(incidents, role) == {incidents.incident}


def test_the_national_director_sees_the_organisations_incidents_not_another_organisations(
    incidents,
):
    assert visible(incidents, Role.NATIONAL_DIRECTOR) == {incidents.incident}


@pytest.mark.parametrize(
    "role",
    [
        Role.FAMILY_AIDE,
        Role.CLINICIAN,
        Role.FINANCE,
        Role.FUNDER,
        Role.TECH_ADMIN,
        Role.O2R_LEAD,
        Role.YOUTH,
    ],
)
def test_other_roles_see_no_incident(incidents, role):
    assert visible(incidents, role) == set()


def test_the_reporter_keeps_access_after_qualification(incidents):
    head = incidents.users[Role.HEAD_OF_SERVICE]
    services.qualify_incident(
        incidents.incident, expected_version=1, category="other", severity="minor", by=head
    )
    assert visible(incidents, Role.HOUSE_PARENT) == {incidents.incident}


def test_a_house_parent_of_another_house_does_not_see_it(client, incidents):
    other_parent = UserFactory(username="parent-des-cedres")
    MembershipFactory(
        user=other_parent,
        role=Role.HOUSE_PARENT,
        unit=incidents.second_house,
        start_date=timezone.localdate().replace(year=2024),
    )
    other_parent = User.objects.get(pk=other_parent.pk)
    assert set(Incident.objects.visible_to(other_parent)) == set()
    login(client, other_parent)
    assert client.get(f"/signalements/{incidents.incident.pk}/").status_code == 404


def test_a_head_of_service_of_another_village_does_not_see_it(incidents):
    head = UserFactory(username="chef-du-lac")
    MembershipFactory(
        user=head,
        role=Role.HEAD_OF_SERVICE,
        establishment=incidents.other_village,
        start_date=timezone.localdate().replace(year=2024),
    )
    assert set(Incident.objects.visible_to(User.objects.get(pk=head.pk))) == set()


def test_the_clinician_gets_404_on_the_incident_page(client, incidents):
    login(client, incidents.users[Role.CLINICIAN])
    assert client.get(f"/signalements/{incidents.incident.pk}/").status_code == 404


def test_each_read_is_recorded_for_every_child_involved(client, incidents):
    user = incidents.users[Role.NATIONAL_DIRECTOR]
    login(client, user)
    response = client.get(f"/signalements/{incidents.incident.pk}/")
    assert response.status_code == 200
    events = AccessEvent.objects.filter(user=user, what="safeguarding.incident")
    assert set(events.values_list("person_id", flat=True)) == {
        incidents.child.pk,
        incidents.sibling.pk,
    }
    # without a break-the-glass, the national director reads the report without the names
    assert incidents.child.full_name not in response.content.decode()
    assert incidents.child.reference in response.content.decode()


def test_the_person_page_shows_the_incident_only_to_those_who_may_read_it(client, incidents):
    url = f"/personnes/{incidents.child.reference}/"
    for role, shown in [
        (Role.HEAD_OF_SERVICE, True),
        (Role.HOUSE_PARENT, True),  # the reporter
        (Role.FAMILY_AIDE, False),
        (Role.CLINICIAN, False),
    ]:
        login(client, incidents.users[role])
        content = client.get(url).content.decode()
        assert ("Un signalement concerne cet enfant" in content) is shown, role
        assert (f"/signalements/{incidents.incident.pk}/" in content) is shown, role
