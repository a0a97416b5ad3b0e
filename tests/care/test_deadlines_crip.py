"""The CRIP's evaluation of an information préoccupante in the échéancier: due 3 months after
the CRIP received it (kernel.calendar.add_months: 30 November → 28 February), done when its
outcome is recorded; shown for the victims of the incident, to the roles that read the
transmissions (safeguarding registers it through kernel.deadlines)."""

import datetime

import pytest

from ancrage.care.queries import deadlines as queries
from ancrage.care.services.deadlines import Kind, Status
from ancrage.kernel.access import Role
from ancrage.safeguarding.models import Transmission
from tests.conftest import login

pytestmark = pytest.mark.django_db

D = datetime.date
KIND = Kind.CRIP_EVALUATION


@pytest.fixture
def received(incidents, head):
    """An information préoccupante about Léa (the victim; her brother is a witness), received
    by the CRIP on 30 November 2026."""
    return Transmission.objects.create(
        incident=incidents.incident,
        kind=Transmission.Kind.INFORMATION_PREOCCUPANTE,
        transmitted_at=incidents.incident.occurred_at,
        transmitted_by=head,
        recipient="CRIP de Loire-Atlantique",
        received_on=D(2026, 11, 30),
        created_by=head,
    )


def crip_rows(user, person, today):
    context = queries.person_deadlines(person, today=today, user=user)
    return [r for r in context["every"] if r.deadline.kind == KIND]


@pytest.mark.parametrize(
    ("today", "status"),
    [(D(2027, 2, 27), Status.DUE), (D(2027, 2, 28), Status.DUE), (D(2027, 3, 1), Status.OVERDUE)],
    ids=["day-before", "day", "day-after"],
)
def test_crip_evaluation_is_due_three_months_after_receipt(
    incidents, head, received, today, status
):
    [row] = crip_rows(head, incidents.child, today)
    assert row.deadline.due == D(2027, 2, 28)
    assert row.status == status
    assert row.deadline.kind_label == "Évaluation de l'information préoccupante (CRIP, 3 mois)"
    assert row.deadline.record_id == received.pk


def test_crip_evaluation_is_done_when_the_outcome_is_recorded(incidents, head, received):
    Transmission.objects.filter(pk=received.pk).update(
        outcome=Transmission.Outcome.NO_FURTHER_ACTION, outcome_on=D(2027, 1, 20)
    )
    [row] = crip_rows(head, incidents.child, D(2027, 3, 1))
    assert row.status == Status.DONE and row.deadline.done_on == D(2027, 1, 20)


def test_crip_evaluation_concerns_the_victims_only(incidents, head, received):
    assert crip_rows(head, incidents.sibling, D(2027, 1, 1)) == []


def test_a_crip_evaluation_needs_the_receipt(incidents, head, received):
    Transmission.objects.filter(pk=received.pk).update(received_on=None, evaluation_due=None)
    assert crip_rows(head, incidents.child, D(2027, 1, 1)) == []


def test_crip_evaluation_is_shown_only_to_the_roles_that_read_the_transmissions(
    incidents, received
):
    for role, shown in (
        (Role.HEAD_OF_SERVICE, True),
        (Role.ESTABLISHMENT_DIRECTOR, True),
        (Role.HOUSE_PARENT, False),
        (Role.CLINICIAN, False),
    ):
        rows = crip_rows(incidents.users[role], incidents.child, D(2027, 1, 1))
        assert bool(rows) is shown, role
    # nor in what counts the village's own overdue deadlines and sends reminders (no user)
    context = queries.person_deadlines(incidents.child, today=D(2027, 3, 1))
    assert not [r for r in context["every"] if r.deadline.kind == KIND]


def test_the_village_and_child_echeanciers_show_the_crip_evaluation(
    client, incidents, head, received
):
    login(client, head)
    page = client.get(f"/personnes/{incidents.child.reference}/echeancier/")
    assert page.status_code == 200
    assert "Évaluation de l&#x27;information préoccupante (CRIP, 3 mois)" in page.content.decode()
    assert "28/02/2027" in page.content.decode()
    village = client.get(f"/villages/{incidents.village.pk}/echeancier/?kind={KIND}&period=")
    assert village.status_code == 200
    assert [r.deadline.kind for r in village.context["rows"]] == [KIND]
