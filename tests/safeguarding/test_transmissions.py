"""Information préoccupante and signalement (CASF L226-3, L226-4): who transmitted what to whom
and when, the CRIP's receipt and its evaluation within 3 months (kernel.calendar.add_months),
the outcome; the pages that record them, who sees them, the migration of the former
qualification checkboxes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.safeguarding import services
from ancrage.safeguarding.models import Incident, Transmission, evaluation_due
from tests.conftest import login

pytestmark = pytest.mark.django_db

D = datetime.date
IP = Transmission.Kind.INFORMATION_PREOCCUPANTE
SIGNALEMENT = Transmission.Kind.SIGNALEMENT


def head(world):
    return world.users[Role.HEAD_OF_SERVICE]


def transmit(world, **kwargs):
    incident = Incident.objects.get(pk=world.incident.pk)
    values = {
        "kind": IP,
        "transmitted_at": timezone.now() - datetime.timedelta(minutes=30),
        "transmitted_by": head(world),
        "recipient": "CRIP de Loire-Atlantique",
    } | kwargs
    return services.record_transmission(
        incident, expected_version=incident.version, by=head(world), **values
    )


def follow_up(world, transmission, **kwargs):
    incident = Incident.objects.get(pk=world.incident.pk)
    return services.record_transmission_follow_up(
        transmission, expected_version=incident.version, by=head(world), **kwargs
    )


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(D(2027, 2, 27), False), (D(2027, 2, 28), False), (D(2027, 3, 1), True)],
    ids=["day-before", "day", "day-after"],
)
def test_crip_evaluation_is_due_three_months_after_receipt(incidents, today, overdue):
    """Received on 30 November: due on 28 February (no 30 February), late from 1 March."""
    transmission = Transmission.objects.create(
        incident=incidents.incident,
        kind=IP,
        transmitted_at=incidents.incident.occurred_at,
        transmitted_by=head(incidents),
        recipient="CRIP",
        received_on=D(2026, 11, 30),
        created_by=head(incidents),
    )
    assert transmission.evaluation_due == D(2027, 2, 28)
    assert Transmission.objects.get().evaluation_due == D(2027, 2, 28)
    assert transmission.evaluation_overdue(today) is overdue
    assert Transmission.objects.evaluation_overdue(today).exists() is overdue


def test_crip_evaluation_deadline_follows_the_french_end_of_month_rule():
    assert evaluation_due(IP, D(2027, 11, 30)) == D(2028, 2, 29)  # leap year
    assert evaluation_due(IP, D(2026, 5, 31)) == D(2026, 8, 31)
    assert evaluation_due(IP, D(2026, 1, 15)) == D(2026, 4, 15)
    assert evaluation_due(SIGNALEMENT, D(2026, 1, 15)) is None
    assert evaluation_due(IP, None) is None


def test_the_evaluation_is_done_when_the_outcome_is_recorded(incidents):
    transmission = transmit(incidents, received_on=timezone.localdate())
    late = transmission.evaluation_due + datetime.timedelta(days=1)
    assert Transmission.objects.evaluation_overdue(late).exists()
    follow_up(
        incidents,
        transmission,
        received_on=transmission.received_on,
        outcome=Transmission.Outcome.ADMINISTRATIVE_PROTECTION,
        outcome_on=timezone.localdate(),
    )
    assert not Transmission.objects.evaluation_overdue(late).exists()
    assert not Transmission.objects.get().evaluation_overdue(late)


def test_an_information_preoccupante_records_who_what_to_whom_and_when(incidents):
    at = timezone.now() - datetime.timedelta(minutes=30)
    version = Incident.objects.get(pk=incidents.incident.pk).version
    transmission = transmit(incidents, transmitted_at=at)
    assert (transmission.kind, transmission.transmitted_at, transmission.transmitted_by) == (
        IP,
        at,
        head(incidents),
    )
    assert transmission.recipient == "CRIP de Loire-Atlantique"
    assert transmission.created_by == head(incidents)
    assert transmission.evaluation_due is None  # not yet received
    assert Incident.objects.get(pk=incidents.incident.pk).version == version + 1


def test_a_transmission_is_neither_in_the_future_nor_before_the_facts(incidents):
    for at in (
        timezone.now() + datetime.timedelta(hours=1),
        incidents.incident.occurred_at - datetime.timedelta(minutes=1),
        None,
    ):
        with pytest.raises(ValidationError) as refused:
            transmit(incidents, transmitted_at=at)
        assert "transmitted_at" in refused.value.message_dict
    assert not Transmission.objects.exists()


def test_a_signalement_goes_to_the_procureur_with_its_copy_to_the_departement(incidents):
    with pytest.raises(ValidationError) as refused:
        transmit(incidents, kind=SIGNALEMENT, recipient="Procureur de la République")
    assert "copy_to" in refused.value.message_dict
    transmission = transmit(
        incidents,
        kind=SIGNALEMENT,
        recipient="Procureur de la République",
        copy_to="Président du conseil départemental",
    )
    assert transmission.copy_to == "Président du conseil départemental"


def test_the_crip_receipt_belongs_to_an_information_preoccupante_and_follows_it(incidents):
    with pytest.raises(ValidationError) as refused:
        transmit(
            incidents,
            kind=SIGNALEMENT,
            recipient="Procureur",
            copy_to="Département",
            received_on=timezone.localdate(),
        )
    assert "received_on" in refused.value.message_dict
    for received_on in (
        timezone.localdate() + datetime.timedelta(days=1),
        timezone.localdate(incidents.incident.occurred_at) - datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as refused:
            transmit(incidents, received_on=received_on)
        assert "received_on" in refused.value.message_dict
    assert not Transmission.objects.exists()


def test_the_outcome_needs_the_day_it_became_known(incidents):
    transmission = transmit(incidents)
    with pytest.raises(ValidationError) as refused:
        follow_up(incidents, transmission, outcome=Transmission.Outcome.NO_FURTHER_ACTION)
    assert "outcome_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        follow_up(
            incidents,
            transmission,
            outcome=Transmission.Outcome.NO_FURTHER_ACTION,
            outcome_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "outcome_on" in refused.value.message_dict
    assert Transmission.objects.get().outcome == ""


def test_only_those_who_handle_the_incident_record_a_transmission(incidents):
    incident = Incident.objects.get(pk=incidents.incident.pk)
    with pytest.raises(ValidationError):
        services.record_transmission(
            incident,
            expected_version=incident.version,
            kind=IP,
            transmitted_at=timezone.now(),
            transmitted_by=incidents.users[Role.HOUSE_PARENT],
            recipient="CRIP",
            by=incidents.users[Role.HOUSE_PARENT],
        )
    assert not Transmission.objects.exists()


def test_a_transmission_from_a_stale_page_is_refused(incidents):
    incident = Incident.objects.get(pk=incidents.incident.pk)
    with pytest.raises(ValidationError, match="rechargez"):
        services.record_transmission(
            incident,
            expected_version=incident.version - 1,
            kind=IP,
            transmitted_at=timezone.now(),
            transmitted_by=head(incidents),
            recipient="CRIP",
            by=head(incidents),
        )


# Pages -----------------------------------------------------------------------------------------


def test_a_transmission_is_recorded_from_the_incident_page_and_listed_on_it(client, incidents):
    login(client, head(incidents))
    base = f"/signalements/{incidents.incident.pk}/"
    page = client.get(base).content.decode()
    assert "Aucune information préoccupante ni aucun signalement transmis." in page
    assert f"{base}transmissions/nouvelle/" in page
    form = client.get(f"{base}transmissions/nouvelle/")
    assert form.status_code == 200
    assert "CRIP du département" in form.content.decode()  # the recipient proposed
    response = client.post(
        f"{base}transmissions/nouvelle/",
        {
            "version": Incident.objects.get(pk=incidents.incident.pk).version,
            "kind": IP,
            "transmitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "transmitted_by": head(incidents).pk,
            "recipient": "CRIP de Loire-Atlantique",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    transmission = Transmission.objects.get()
    page = client.get(base).content.decode()
    assert "CRIP de Loire-Atlantique" in page
    assert f"{transmission.evaluation_due:%d/%m/%Y}" in page
    assert f"/signalements/transmissions/{transmission.pk}/suite/" in page


def test_a_refused_transmission_comes_back_at_its_fields(client, incidents):
    login(client, head(incidents))
    response = client.post(
        f"/signalements/{incidents.incident.pk}/transmissions/nouvelle/",
        {
            "version": Incident.objects.get(pk=incidents.incident.pk).version,
            "kind": SIGNALEMENT,
            "transmitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "transmitted_by": head(incidents).pk,
            "recipient": "Procureur de la République",
        },
    )
    assert response.status_code == 422
    assert "copy_to" in response.context["form"].errors
    assert not Transmission.objects.exists()


def test_the_follow_up_page_records_the_receipt_and_the_outcome(client, incidents):
    transmission = transmit(incidents)
    login(client, head(incidents))
    url = f"/signalements/transmissions/{transmission.pk}/suite/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": Incident.objects.get(pk=incidents.incident.pk).version,
            "received_on": timezone.localdate().isoformat(),
            "outcome": Transmission.Outcome.JUDGE_SEIZED,
            "outcome_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    transmission.refresh_from_db()
    assert transmission.outcome == Transmission.Outcome.JUDGE_SEIZED
    assert (
        "Saisine du juge des enfants"
        in client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
    )


def test_a_taken_over_transmission_is_completed_with_its_moment_and_sender(client, incidents):
    """A record from the former qualification checkbox has no moment nor sender: the follow-up
    asks for them, once."""
    transmission = Transmission.objects.create(
        incident=incidents.incident, kind=IP, recipient="CRIP", created_by=head(incidents)
    )
    login(client, head(incidents))
    assert "à compléter" in client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
    with pytest.raises(ValidationError) as refused:
        follow_up(incidents, transmission, received_on=timezone.localdate())
    assert "transmitted_at" in refused.value.message_dict
    at = timezone.now() - datetime.timedelta(minutes=5)
    follow_up(
        incidents,
        transmission,
        transmitted_at=at,
        transmitted_by=head(incidents),
        received_on=timezone.localdate(),
    )
    transmission.refresh_from_db()
    assert (transmission.transmitted_at, transmission.transmitted_by) == (at, head(incidents))


def test_the_reporter_sees_no_transmission(client, incidents):
    transmit(incidents)
    login(client, incidents.users[Role.HOUSE_PARENT])
    content = client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
    assert "CRIP de Loire-Atlantique" not in content
    url = f"/signalements/{incidents.incident.pk}/transmissions/nouvelle/"
    assert client.get(url).status_code == 403


def test_the_national_director_reads_the_transmissions_without_recording_any(client, incidents):
    transmit(incidents)
    login(client, incidents.users[Role.NATIONAL_DIRECTOR])
    content = client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
    assert "CRIP de Loire-Atlantique" in content
    assert "transmissions/nouvelle/" not in content


def test_the_transmission_pages_record_the_read_of_the_children(client, incidents):
    transmission = transmit(incidents)
    login(client, head(incidents))
    client.get(f"/signalements/{incidents.incident.pk}/transmissions/nouvelle/")
    client.get(f"/signalements/transmissions/{transmission.pk}/suite/")
    events = AccessEvent.objects.filter(what="safeguarding.transmission", user=head(incidents))
    assert sorted(events.values_list("person_id", flat=True)) == sorted(
        [incidents.child.pk, incidents.sibling.pk] * 2
    )


def test_the_village_list_flags_an_evaluation_past_its_deadline(client, incidents):
    transmission = transmit(incidents)
    Transmission.objects.filter(pk=transmission.pk).update(
        received_on=D(2025, 1, 10), evaluation_due=D(2025, 4, 10)
    )
    login(client, head(incidents))
    flag = "Évaluation de la CRIP attendue (3 mois)"
    assert flag in client.get(f"/villages/{incidents.village.pk}/signalements/").content.decode()
    assert "en retard" in client.get(f"/signalements/{incidents.incident.pk}/").content.decode()


PAGES = {
    "add": (lambda w, t: f"/signalements/{w.incident.pk}/transmissions/nouvelle/", 8),
    "follow_up": (lambda w, t: f"/signalements/transmissions/{t.pk}/suite/", 7),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_transmission_page_query_count_is_pinned(
    client, incidents, django_assert_num_queries, page
):
    transmission = transmit(incidents)
    login(client, head(incidents))
    client.get("/")
    url, budget = PAGES[page]
    with django_assert_num_queries(budget):
        assert client.get(url(incidents, transmission)).status_code == 200


# The migration of the former checkboxes ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_qualification_checkboxes_become_transmission_records_and_back(world):
    executor = MigrationExecutor(connection)
    before = [("safeguarding", "0004_transmission")]
    # every app's latest migration, not only safeguarding's: going back to 0004 also unapplies
    # the apps that depend on a later safeguarding migration (participation), which the tests
    # that follow on this worker need again
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldIncident = apps.get_model("safeguarding", "Incident")
    Transition = apps.get_model("safeguarding", "IncidentTransition")
    common = {
        "establishment_id": world.village.pk,
        "occurred_at": timezone.now(),
        "place": "Cour",
        "narrative": "Faits",
        "reporter_id": world.users[Role.HOUSE_PARENT].pk,
        "status": "qualified",
        "category": "maltreatment",
        "severity": "serious",
    }
    both = OldIncident.objects.create(information_preoccupante=True, signalement=True, **common)
    Transition.objects.create(incident_id=both.pk, to_status="qualified", author_id=head(world).pk)
    neither = OldIncident.objects.create(**common)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    records = Transmission.objects.order_by("kind")
    assert [(t.incident_id, t.kind) for t in records] == [
        (both.pk, IP),
        (both.pk, SIGNALEMENT),
    ]
    departement = world.village.departement
    assert records[0].recipient == f"CRIP du département ({departement})"
    assert records[1].copy_to == f"Président du conseil départemental ({departement})"
    assert all(t.created_by_id == head(world).pk and t.transmitted_at is None for t in records)
    assert not Transmission.objects.filter(incident_id=neither.pk).exists()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldIncident = apps.get_model("safeguarding", "Incident")
    assert OldIncident.objects.filter(information_preoccupante=True, signalement=True).count() == 1
    assert not OldIncident.objects.filter(pk=neither.pk, information_preoccupante=True).exists()
    MigrationExecutor(connection).migrate(after)
