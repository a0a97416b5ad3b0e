"""Concerns about a child's safety from the family's file: a safeguarding report of the family's
service (the existing workflow, handled by the service's head) or an information préoccupante
proposed for the département's CRIP; who reads it is the incident's scope."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ancrage.families import concerns
from ancrage.families.models import FamilyConcern
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.safeguarding import services as safeguarding
from ancrage.safeguarding.models import Incident, IncidentChild, Transmission
from tests.conftest import login
from tests.families.factories import add_families, add_family_plans, new_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(world):
    return add_family_plans(add_families(world))


def concern_post(case, route="report", **extra):
    child = case.members.get(role="child").person
    data = {
        "route": route,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "Au domicile",
        "narrative": "L'enfant a une marque au bras et dit avoir peur le soir.",
        f"child_{child.pk}": "victim",
        "adults_involved": "",
        "immediate_measures": "",
    }
    data.update(extra)
    return data


def test_a_concern_becomes_a_report_of_the_family_service(client, families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    login(client, worker)
    page = client.get(reverse("families:case", args=[case.pk]))
    assert reverse("families:concern", args=[case.pk]) in page.content.decode()
    assert client.get(reverse("families:concern", args=[case.pk])).status_code == 200
    response = client.post(reverse("families:concern", args=[case.pk]), concern_post(case))
    concern = FamilyConcern.objects.get(case=case)
    incident = concern.incident
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:incident", args=[incident.pk])
    # the existing workflow: a reported incident of the family's service, by the worker
    assert incident.establishment == case.service and incident.reporter == worker
    assert incident.status == Incident.Status.REPORTED
    assert not incident.information_preoccupante_proposed
    child = case.members.get(role="child").person
    assert list(incident.involved.values_list("person_id", "role")) == [(child.pk, "victim")]
    assert incident.transitions.get().to_status == Incident.Status.REPORTED
    # the form named the household's children: read recorded
    assert AccessEvent.objects.filter(user=worker, person=child, what="families.concern").exists()
    # the family's file lists it for its author
    page = client.get(reverse("families:case", args=[case.pk]))
    assert page.context["concerns"] == [incident]


def test_the_service_head_qualifies_and_transmits_the_proposed_information_preoccupante(
    client, families
):
    worker, head, case = (
        families.users[Role.FAMILY_WORKER],
        families.family_head,
        families.family_case,
    )
    login(client, worker)
    client.post(
        reverse("families:concern", args=[case.pk]),
        concern_post(case, route=concerns.INFORMATION_PREOCCUPANTE),
    )
    incident = FamilyConcern.objects.get(case=case).incident
    assert incident.information_preoccupante_proposed
    # the head of the family service reads it, sees the proposal and handles it
    login(client, head)
    page = client.get(reverse("safeguarding:incident", args=[incident.pk]))
    assert page.status_code == 200 and page.context["handles"]
    assert "Information préoccupante à transmettre à la CRIP" in page.content.decode()
    listing = client.get(reverse("safeguarding:village_incidents", args=[case.service_id]))
    assert [i.pk for i in listing.context["incidents"]] == [incident.pk]
    assert not listing.context["can_report"]  # reported from the family's file
    incident = safeguarding.qualify_incident(
        incident,
        expected_version=incident.version,
        category="maltreatment",
        severity="serious",
        by=head,
    )
    sent = timezone.now()
    safeguarding.record_transmission(
        incident,
        expected_version=incident.version,
        kind=Transmission.Kind.INFORMATION_PREOCCUPANTE,
        transmitted_at=sent,
        transmitted_by=head,
        recipient="CRIP de Loire-Atlantique",
        received_on=timezone.localdate(),
        by=head,
        staff=safeguarding_staff(incident),
    )
    page = client.get(reverse("families:case", args=[case.pk]))
    text = page.content.decode()
    assert "transmise le" in text and "évaluation attendue le" in text
    page = client.get(reverse("safeguarding:incident", args=[incident.pk]))
    assert "Information préoccupante à transmettre à la CRIP" not in page.content.decode()


def safeguarding_staff(incident):
    from ancrage.safeguarding.queries import village_staff

    return village_staff(incident.establishment)


def test_who_sees_a_concern(client, families, world):
    worker, head, case = (
        families.users[Role.FAMILY_WORKER],
        families.family_head,
        families.family_case,
    )
    child = case.members.get(role="child").person
    concern = concerns.raise_concern(
        case,
        by=worker,
        route=concerns.REPORT,
        occurred_at=timezone.now(),
        place="Domicile",
        narrative="Des cris entendus par la voisine.",
        children=[(child, IncidentChild.Role.VICTIM)],
    )
    incident = concern.incident
    # its author, the heads of the family's service, the national director
    assert incident in Incident.objects.visible_to(worker)
    assert incident in Incident.objects.visible_to(head)
    assert incident in Incident.objects.visible_to(families.users[Role.NATIONAL_DIRECTOR])
    # not the village's staff, nor the other teams' workers
    for role in (Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR):
        assert incident not in Incident.objects.visible_to(families.users[role])
        login(client, families.users[role])
        assert client.get(reverse("safeguarding:incident", args=[incident.pk])).status_code == 404
    # the head of the other team's family sees nothing of it on that family's file
    login(client, head)
    page = client.get(reverse("families:case", args=[families.other_family_case.pk]))
    assert page.context["concerns"] == []


def test_village_staff_seeing_a_family_through_a_placed_child_see_no_concern(client, families):
    worker = families.users[Role.FAMILY_WORKER]
    placed = new_family(
        families.family_team, worker, "Martin", parents=[families.mother], children=[families.child]
    )
    concerns.raise_concern(
        placed,
        by=worker,
        route=concerns.REPORT,
        occurred_at=timezone.now(),
        place="Domicile",
        narrative="Inquiétude pendant le week-end chez la mère.",
        children=[(families.child, IncidentChild.Role.VICTIM)],
    )
    login(client, families.users[Role.HOUSE_PARENT])
    page = client.get(reverse("families:case", args=[placed.pk]))
    assert page.status_code == 200 and page.context["concerns"] is None
    assert "Préoccupations" not in page.content.decode()
    # and they cannot report from the family's file: it is the programme's
    assert client.get(reverse("families:concern", args=[placed.pk])).status_code == 404


def test_a_concern_names_a_child_of_the_household(client, families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    login(client, worker)
    other_child = families.other_family_case.members.get(role="child").person
    data = concern_post(case)
    data = {k: v for k, v in data.items() if not k.startswith("child_")}
    data[f"child_{other_child.pk}"] = "victim"
    before = Incident.objects.count()
    response = client.post(reverse("families:concern", args=[case.pk]), data)
    assert response.status_code == 422
    assert "Indiquez au moins un enfant concerné." in response.content.decode()
    assert Incident.objects.count() == before and not FamilyConcern.objects.exists()
    with pytest.raises(ValidationError):
        concerns.raise_concern(
            case,
            by=worker,
            route=concerns.REPORT,
            occurred_at=timezone.now(),
            place="Domicile",
            narrative="Un enfant d'une autre famille.",
            children=[(other_child, IncidentChild.Role.VICTIM)],
            allowed_children=concerns.household_children(worker, case),
        )
    assert Incident.objects.count() == before


def test_a_concern_in_the_future_is_refused_nothing_written(client, families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    login(client, worker)
    later = timezone.localtime(calendar.add_hours(timezone.now(), 48))
    response = client.post(
        reverse("families:concern", args=[case.pk]),
        concern_post(case, occurred_at=later.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 422 and "occurred_at" in response.context["form"].errors
    assert not FamilyConcern.objects.exists()


def test_concern_page_query_count(client, families, django_assert_num_queries):
    login(client, families.users[Role.FAMILY_WORKER])
    # the household's children offered, their read recorded
    with django_assert_num_queries(7):
        assert (
            client.get(reverse("families:concern", args=[families.family_case.pk])).status_code
            == 200
        )
