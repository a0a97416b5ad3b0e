"""The retention run: a dry run approved by a director or the DPO, then the run, which computes
again, acts file by file in one transaction each, resumes after an interruption and purges the
traces by their own rules."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from ancrage.accounts.models import Membership, User
from ancrage.care.models.journal import JournalEntry
from ancrage.kernel import personal_data
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.kernel.jobs import run_job
from ancrage.kernel.models import AccessEvent, Job
from ancrage.kernel.personal_data import ANONYMOUS_NAME
from ancrage.participation.models import Council, CouncilMember
from ancrage.people.models import FamilyLink, Person
from ancrage.people.services import link_relatives
from ancrage.placements.models import MeasureDocument, ProtectionMeasure, Stay
from ancrage.privacy import jobs, services
from ancrage.privacy.models import FileStatus, RetentionRun
from ancrage.privacy.services import approve_run
from tests.people.factories import PersonFactory, StayFactory
from tests.placements.factories import tiny_pdf, upload

TODAY = timezone.localdate()


def left_long_ago(world, **person):
    child = PersonFactory(**person)
    StayFactory(
        child=child,
        unit=world.house,
        start_date=datetime.date(2015, 1, 5),
        end_date=add_months(TODAY, -30),
        exit_reason=Stay.ExitReason.RETURN_TO_FAMILY,
        exit_note="Retour chez sa grand-mère à Nantes.",
    )
    return child


def dry_run(user):
    run = jobs.start_dry_run(
        user,
        user.memberships.get().organisation_id
        or user.memberships.get().establishment.organisation_id,
    )
    run_job.call(str(run.dry_run_job.pk))
    run.refresh_from_db()
    return run


def approve(user, run):
    run = jobs.approve_and_run(user, run)
    run_job.call(str(run.run_job.pk))
    run.refresh_from_db()
    return run


def test_dry_run_lists_references_counts_and_what_will_happen(world):
    gone = left_long_ago(world)
    run = dry_run(world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert run.state == RetentionRun.State.PROPOSED
    [line] = [line for line in run.plan if line["person"] == gone.pk]
    assert line["reference"] == gone.reference
    assert line["outcome"] == "archive"
    assert line["establishment"] == world.village.name
    assert jobs.summary(run.plan) == [
        {"establishment": world.village.name, "what": "archive", "count": 1}
    ]
    job = Job.objects.get(pk=run.dry_run_job.pk)
    assert job.state == Job.State.DONE
    content = default_storage.open(job.file).read().decode("utf-8-sig")
    assert gone.reference in content and gone.last_name not in content
    # The dry run changed nothing.
    assert not FileStatus.objects.exists()


def test_approved_run_archives_the_files_of_the_dry_run(world):
    gone = left_long_ago(world)
    run = approve(world.users[Role.DPO], dry_run(world.users[Role.ESTABLISHMENT_DIRECTOR]))
    assert run.state == RetentionRun.State.DONE
    assert run.approved_by == world.users[Role.DPO]
    assert FileStatus.objects.get(person=gone).state == FileStatus.State.ARCHIVED
    assert run.results["counts"] == {"archive": 1, "anonymise": 0}


def test_only_a_proposed_dry_run_is_approved(world):
    run = RetentionRun.objects.create(
        started_by=world.users[Role.DPO], organisation=world.organisation
    )
    with pytest.raises(ValidationError):
        approve_run(world.users[Role.DPO], run)


def test_run_acts_on_its_own_computation_not_the_stale_dry_run(world):
    gone = left_long_ago(world)
    back = left_long_ago(world)
    run = dry_run(world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert {gone.pk, back.pk} <= {line["person"] for line in run.plan}
    # Between the dry run and the run, the young person called the house.
    JournalEntry.objects.create(
        house=world.house,
        child=back,
        text="Appel pour donner des nouvelles.",
        author=world.users[Role.HOUSE_PARENT],
    )
    late = left_long_ago(world)  # due now, but not in the approved dry run
    approve(world.users[Role.DPO], run)
    assert FileStatus.objects.filter(person=gone).exists()
    assert not FileStatus.objects.filter(person=back).exists()
    assert not FileStatus.objects.filter(person=late).exists()


def anonymise_o2r_rule():
    from ancrage.privacy.models import RetentionRule

    RetentionRule.objects.filter(code="child_file").update(outcome="anonymise", archive_months=None)


def test_anonymisation_erases_names_contacts_texts_and_documents_and_keeps_the_counts(
    world, django_capture_on_commit_callbacks
):
    anonymise_o2r_rule()
    gone = left_long_ago(
        world,
        first_names="Capucine",
        last_name="Verdier",
        birth_date=datetime.date(2009, 7, 14),
        phone="06 12 34 56 78",
        email="capucine@example.org",
        address="3 rue des Lilas",
    )
    link_relatives(
        gone, PersonFactory(first_names="Gabrielle", last_name="Lambert"), FamilyLink.Kind.MOTHER
    )
    measure = ProtectionMeasure.objects.create(
        child=gone,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        ase_referent_name="Mme Referente",
        start_date=datetime.date(2015, 1, 5),
        end_date=add_months(TODAY, -30),
        created_by=world.users[Role.HEAD_OF_SERVICE],
    )
    from ancrage.placements.services import attach_document

    document = attach_document(
        measure,
        "judgment",
        upload("jugement.pdf", tiny_pdf()),
        by=world.users[Role.HEAD_OF_SERVICE],
    )
    JournalEntry.objects.create(
        house=world.house,
        child=gone,
        text="Capucine a bien mangé.",
        author=world.users[Role.HOUSE_PARENT],
        written_at=timezone.now() - datetime.timedelta(days=1000),
    )
    reference = gone.reference
    stored = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        approve(world.users[Role.DPO], dry_run(world.users[Role.ESTABLISHMENT_DIRECTOR]))

    person = Person.objects.get(pk=gone.pk)
    assert (person.first_names, person.last_name) == ("", "Anonyme")
    assert person.birth_date == datetime.date(2009, 1, 1)
    assert (person.phone, person.email, person.address) == ("", "", "")
    assert person.reference != reference
    assert not Person.objects.search("Verdier").filter(pk=gone.pk).exists()
    assert not FamilyLink.objects.filter(person=gone).exists()
    assert not JournalEntry.objects.filter(child=gone).exists()
    assert not MeasureDocument.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(stored)
    assert ProtectionMeasure.objects.get(pk=measure.pk).ase_referent_name == ""
    stay = Stay.objects.get(child=gone)
    assert stay.exit_note == ""
    # The aggregates still count the record.
    assert Stay.objects.filter(child=gone).count() == 1
    assert ProtectionMeasure.objects.filter(child=gone).count() == 1
    # The change audit keeps no copy of the names.
    assert not LogEntry.objects.filter(changes_text__contains="Verdier").exists()
    assert not LogEntry.objects.filter(object_repr__contains="Verdier").exists()
    assert not LogEntry.objects.filter(object_repr__contains="Capucine").exists()
    assert FileStatus.objects.get(person=gone).state == FileStatus.State.ANONYMISED


def test_interrupted_run_never_leaves_half_a_file_and_resumes(world):
    anonymise_o2r_rule()
    first = left_long_ago(world, last_name="Premier")
    second = left_long_ago(world, last_name="Second")
    run = dry_run(world.users[Role.ESTABLISHMENT_DIRECTOR])
    seen = []

    def breaks_on_second(person_id):
        # The machine is lost while the second file is being anonymised.
        seen.append(person_id)
        if len(set(seen)) == 2:
            raise RuntimeError("machine lost")
        return []

    personal_data.register_anonymiser(personal_data.Anonymiser("zz_breaks", breaks_on_second))
    try:
        run = jobs.approve_and_run(world.users[Role.DPO], run)
        with pytest.raises(RuntimeError):
            run_job.call(str(run.run_job.pk))
    finally:
        personal_data._anonymisers.pop("zz_breaks")
    job = Job.objects.get(pk=run.run_job.pk)
    assert job.state == Job.State.FAILED
    statuses = dict(FileStatus.objects.values_list("person_id", "state"))
    done, broken = seen[0], seen[-1]
    names = {first.pk: "Premier", second.pk: "Second"}
    # Every file is whole: one done, the other untouched (its names are still there).
    assert statuses.get(done) == FileStatus.State.ANONYMISED
    assert broken not in statuses
    assert Person.objects.get(pk=broken).last_name == names[broken]
    # Relaunched, it goes on where it stopped.
    from ancrage.kernel.jobs import relaunch_job

    relaunch_job(world.users[Role.DPO], job)
    run_job.call(str(job.pk))
    assert Person.objects.get(pk=broken).last_name == "Anonyme"
    run.refresh_from_db()
    assert run.state == RetentionRun.State.DONE
    assert run.results["counts"]["anonymise"] == 2


def test_log_purge_at_12_months(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    now = timezone.now()
    old = AccessEvent.objects.create(
        user=director,
        person=world.child,
        action="view",
        what="web.person",
        at=now - datetime.timedelta(days=370),
    )
    recent = AccessEvent.objects.create(
        user=director,
        person=world.child,
        action="view",
        what="web.person",
        at=now - datetime.timedelta(days=360),
    )
    approve(world.users[Role.DPO], dry_run(director))
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
    assert AccessEvent.objects.filter(pk=recent.pk).exists()


@override_settings(ACCESS_LOG_RETENTION_MONTHS=6)
def test_log_purge_follows_the_configured_period(world):
    from ancrage.privacy.services import purge_traces

    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    seven_months = AccessEvent.objects.create(
        user=director,
        person=world.child,
        action="view",
        what="web.person",
        at=timezone.now() - datetime.timedelta(days=214),
    )
    purged = purge_traces()
    assert purged["access_events"] >= 1
    assert not AccessEvent.objects.filter(pk=seven_months.pk).exists()


def test_change_audit_is_kept_by_its_own_rule(world):
    from ancrage.privacy.services import purge_traces

    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    entry = LogEntry.objects.filter(object_repr__contains="Martin").first()
    LogEntry.objects.filter(pk=entry.pk).update(
        timestamp=timezone.now() - datetime.timedelta(days=400)
    )
    AccessEvent.objects.create(
        user=director,
        person=world.child,
        action="view",
        what="web.person",
        at=timezone.now() - datetime.timedelta(days=400),
    )
    purged = purge_traces()
    assert purged["access_events"] == 1
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    LogEntry.objects.filter(pk=entry.pk).update(
        timestamp=timezone.now() - datetime.timedelta(days=61 * 31)
    )
    purge_traces()
    assert not LogEntry.objects.filter(pk=entry.pk).exists()


def test_access_log_period_outside_6_to_12_months_refused_at_startup():
    import os
    import subprocess
    import sys

    for value in ("5", "13", "douze"):
        result = subprocess.run(
            [sys.executable, "-c", "import ancrage.settings"],
            env={**os.environ, "ACCESS_LOG_RETENTION_MONTHS": value},
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert (
            "ACCESS_LOG_RETENTION_MONTHS must be a number of months from 6 to 12" in result.stderr
        )
    assert add_days(TODAY, 0) == TODAY


def test_nightly_pass_purges_the_log_and_proposes_one_dry_run_per_organisation(world):
    from django.core.management import call_command

    gone = left_long_ago(world)
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    AccessEvent.objects.create(
        user=director,
        person=world.child,
        action="view",
        what="web.person",
        at=timezone.now() - datetime.timedelta(days=400),
    )
    call_command("retention", verbosity=0)
    assert not AccessEvent.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=380))
    run = RetentionRun.objects.get(organisation=world.organisation)
    assert run.state == RetentionRun.State.PROPOSED and run.started_by is None
    assert gone.pk in {line["person"] for line in run.plan}
    assert RetentionRun.objects.filter(organisation=world.other_organisation).exists()
    # The next night proposes nothing more while a dry run waits for approval.
    call_command("retention", verbosity=0)
    assert RetentionRun.objects.filter(organisation=world.organisation).count() == 1


# Records that name someone without being a file ---------------------------------------------


def test_council_member_anonymised_five_years_after_the_end_of_the_term(world):
    """Rule `council_member`: the name of a member named without a file is replaced once the
    term ended more than the rule's months ago; a member whose term ended since is kept."""
    council = Council.objects.create(
        establishment=world.village, founded_on=add_months(timezone.localdate(), -120)
    )
    today = timezone.localdate()
    old = CouncilMember.objects.create(
        council=council,
        college="families",
        name="Sandrine Martin",
        term_start=add_months(today, -100),
        term_end=add_months(today, -61),
    )
    recent = CouncilMember.objects.create(
        council=council,
        college="families",
        name="Paul Durand",
        term_start=add_months(today, -80),
        term_end=add_months(today, -59),
    )
    counts = services.anonymise_past_records(world.village.organisation_id, today)
    assert counts["council_members"] == 1
    assert CouncilMember.objects.get(pk=old.pk).name == ANONYMOUS_NAME
    assert CouncilMember.objects.get(pk=recent.pk).name == "Paul Durand"
    assert (
        services.anonymise_past_records(world.village.organisation_id, today)["council_members"]
        == 0
    )


def test_staff_account_without_a_file_anonymised_after_the_staff_rule_from_its_departure(world):
    """Rule `staff_file` (60 months after departure) applies to an account without a person
    record from the end of its last membership: anonymised and closed; one still in post, or
    gone since, is kept."""
    today = timezone.localdate()
    gone = world.users[Role.HOUSE_PARENT]
    Membership.objects.filter(user=gone).update(
        start_date=add_months(today, -120), end_date=add_months(today, -61)
    )
    left_since = world.users[Role.HEAD_OF_SERVICE]
    Membership.objects.filter(user=left_since).update(
        start_date=add_months(today, -120), end_date=add_months(today, -59)
    )
    counts = services.anonymise_past_records(world.village.organisation_id, today)
    assert counts["accounts"] == 1
    gone = User.objects.get(pk=gone.pk)
    assert (gone.username, gone.first_name, gone.email, gone.is_active) == (
        f"anonyme-{gone.pk}",
        ANONYMOUS_NAME,
        "",
        False,
    )
    assert not gone.has_usable_password()
    assert User.objects.get(pk=left_since.pk).username == left_since.username
    assert User.objects.get(pk=world.users[Role.ESTABLISHMENT_DIRECTOR].pk).is_active
