"""The retention pages: rules with their legal basis, holds placed and lifted by a director,
a dry run started, read and approved; the job page follows the work."""

import datetime

from django.urls import reverse

from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_months
from ancrage.kernel.jobs import run_job
from ancrage.kernel.models import Job
from ancrage.placements.models import Stay
from ancrage.privacy.models import FileStatus, Hold, RetentionRun, SubjectRequest
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory


def left_long_ago(world):
    child = PersonFactory(first_names="Maëlys", last_name="Garnier")
    StayFactory(
        child=child,
        unit=world.house,
        start_date=datetime.date(2015, 1, 5),
        end_date=add_months(datetime.date.today(), -30),
        exit_reason=Stay.ExitReason.RETURN_TO_FAMILY,
    )
    return child


def test_rules_page_shows_each_rule_beside_its_legal_basis(
    client, world, django_assert_max_num_queries
):
    login(client, world.users[Role.DPO])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:rules"))
    page = response.content.decode()
    assert "Dossier de l&#x27;enfant accueilli" in page or "Dossier de l'enfant accueilli" in page
    assert "2022-008" in page and "2021-028" in page


def test_director_places_and_lifts_a_hold(client, world, django_assert_max_num_queries):
    gone = left_long_ago(world)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.post(
        reverse("privacy:hold_add"),
        {
            "reference": gone.reference.lower(),
            "establishment": world.village.pk,
            "reason": "Contentieux.",
        },
    )
    assert response.status_code == 302
    hold = Hold.objects.get(person=gone)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("privacy:holds")).content.decode()
    assert gone.reference in page and "Garnier" not in page
    response = client.post(reverse("privacy:hold_lift", args=[hold.pk]), {"lift_reason": ""})
    assert "Ce champ est obligatoire" in response.content.decode()
    client.post(reverse("privacy:hold_lift", args=[hold.pk]), {"lift_reason": "Affaire jugée."})
    hold.refresh_from_db()
    assert hold.lifted_at and hold.lift_reason == "Affaire jugée."


def test_a_hold_on_a_file_out_of_scope_is_refused_at_the_field(client, world):
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.post(
        reverse("privacy:hold_add"),
        {
            "reference": world.stranger.reference,
            "establishment": world.village.pk,
            "reason": "Juge.",
        },
    )
    assert "Aucun dossier que vous suivez ne porte cette référence." in response.content.decode()
    assert not Hold.objects.exists()


def test_dry_run_started_read_and_approved_through_the_pages(
    client, world, django_assert_max_num_queries
):
    gone = left_long_ago(world)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.post(reverse("privacy:run_start"))
    job = Job.objects.get()
    assert response["Location"] == reverse("web:job", args=[job.pk])
    run_job.call(str(job.pk))
    run = RetentionRun.objects.get()
    assert run.state == RetentionRun.State.PROPOSED
    with django_assert_max_num_queries(12):
        page = client.get(reverse("privacy:run", args=[run.pk])).content.decode()
    assert gone.reference in page and "Garnier" not in page
    assert "Approuver et exécuter" in page
    login(client, world.users[Role.DPO])
    # Anonymising cannot be undone: the button first says what will happen.
    response = client.post(reverse("privacy:run_approve", args=[run.pk]))
    assert response.status_code == 200
    assert "personne ne pourra plus les retrouver" in response.content.decode()
    run.refresh_from_db()
    assert run.state == RetentionRun.State.PROPOSED
    response = client.post(reverse("privacy:run_approve", args=[run.pk]), {"confirmed": "1"})
    run.refresh_from_db()
    assert response["Location"] == reverse("web:job", args=[run.run_job_id])
    run_job.call(str(run.run_job_id))
    run.refresh_from_db()
    assert run.state == RetentionRun.State.DONE
    assert FileStatus.objects.get(person=gone).state == FileStatus.State.ARCHIVED
    page = client.get(reverse("privacy:run", args=[run.pk])).content.decode()
    assert "1 dossier archivé" in page


def test_director_sees_only_the_lines_of_their_village(client, world):
    run = RetentionRun.objects.create(
        organisation=world.organisation,
        started_by=world.users[Role.DPO],
        state=RetentionRun.State.PROPOSED,
        plan=[
            {
                "person": 1,
                "reference": "P-MINEMINE",
                "establishment_id": world.village.pk,
                "establishment": "A",
                "frameworks": [],
                "last_contact": None,
                "due_on": None,
                "outcome": "archive",
                "protected_by": [],
            },
            {
                "person": 2,
                "reference": "P-NOTMINE1",
                "establishment_id": world.other_village.pk,
                "establishment": "B",
                "frameworks": [],
                "last_contact": None,
                "due_on": None,
                "outcome": "archive",
                "protected_by": [],
            },
        ],
    )
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    page = client.get(reverse("privacy:run", args=[run.pk])).content.decode()
    assert "P-MINEMINE" in page and "P-NOTMINE1" not in page
    login(client, world.users[Role.DPO])
    page = client.get(reverse("privacy:run", args=[run.pk])).content.decode()
    assert "P-MINEMINE" in page and "P-NOTMINE1" in page


def test_access_request_recorded_reviewed_and_exported_through_the_pages(
    client, world, case_files, django_assert_max_num_queries
):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    login(client, world.users[Role.DPO])
    response = client.post(
        reverse("privacy:request_add"),
        {
            "kind": "access",
            "reference": world.child.reference,
            "establishment": world.village.pk,
            "requester_name": "Sandrine Martin",
            "requester_quality": "parent",
            "received_on": "2026-01-31",
            "identity_check": "Carte nationale d'identité",
        },
    )
    subject_request = SubjectRequest.objects.get()
    assert response["Location"] == reverse("privacy:request", args=[subject_request.pk])
    assert subject_request.due_on == datetime.date(2026, 2, 28)
    with django_assert_max_num_queries(12):
        page = client.get(response["Location"]).content.decode()
    assert world.child.reference in page and "Léa" not in page
    with django_assert_max_num_queries(12):
        client.get(reverse("privacy:requests"))
    client.post(
        reverse("privacy:request_extend", args=[subject_request.pk]),
        {"extension_reason": "Dossier volumineux."},
    )
    subject_request.refresh_from_db()
    assert subject_request.due_on == datetime.date(2026, 4, 30)
    login(client, director)
    client.post(reverse("privacy:request_review", args=[subject_request.pk]))
    response = client.post(reverse("privacy:request_export", args=[subject_request.pk]))
    job = Job.objects.get(kind="subject_access_export")
    assert response["Location"] == reverse("web:job", args=[job.pk])
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    response = client.get(reverse("web:job_file", args=[job.pk]))
    assert response["Content-Type"] == "application/zip"


def test_request_for_a_person_out_of_scope_answers_404(client, world):
    from ancrage.privacy.models import SubjectRequest as Request

    other = Request.objects.create(
        person=world.stranger,
        establishment=world.foreign_village,
        requester_name="Demandeur",
        requester_quality="self",
        received_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 2, 5),
        identity_check="Passeport",
        identity_checked_by=world.users[Role.DPO],
    )
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert client.get(reverse("privacy:request", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("privacy:request_add"),
        {
            "kind": "access",
            "reference": world.stranger.reference,
            "establishment": world.village.pk,
            "requester_name": "X",
            "requester_quality": "self",
            "received_on": "2026-01-31",
            "identity_check": "Passeport",
        },
    )
    assert "Aucun dossier de votre périmètre ne porte cette référence" in response.content.decode()


def test_rectification_answered_through_the_pages(client, world, django_assert_num_queries):
    from ancrage.privacy import requests

    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    subject_request = requests.record_request(
        director,
        reference=world.child.reference,
        establishment=world.village,
        kind="rectification",
        requester_name="Sandrine Martin",
        requester_quality="parent",
        received_on=datetime.date.today(),
        identity_check="Passeport",
    )
    requests.review_request(director, subject_request)
    login(client, director)
    url = reverse("privacy:request_decide", args=[subject_request.pk])
    page = client.post(url, {"decision": "granted", "decision_reason": ""}).content.decode()
    assert "Ce champ est obligatoire" in page
    response = client.post(url, {"decision": "partly", "decision_reason": "Adresse corrigée."})
    assert response.status_code == 302
    with django_assert_num_queries(6):
        page = client.get(reverse("privacy:request", args=[subject_request.pk])).content.decode()
    assert "Accordée en partie" in page and "Adresse corrigée." in page
    subject_request.refresh_from_db()
    assert subject_request.state == SubjectRequest.State.ANSWERED
