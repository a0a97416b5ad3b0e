"""Staff register entries for tests: an account entered in an establishment's register."""

import datetime

from ancrage.kernel.access import Role
from ancrage.staff.models import StaffMember
from ancrage.staff.standing import open_standing
from tests.accounts.factories import UserFactory


def enter(user, establishment, *, by=None, start=datetime.date(2024, 1, 1), **fields):
    """The user entered in the establishment's register (as an employee by default), with its
    stored summary opened as the service opens it."""
    member = StaffMember.objects.create(
        establishment=establishment,
        user=user,
        role_with_children=fields.pop("role_with_children", "Équipe du village"),
        start_date=start,
        created_by=by or user,
        **fields,
    )
    open_standing(member)
    return member


def add_staff(world):
    """The house parent entered in the village's register (`staff_member`) and an employee of
    the other organisation's village (`other_staff_member`)."""
    world.staff_member = enter(
        world.users[Role.HOUSE_PARENT],
        world.village,
        role_with_children="Parent SOS de la maison des Tilleuls",
    )
    world.code = publish(world.organisation, world.users[Role.HR])
    world.other_code = publish(world.other_organisation, world.users[Role.HR])
    world.other_staff_member = enter(
        UserFactory(first_name="Agent", last_name="Lointain"),
        world.foreign_village,
        role_with_children="Aide familiale",
    )
    return world


def attest(member, *, by=None, issued_on=None, today=None):
    """A delivered attestation of the member, verified online the day it was issued (a month ago
    by default)."""
    from django.utils import timezone

    from ancrage.kernel.calendar import add_months
    from ancrage.staff.services import record_attestation

    today = today or timezone.localdate()
    issued_on = issued_on or add_months(today, -1)
    return record_attestation(
        member,
        by=by or member.created_by,
        outcome="delivered",
        issued_on=issued_on,
        verified_on=issued_on,
        reference=f"HON-{member.pk:06d}",
        today=today,
    )


def attested(user, establishment, **fields):
    """The user entered in the establishment's register with a valid, verified attestation."""
    member = enter(user, establishment, **fields)
    attest(member)
    return member


def publish(organisation, by, version="2026-1", effective_on=None):
    """A version of the code of conduct (a one-page PDF) in force from `effective_on` (today)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from ancrage.staff.services import publish_code
    from tests.placements.factories import tiny_pdf

    return publish_code(
        organisation,
        by=by,
        version=version,
        effective_on=effective_on or timezone.localdate(),
        uploaded=SimpleUploadedFile("code.pdf", tiny_pdf(), content_type="application/pdf"),
    )


def course(organisation, kind="induction", name=None):
    from ancrage.staff.models import Course

    return Course.objects.create(
        organisation=organisation, kind=kind, name=name or f"Bientraitance · {kind}"
    )


def train(member, course, attended_on, by=None):
    from ancrage.staff.services import record_training

    return record_training(
        member, by=by or member.created_by, course=course, attended_on=attended_on
    )
