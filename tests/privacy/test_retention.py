"""The retention rules and the computation of the files due: each test is one rule."""

import datetime

from django.utils import timezone

from ancrage.care.models.journal import JournalEntry
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.people.models import FamilyLink
from ancrage.people.services import link_relatives
from ancrage.placements.models import ProtectionMeasure, Stay
from ancrage.privacy.models import FileStatus, Hold, RetentionRule
from ancrage.privacy.retention import due_files
from ancrage.safeguarding.models import Incident
from tests.people.factories import PersonFactory, StayFactory

TODAY = datetime.date(2026, 12, 5)


def left_on(world, day, **person):
    """A child who lived in the world's house and left on `day`."""
    child = PersonFactory(**person)
    StayFactory(
        child=child,
        unit=world.house,
        start_date=datetime.date(2015, 1, 5),
        end_date=day,
        exit_reason=Stay.ExitReason.RETURN_TO_FAMILY,
    )
    return child


def due(today=TODAY):
    return {file.person_id: file for file in due_files(today)}


def test_default_rules_per_framework_with_their_legal_basis(db):
    rules = {rule.code: rule for rule in RetentionRule.objects.all()}
    assert {
        "child_file",
        "o2r_file",
        "family_file",
        "staff_file",
        "access_log",
        "change_audit",
    } <= set(rules)
    assert rules["child_file"].active_months == 24
    assert rules["child_file"].outcome == "archive"
    assert "2022-008" in rules["child_file"].legal_basis
    assert rules["o2r_file"].active_months == 24
    assert "2021-028" in rules["o2r_file"].legal_basis
    assert all(rule.legal_basis for rule in rules.values())


def test_two_years_after_last_contact(world):
    two_years_ago = add_months(TODAY, -24)
    gone = left_on(world, two_years_ago)
    almost = left_on(world, add_days(two_years_ago, 1))
    files = due()
    assert gone.pk in files
    assert files[gone.pk].outcome == "archive"
    assert files[gone.pk].establishment == world.village.name
    assert files[gone.pk].last_contact == two_years_ago
    assert almost.pk not in files
    assert world.child.pk not in files  # lives in the village today


def test_a_later_journal_entry_is_a_later_contact(world):
    gone = left_on(world, add_months(TODAY, -30))
    JournalEntry.objects.create(
        house=world.house,
        child=gone,
        text="Appel de la jeune pour donner des nouvelles.",
        author=world.users[Role.HOUSE_PARENT],
        written_at=timezone.make_aware(
            datetime.datetime.combine(add_months(TODAY, -6), datetime.time(10))
        ),
    )
    assert gone.pk not in due()


def test_running_measure_keeps_the_file_active(world):
    gone = left_on(world, add_months(TODAY, -30))
    ProtectionMeasure.objects.create(
        child=gone,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=datetime.date(2020, 1, 6),
        created_by=world.users[Role.HEAD_OF_SERVICE],
    )
    assert gone.pk not in due()


def test_hold_respected(world):
    gone = left_on(world, add_months(TODAY, -30))
    Hold.objects.create(
        person=gone,
        establishment=world.village,
        reason="Contentieux en cours devant le tribunal administratif.",
        placed_by=world.users[Role.ESTABLISHMENT_DIRECTOR],
    )
    assert due()[gone.pk].protected_by == ["Gel posé par l'établissement"]
    assert not due()[gone.pk].acted_upon


def test_lifted_hold_no_longer_protects(world):
    gone = left_on(world, add_months(TODAY, -30))
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    Hold.objects.create(
        person=gone,
        establishment=world.village,
        reason="Demande du juge.",
        placed_by=director,
        lifted_at=timezone.now(),
        lifted_by=director,
        lift_reason="Affaire jugée.",
    )
    assert due()[gone.pk].acted_upon


def test_siblings_running_measure_protects(world):
    gone = left_on(world, add_months(TODAY, -30))
    link_relatives(gone, world.child, FamilyLink.Kind.SIBLING)
    ProtectionMeasure.objects.create(
        child=world.child,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=datetime.date(2025, 1, 6),
        created_by=world.users[Role.HEAD_OF_SERVICE],
    )
    assert due()[gone.pk].protected_by == ["Mesure ou séjour en cours d'un frère ou d'une sœur"]


def test_open_incident_protects(world):
    gone = left_on(world, add_months(TODAY, -30))
    incident = Incident.objects.create(
        establishment=world.village,
        occurred_at=timezone.now() - datetime.timedelta(days=800),
        place="Jardin",
        narrative="Dispute.",
        reporter=world.users[Role.HOUSE_PARENT],
    )
    incident.involved.create(person=gone, role="victim")
    assert due()[gone.pk].protected_by == ["Signalement non clos"]
    Incident.objects.filter(pk=incident.pk).update(
        status=Incident.Status.CLOSED,
        category="violence_between_children",
        severity="minor",
        outcome="Réglé.",
    )
    assert due()[gone.pk].acted_upon


def test_archived_file_is_anonymised_after_its_archive_period(world):
    gone = left_on(world, datetime.date(2018, 1, 1))
    FileStatus.objects.create(
        person=gone,
        state=FileStatus.State.ARCHIVED,
        archived_at=timezone.make_aware(
            datetime.datetime.combine(add_months(TODAY, -59), datetime.time(3))
        ),
    )
    assert gone.pk not in due()
    assert due(add_months(TODAY, 1))[gone.pk].outcome == "anonymise"


def test_anonymised_file_is_never_due_again(world):
    gone = left_on(world, datetime.date(2018, 1, 1))
    FileStatus.objects.create(
        person=gone, state=FileStatus.State.ANONYMISED, anonymised_at=timezone.now()
    )
    assert gone.pk not in due()


def test_o2r_file_two_years_after_the_exit_or_the_last_contact(world, o2r_files):
    from ancrage.insertion.models import Beneficiary, Exit

    beneficiary = world.beneficiary
    person = beneficiary.person
    from ancrage.insertion.models import Contact

    Beneficiary.objects.filter(pk=beneficiary.pk).update(consent_on=datetime.date(2022, 1, 3))
    Contact.objects.filter(beneficiary=beneficiary).update(met_on=datetime.date(2022, 1, 3))
    assert person.pk not in due()  # not exited: the file runs
    exit_day = add_months(TODAY, -24)
    Exit.objects.update_or_create(
        beneficiary=beneficiary,
        defaults={"date": exit_day, "reason": "moved", "by": world.users[Role.O2R_COUNSELLOR]},
    )
    from ancrage.insertion.models import FollowUp

    FollowUp.objects.filter(exit__beneficiary=beneficiary).delete()
    files = due()
    assert files[person.pk].outcome == "anonymise"
    assert person.pk not in due(add_days(TODAY, -1))
