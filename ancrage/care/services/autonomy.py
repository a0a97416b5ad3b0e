"""Writes of the projet pour l'autonomie (16-21) and of the accompaniment after 18: one
transaction each, refusals as French ValidationErrors keyed by form field."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.care.models.autonomy import (
    MINIMUM_AGE,
    AutonomyArea,
    AutonomyProject,
    YoungAdultSupport,
)
from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.people.models import Person


def birthday(person, years: int):
    """The day `person` turns `years` (a 29 February birthday falls on 28 February); an odd
    stored birth date gives the last representable day rather than an error."""
    return calendar.shift(person.birth_date, years=years)


def support_last_day(person):
    """The last day of the accompaniment: the day before the 21st birthday (CASF L222-5)."""
    return calendar.young_adult_support_last_day(person.birth_date)


def _require(by, person):
    if not can(by, "autonomy", "change") or not (
        Person.objects.visible_to(by).filter(pk=person.pk).exists()
    ):
        raise ValidationError(_("Vous ne pouvez pas modifier le projet de ce jeune."))


def _check_age(person, today):
    if person.birth_date is None:
        raise ValidationError(_("La date de naissance du jeune est inconnue : complétez-la."))
    if today < birthday(person, MINIMUM_AGE):
        raise ValidationError(_("Le projet pour l'autonomie commence à 16 ans."))
    if today > support_last_day(person):
        raise ValidationError(_("Ce jeune a 21 ans : l'accompagnement est terminé."))


@transaction.atomic
def save_project(person, *, areas: dict, by, today=None) -> AutonomyProject:
    """Create the project when needed and record each area's status, notes and next step.
    `areas` maps an area code to {"status", "notes", "next_step"}."""
    _require(by, person)
    today = today or timezone.localdate()
    project = AutonomyProject.objects.select_for_update().filter(person=person).first()
    if project is None:
        _check_age(person, today)
        project = AutonomyProject.objects.create(person=person, created_by=by)
    existing = {a.area: a for a in project.areas.all()}
    now = timezone.now()
    for code in AutonomyArea.Area.values:
        data = areas.get(code)
        if data is None:
            continue
        if data.get("status") not in AutonomyArea.Status.values:
            raise ValidationError({f"{code}-status": _("Choisissez un état.")})
        row = existing.get(code) or AutonomyArea(project=project, area=code)
        changed = (row.status, row.notes, row.next_step) != (
            data["status"],
            data.get("notes", ""),
            data.get("next_step", ""),
        )
        if row.pk and not changed:
            continue
        row.status = data["status"]
        row.notes = data.get("notes", "")
        row.next_step = data.get("next_step", "")
        row.updated_at, row.updated_by = now, by
        row.save()
    return project


@transaction.atomic
def add_support(person, *, kind, start_date, end_date, by, notes="") -> YoungAdultSupport:
    """Record the accompaniment of a young adult: from 18, ending the day before the 21st
    birthday at the latest."""
    _require(by, person)
    project = AutonomyProject.objects.filter(person=person).first()
    if project is None:
        raise ValidationError(_("Établissez d'abord le projet pour l'autonomie."))
    if person.birth_date is None:
        raise ValidationError(_("La date de naissance du jeune est inconnue : complétez-la."))
    if kind not in YoungAdultSupport.Kind.values:
        raise ValidationError({"kind": _("Choisissez la nature de l'accompagnement.")})
    errors = {}
    adult, limit = calendar.majority(person.birth_date), support_last_day(person)
    if start_date < adult:
        errors["start_date"] = _(
            "L'accompagnement jeune majeur commence à la majorité (le %(d)s)."
        ) % {"d": adult.strftime("%d/%m/%Y")}
    if end_date > limit:
        errors["end_date"] = _(
            "L'accompagnement s'arrête la veille du 21e anniversaire : au plus tard le %(d)s."
        ) % {"d": limit.strftime("%d/%m/%Y")}
    elif end_date < start_date:
        errors["end_date"] = _("La fin doit suivre le début.")
    if errors:
        raise ValidationError(errors)
    return YoungAdultSupport.objects.create(
        project=project,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
        created_by=by,
    )
