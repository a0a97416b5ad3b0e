"""Requests about one's data: recorded with the identity check, due within a month (three with
a reason), reviewed by the director, then exported as a ZIP with every section."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from ancrage.care.models.journal import JournalEntry
from ancrage.kernel import personal_data
from ancrage.kernel.access import Role
from ancrage.kernel.audit import record_access
from ancrage.kernel.jobs import run_job
from ancrage.kernel.models import AccessEvent, Job
from ancrage.privacy import requests
from ancrage.privacy.models import SubjectRequest


def record(world, user=None, reference=None, **fields):
    return requests.record_request(
        user or world.users[Role.ESTABLISHMENT_DIRECTOR],
        reference=reference or world.child.reference,
        establishment=fields.pop("establishment", world.village),
        kind=fields.pop("kind", "access"),
        requester_name="Sandrine Martin",
        requester_quality="parent",
        received_on=fields.pop("received_on", datetime.date(2026, 1, 31)),
        identity_check="Carte nationale d'identité",
        **fields,
    )


def test_answer_due_within_one_month_of_receipt(world):
    request = record(world)
    assert request.due_on == datetime.date(2026, 2, 28)  # end-of-month rule


def test_extended_to_three_months_with_a_reason(world):
    request = record(world)
    with pytest.raises(ValidationError):
        requests.extend_request(world.users[Role.DPO], request, "")
    request = requests.extend_request(world.users[Role.DPO], request, "Dossier volumineux.")
    assert request.due_on == datetime.date(2026, 4, 30)
    with pytest.raises(ValidationError):
        requests.extend_request(world.users[Role.DPO], request, "Encore.")


def test_request_for_a_person_out_of_scope_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        record(world, reference=world.stranger.reference)
    assert "reference" in refused.value.message_dict


def test_dpo_records_a_request_for_a_file_of_the_organisation(world):
    request = record(world, user=world.users[Role.DPO])
    assert request.identity_checked_by == world.users[Role.DPO]


def test_only_the_director_of_the_establishment_reviews(world):
    request = record(world, user=world.users[Role.DPO])
    with pytest.raises(ValidationError):
        requests.review_request(world.users[Role.DPO], request)
    with pytest.raises(ValidationError):
        requests.start_export(world.users[Role.DPO], request)
    request = requests.review_request(world.users[Role.ESTABLISHMENT_DIRECTOR], request)
    assert request.state == SubjectRequest.State.APPROVED


def test_export_contains_each_section(world, case_files, incidents):
    JournalEntry.objects.create(
        house=world.house,
        child=world.child,
        text="Léa a dessiné toute la soirée.",
        author=world.users[Role.HOUSE_PARENT],
    )
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    request = requests.review_request(director, record(world))
    job = requests.start_export(director, request)
    run_job.call(str(job.pk))
    job = Job.objects.get(pk=job.pk)
    assert job.state == Job.State.DONE, job.failure
    archive = zipfile.ZipFile(io.BytesIO(default_storage.open(job.file).read()))
    assert sorted(archive.namelist()) == ["donnees.json", "synthese.pdf"]
    assert archive.read("synthese.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("donnees.json"))
    sections = data["sections"]
    assert set(sections) == {exporter.name for exporter in personal_data.exporters()}
    assert {
        "identity",
        "family",
        "stays",
        "measures",
        "ppe",
        "situation_reports",
        "journal",
        "appointments",
        "o2r",
        "incidents",
        "access_log",
    } <= set(sections)
    assert sections["identity"]["records"][0]["last_name"] == "Martin"
    assert sections["stays"]["records"]
    assert sections["measures"]["records"]
    assert sections["journal"]["records"][0]["text"] == "Léa a dessiné toute la soirée."
    [incident] = sections["incidents"]["records"]
    assert incident["autres personnes impliquées"] == [{"rôle": "Témoin", "nom": "[tiers]"}]
    # The brother involved in the incident is a third party there: his name is not in it.
    assert "Hugo" not in json.dumps(sections["incidents"], ensure_ascii=False)
    assert AccessEvent.objects.filter(
        person=world.child, what="privacy.subject_export", user=director
    ).exists()
    assert SubjectRequest.objects.get(pk=request.pk).state == SubjectRequest.State.ANSWERED


def test_rectification_decided_after_review_with_its_reason(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    request = record(world, kind="rectification", details="Son nom s'écrit Martyn.")
    with pytest.raises(ValidationError):
        requests.decide_request(director, request, "granted", "Nom corrigé.")  # not reviewed
    request = requests.review_request(director, request)
    with pytest.raises(ValidationError) as refused:
        requests.decide_request(director, request, "granted", "  ")
    assert "decision_reason" in refused.value.message_dict
    request = requests.decide_request(director, request, "granted", "Nom corrigé en Martyn.")
    assert request.state == SubjectRequest.State.ANSWERED
    assert (request.decision, request.decided_by) == ("granted", director)
    assert AccessEvent.objects.filter(person=world.child, what="privacy.request_decide").exists()
    with pytest.raises(ValidationError):
        requests.decide_request(director, request, "refused", "Changement d'avis.")


def test_objection_refused_says_why(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    request = requests.review_request(director, record(world, kind="objection"))
    request = requests.decide_request(
        director,
        request,
        "refused",
        "Traitement nécessaire à l'exécution de la mesure confiée par le juge (art. 21.1).",
    )
    assert request.get_decision_display() == "Refusée"


def test_an_access_request_is_answered_by_its_export_not_a_decision(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    request = requests.review_request(director, record(world))
    with pytest.raises(ValidationError):
        requests.decide_request(director, request, "granted", "Envoyé.")


def test_request_answered_after_its_due_date_is_late(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    request = requests.review_request(
        director, record(world, kind="objection", received_on=datetime.date(2026, 1, 31))
    )
    assert request.late  # due 28 February 2026, unanswered since
    request = requests.decide_request(director, request, "granted", "Plus de photos.")
    assert request.late  # answered today, after the due date


# A staff member known only by their account -----------------------------------------------------


def test_staff_account_without_a_file_is_the_subject_of_an_access_request(world):
    """An employee without a person record asks for their data: the request names their
    account, and the export holds the account, its memberships, its staff entries, contracts
    and time sheets, and the log of its own actions (the files it read not named)."""
    employee = world.users[Role.HOUSE_PARENT]
    assert employee.person_id is None
    record_access(employee, [world.child.pk], "web.person", AccessEvent.Action.VIEW)
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    request = record(world, reference=employee.username)
    assert (request.person, request.account) == (None, employee)
    assert request.subject_label == employee.username
    request = requests.review_request(director, request)
    job = requests.start_export(director, request)
    run_job.call(str(job.pk))
    job = Job.objects.get(pk=job.pk)
    assert job.state == Job.State.DONE, job.failure
    archive = zipfile.ZipFile(io.BytesIO(default_storage.open(job.file).read()))
    sections = json.loads(archive.read("donnees.json"))["sections"]
    assert set(sections) == {e.name for e in personal_data.account_exporters()}
    assert {"account", "memberships", "own_actions", "staff", "accounting"} <= set(sections)
    assert sections["account"]["records"][0]["identifiant"] == employee.username
    roles = [row.get("role") for row in sections["memberships"]["records"]]
    assert str(Role.HOUSE_PARENT.label) in roles
    [read] = [r for r in sections["own_actions"]["records"] if "action" in r]
    assert world.child.reference not in json.dumps(read) and "Martin" not in json.dumps(read)
    assert archive.read("synthese.pdf").startswith(b"%PDF")
    assert SubjectRequest.objects.get(pk=request.pk).state == SubjectRequest.State.ANSWERED


def test_account_request_refused_for_an_account_out_of_scope_or_with_a_file(world):
    with pytest.raises(ValidationError) as refused:
        record(world, reference="personne-inconnue")
    assert "reference" in refused.value.message_dict
    youth = world.users[Role.YOUTH]  # her account has her file: the request names the file
    with pytest.raises(ValidationError):
        record(world, reference=youth.username)
