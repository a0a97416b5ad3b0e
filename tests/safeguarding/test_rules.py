"""The safeguarding workflow, named after its rules: reported → qualified → being handled →
closed (reopening needs a reason), every change recorded, illegal changes refused, optimistic
locking, encryption at rest."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.safeguarding import services
from ancrage.safeguarding.models import Incident, IncidentAction, IncidentTransition

pytestmark = pytest.mark.django_db


def head(world):
    return world.users[Role.HEAD_OF_SERVICE]


def qualify(world, incident, **kwargs):
    values = {"category": "violence_between_children", "severity": "serious"} | kwargs
    return services.qualify_incident(
        incident, expected_version=incident.version, by=head(world), **values
    )


def handled(world):
    incident = qualify(world, world.incident)
    return services.start_handling(incident, expected_version=incident.version, by=head(world))


def test_a_report_starts_reported_with_its_first_transition(incidents):
    incident = incidents.incident
    assert incident.status == Incident.Status.REPORTED
    assert incident.version == 1
    [transition] = incident.transitions.all()
    assert (transition.from_status, transition.to_status) == ("", "reported")
    assert transition.author == incidents.users[Role.HOUSE_PARENT]
    assert {(c.person, c.role) for c in incident.involved.all()} == {
        (incidents.child, "victim"),
        (incidents.sibling, "witness"),
    }


@pytest.mark.parametrize(
    "role",
    [
        Role.HOUSE_PARENT,
        Role.FAMILY_AIDE,
        Role.HEAD_OF_SERVICE,
        Role.CLINICIAN,
        Role.ESTABLISHMENT_DIRECTOR,
    ],
)
def test_any_staff_member_of_the_village_may_report(world, role):
    incident = services.report_incident(
        establishment=world.village,
        occurred_at=timezone.now(),
        place="Cour",
        narrative="Une chute dans l'escalier.",
        by=world.users[role],
    )
    assert incident.reporter == world.users[role]


@pytest.mark.parametrize("role", [Role.NATIONAL_DIRECTOR, Role.FINANCE, Role.O2R_LEAD])
def test_others_may_not_report(world, role):
    with pytest.raises(ValidationError):
        services.report_incident(
            establishment=world.village,
            occurred_at=timezone.now(),
            place="Cour",
            narrative="Une chute.",
            by=world.users[role],
        )


def test_staff_may_not_report_in_another_village(world):
    with pytest.raises(ValidationError):
        services.report_incident(
            establishment=world.other_village,
            occurred_at=timezone.now(),
            place="Cour",
            narrative="Une chute.",
            by=world.users[Role.HOUSE_PARENT],
        )


def test_a_report_needs_when_where_and_what_and_saves_nothing_otherwise(world):
    with pytest.raises(ValidationError) as refused:
        services.report_incident(
            establishment=world.village,
            occurred_at=timezone.now() + datetime.timedelta(days=1),
            place=" ",
            narrative="",
            by=world.users[Role.HOUSE_PARENT],
        )
    assert set(refused.value.message_dict) == {"occurred_at", "place", "narrative"}
    assert not Incident.objects.exists()


def test_children_are_chosen_among_those_the_reporter_may_name(world):
    with pytest.raises(ValidationError) as refused:
        services.report_incident(
            establishment=world.village,
            occurred_at=timezone.now(),
            place="Cour",
            narrative="Une bagarre.",
            children=[(world.outsider, "victim")],
            allowed_children=[world.child],
            by=world.users[Role.HOUSE_PARENT],
        )
    assert "children" in refused.value.message_dict
    assert not Incident.objects.exists()


def test_each_transition_is_recorded(incidents):
    incident = qualify(incidents, incidents.incident, serious_malfunction_to_declare=True)
    assert incident.status == "qualified" and incident.serious_malfunction_to_declare
    incident = services.start_handling(
        incident, expected_version=incident.version, by=head(incidents)
    )
    services.add_action(
        incident,
        expected_version=incident.version,
        what="Entretien avec les parents",
        owner=head(incidents),
        by=head(incidents),
    )
    incident.refresh_from_db()
    incident = services.close_incident(
        incident,
        expected_version=incident.version,
        outcome="Mesures éducatives",
        by=head(incidents),
    )
    assert incident.status == "closed" and incident.outcome == "Mesures éducatives"
    incident = services.reopen_incident(
        incident,
        expected_version=incident.version,
        reason="Nouveaux faits rapportés par l'école",
        by=head(incidents),
    )
    assert incident.status == "being_handled"
    assert list(incident.transitions.values_list("from_status", "to_status", "reason")) == [
        ("", "reported", ""),
        ("reported", "qualified", ""),
        ("qualified", "being_handled", ""),
        ("being_handled", "closed", "Mesures éducatives"),
        ("closed", "being_handled", "Nouveaux faits rapportés par l'école"),
    ]
    assert incident.version == 6  # every write moved it on (the action too)


@pytest.mark.parametrize("service", ["start_handling", "close_incident", "reopen_incident"])
def test_illegal_transitions_are_refused_in_french(incidents, service):
    incident = incidents.incident  # still "reported"
    extra = {"outcome": "x"} if service == "close_incident" else {}
    extra |= {"reason": "Une raison"} if service == "reopen_incident" else {}
    with pytest.raises(ValidationError) as refused:
        getattr(services, service)(
            incident, expected_version=incident.version, by=head(incidents), **extra
        )
    assert "ne peut pas passer" in " ".join(refused.value.messages)
    incident.refresh_from_db()
    assert incident.status == "reported" and incident.version == 1
    assert incident.transitions.count() == 1


def test_a_closed_incident_is_closed_with_an_outcome(incidents):
    incident = handled(incidents)
    with pytest.raises(ValidationError) as refused:
        services.close_incident(
            incident, expected_version=incident.version, outcome="  ", by=head(incidents)
        )
    assert "outcome" in refused.value.message_dict


def test_reopening_needs_a_reason(incidents):
    incident = handled(incidents)
    incident = services.close_incident(
        incident, expected_version=incident.version, outcome="Classé", by=head(incidents)
    )
    with pytest.raises(ValidationError) as refused:
        services.reopen_incident(
            incident, expected_version=incident.version, reason="", by=head(incidents)
        )
    assert refused.value.message_dict["reason"] == ["Indiquez pourquoi le signalement est rouvert."]
    incident.refresh_from_db()
    assert incident.status == "closed"


def test_qualifying_needs_a_category_and_a_severity(incidents):
    with pytest.raises(ValidationError) as refused:
        services.qualify_incident(
            incidents.incident,
            expected_version=1,
            category="",
            severity="apocalyptic",
            by=head(incidents),
        )
    assert set(refused.value.message_dict) == {"category", "severity"}


@pytest.mark.parametrize("role", [Role.HOUSE_PARENT, Role.CLINICIAN, Role.NATIONAL_DIRECTOR])
def test_only_the_head_of_service_and_the_director_qualify(incidents, role):
    with pytest.raises(ValidationError):
        services.qualify_incident(
            incidents.incident,
            expected_version=1,
            category="other",
            severity="minor",
            by=incidents.users[role],
        )


def test_the_director_qualifies_too(incidents):
    incident = services.qualify_incident(
        incidents.incident,
        expected_version=1,
        category="disappearance",
        severity="critical",
        serious_malfunction_to_declare=True,
        by=incidents.users[Role.ESTABLISHMENT_DIRECTOR],
    )
    director = incidents.users[Role.ESTABLISHMENT_DIRECTOR]
    services.record_transmission(
        incident,
        expected_version=incident.version,
        kind="signalement",
        transmitted_at=timezone.now(),
        transmitted_by=director,
        recipient="Procureur de la République de Nantes",
        copy_to="Président du conseil départemental",
        by=director,
    )
    assert incident.status == "qualified" and incident.transmissions.get().kind == "signalement"


def test_a_second_writer_with_the_same_version_is_refused_and_nothing_is_overwritten(incidents):
    first = Incident.objects.get(pk=incidents.incident.pk)
    second = Incident.objects.get(pk=incidents.incident.pk)
    qualify(incidents, first, category="maltreatment", severity="critical")
    with pytest.raises(ValidationError) as refused:
        services.qualify_incident(
            second,
            expected_version=second.version,
            category="other",
            severity="minor",
            by=incidents.users[Role.ESTABLISHMENT_DIRECTOR],
        )
    assert refused.value.messages == [
        "Quelqu'un a modifié ce signalement entre-temps : rechargez la page."
    ]
    stored = Incident.objects.get(pk=incidents.incident.pk)
    assert (stored.category, stored.severity, stored.version) == ("maltreatment", "critical", 2)
    assert IncidentTransition.objects.filter(incident=stored).count() == 2


def test_a_stale_action_is_refused(incidents):
    incident = handled(incidents)
    with pytest.raises(ValidationError):
        services.add_action(
            incident,
            expected_version=incident.version - 1,
            what="Appeler l'ASE",
            owner=head(incidents),
            by=head(incidents),
        )
    assert not IncidentAction.objects.exists()


def test_the_narrative_is_encrypted_at_rest(incidents):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT narrative, immediate_measures, adults_involved FROM safeguarding_incident "
            "WHERE id = %s",
            [incidents.incident.pk],
        )
        narrative, measures, adults = cursor.fetchone()
    assert "bousculée" not in narrative and narrative.startswith("gAAAA")  # a Fernet token
    assert "infirmière" not in measures
    assert "intervenant" not in adults
    # and the application reads it back
    assert Incident.objects.get(pk=incidents.incident.pk).narrative.startswith("Léa a été")


def test_a_rotated_salt_still_decrypts_and_reencrypts(incidents, settings):
    from django.core.management import call_command

    from ancrage.safeguarding.models import Incident as Model

    fields = [
        Model._meta.get_field(n) for n in ("narrative", "immediate_measures", "adults_involved")
    ]

    def forget_keys():
        for field in fields:
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)

    old = list(settings.SALT_KEY)
    try:
        settings.SALT_KEY = ["nouveau-sel-de-test-pour-la-rotation-2026", *old]
        forget_keys()
        assert Model.objects.get(pk=incidents.incident.pk).narrative.startswith("Léa")
        call_command("reencrypt_incidents", stdout=open("/dev/null", "w"))  # noqa: SIM115
        settings.SALT_KEY = ["nouveau-sel-de-test-pour-la-rotation-2026"]
        forget_keys()
        assert Model.objects.get(pk=incidents.incident.pk).narrative.startswith("Léa")
    finally:
        settings.SALT_KEY = old
        forget_keys()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_writers_exactly_one_wins(incidents):
    """Two connections qualify the same incident from the same version at the same moment: the
    row lock makes the second wait, then see the new version and be refused."""
    import threading

    from django.db import connections

    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    outcomes = {}

    def write(role, category):
        try:
            barrier.wait(timeout=10)
            services.qualify_incident(
                Incident.objects.get(pk=incidents.incident.pk),
                expected_version=1,
                category=category,
                severity="serious",
                by=incidents.users[role],
            )
            outcomes[role] = "ok"
        except ValidationError as error:
            outcomes[role] = error.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=(Role.HEAD_OF_SERVICE, "maltreatment")),
        threading.Thread(target=write, args=(Role.ESTABLISHMENT_DIRECTOR, "other")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == [
        "Quelqu'un a modifié ce signalement entre-temps : rechargez la page.",
        "ok",
    ]
    stored = Incident.objects.get(pk=incidents.incident.pk)
    assert stored.version == 2
    assert stored.transitions.count() == 2
