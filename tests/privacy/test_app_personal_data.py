"""The apps added beside the case files register their share of a person's data: what a
subject-access export shows of it, what an anonymisation removes, and (families, staff) the
last contact of their files for the retention run."""

import datetime

from django.utils import timezone

from ancrage.accounting import personal_data as accounting_data
from ancrage.families import personal_data as families_data
from ancrage.families.models import FamilyCase, HomeVisit
from ancrage.kernel import personal_data
from ancrage.kernel.access import Role
from ancrage.participation import personal_data as participation_data
from ancrage.participation.models import YouthMessage
from ancrage.privacy.models import FileStatus
from ancrage.privacy.retention import due_files
from ancrage.staff import personal_data as staff_data
from ancrage.staff.models import Attestation, StaffMember
from tests.accounting.factories import add_sections, contract, sheet
from tests.families.factories import add_families
from tests.people.factories import PersonFactory


def test_each_app_registers_its_exporter_and_anonymiser(db):
    exporters = {exporter.name for exporter in personal_data.exporters()}
    anonymisers = {anonymiser.name for anonymiser in personal_data.anonymisers()}
    for name in ("family_programme", "staff", "accounting", "participation"):
        assert name in exporters
    assert {"families", "staff", "accounting", "participation"} <= anonymisers


def test_family_file_exported_and_its_texts_anonymised_with_the_last_member(world):
    add_families(world)
    case = world.family_case
    HomeVisit.objects.create(
        case=case,
        worker=world.users[Role.FAMILY_WORKER],
        starts_at=timezone.now() - datetime.timedelta(days=3),
        status=HomeVisit.Status.HELD,
        present="Nadia et Enfant0",
        observations="Le rituel du coucher est en place.",
        recorded_by=world.users[Role.FAMILY_WORKER],
        created_by=world.users[Role.FAMILY_WORKER],
    )
    parent = world.family_parent
    [exported] = families_data.export(parent.pk)
    assert exported["name"] == "Benali" and exported["place dans le foyer"] == "Parent"
    assert exported["visites à domicile"][0]["observations"] == "Le rituel du coucher est en place."
    # The child still keeps a name: the household's texts stay.
    families_data.anonymise(parent.pk)
    case.refresh_from_db()
    assert case.reasons.startswith("Difficultés")
    child = case.members.get(role="child").person
    FileStatus.objects.create(person=child, state=FileStatus.State.ANONYMISED)
    families_data.anonymise(parent.pk)
    case.refresh_from_db()
    assert (case.name, case.reasons) == ("-", "-")
    assert HomeVisit.objects.get(case=case).observations == ""


def test_family_file_2_years_after_its_end_is_due(world):
    add_families(world)
    case = world.family_case
    ended = datetime.date(2023, 1, 10)
    FamilyCase.objects.filter(pk=case.pk).update(
        status=FamilyCase.Status.DECLINED,
        decided_on=ended,
        referred_on=ended - datetime.timedelta(days=30),
        decision_reason="Hors secteur.",
    )
    due = {f.person_id: f for f in due_files(datetime.date(2025, 1, 11))}
    assert world.family_parent.pk in due
    assert due[world.family_parent.pk].frameworks == ["family_programme"]
    assert world.family_parent.pk not in {f.person_id for f in due_files(datetime.date(2025, 1, 9))}


def test_staff_entry_exported_and_anonymised(world):
    volunteer = PersonFactory(first_names="Odile", last_name="Bénévole")
    entry = StaffMember.objects.create(
        establishment=world.village,
        person=volunteer,
        kind=StaffMember.Kind.VOLUNTEER,
        role_with_children="Soutien scolaire du mercredi",
        start_date=datetime.date(2020, 9, 1),
        end_date=datetime.date(2022, 6, 30),
        created_by=world.users[Role.HR],
    )
    Attestation.objects.create(
        staff_member=entry,
        outcome=Attestation.Outcome.DELIVERED,
        issued_on=datetime.date(2020, 8, 20),
        verified_on=datetime.date(2020, 8, 25),
        verified_by=world.users[Role.HR],
        renewal_due=datetime.date(2025, 8, 20),
        reference="VERIF-123",
        recorded_by=world.users[Role.HR],
    )
    [exported] = staff_data.export(volunteer.pk)
    assert exported["role_with_children"] == "Soutien scolaire du mercredi"
    assert exported["attestations d'honorabilité"][0]["reference"] == "VERIF-123"
    assert volunteer.pk in {f.person_id for f in due_files(datetime.date(2027, 7, 1))}
    staff_data.anonymise(volunteer.pk)
    entry.refresh_from_db()
    assert entry.role_with_children == "-"
    assert Attestation.objects.get(staff_member=entry).reference == "-"


def test_accounting_of_a_person_exported_and_anonymised(world):
    add_sections(world)
    person = PersonFactory(first_names="Yanis", last_name="Compte")
    employee = world.users[Role.HOUSE_PARENT]
    employee.person = person
    employee.save(update_fields=["person"])
    contract(employee, world.organisation, cost="2800")
    time_sheet = sheet(employee, {world.section: "35"})
    time_sheet.returned_reason = "Heures du 14 à revoir."
    time_sheet.save(update_fields=["returned_reason"])
    exported = accounting_data.export(person.pk)
    assert exported[0]["contrat"]["gross_cost"] == "2800.00"
    assert exported[1]["motif du renvoi"] == "Heures du 14 à revoir."
    assert exported[1]["heures"][0]["heures"] == "35.00"
    accounting_data.anonymise(person.pk)
    time_sheet.refresh_from_db()
    assert time_sheet.returned_reason == ""


def test_youth_messages_exported_and_deleted_at_anonymisation(world):
    YouthMessage.objects.create(
        person=world.child, author=world.users[Role.YOUTH], text="Je voudrais te parler."
    )
    [exported] = participation_data.export(world.child.pk)
    assert exported["texte"] == "Je voudrais te parler."
    participation_data.anonymise(world.child.pk)
    assert not YouthMessage.objects.exists()
