"""Every write of analytic accounting, one transaction each, a refusal in French at its field:
sections and agreements, contracts, the monthly time sheets (filled, submitted, approved, which
locks the month, or sent back) and the split of a salary by approved time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ancrage.accounting.models import (
    MAX_HOURS_PER_WEEK,
    Agreement,
    Contract,
    Section,
    TimeEntry,
    TimeSheet,
)
from ancrage.accounting.periods import (
    cents,
    first_of_month,
    last_of_month,
    month_share,
    split_exactly,
)
from ancrage.kernel.versions import locked


def _hours(value: Decimal) -> str:
    return formats.number_format(value, 2)


# Sections and agreements


def _section_errors(*, organisation, establishment, kind, programme, code, section=None) -> dict:
    errors = {}
    if establishment is not None and establishment.organisation_id != organisation.pk:
        errors["establishment"] = _("Cet établissement n'appartient pas à l'organisation choisie.")
    if kind == Section.Kind.O2R:
        if programme is None:
            errors["programme"] = _(
                "Une section O2R est financée par un programme O2R : choisissez-le."
            )
        elif programme.organisation_id != organisation.pk and not (
            programme.consortium_id
            and programme.consortium.members.filter(pk=organisation.pk).exists()
        ):
            errors["programme"] = _(
                "L'organisation ne porte pas ce programme et n'est pas membre de son consortium."
            )
        elif (
            establishment is not None
            and not programme.services.filter(pk=establishment.pk).exists()
        ):
            errors["establishment"] = _("Cet établissement n'est pas un service de ce programme.")
    elif programme is not None:
        errors["programme"] = _("Seule une section O2R est rattachée à un programme O2R.")
    if kind == Section.Kind.SUPPORT and establishment is not None:
        errors["establishment"] = _("Les fonctions support appartiennent à l'organisation.")
    if kind in (Section.Kind.VILLAGE, Section.Kind.FAMILY) and establishment is None:
        errors["establishment"] = _("Choisissez l'établissement de cette activité.")
    duplicate = Section.objects.filter(organisation=organisation, code=code)
    if section is not None:
        duplicate = duplicate.exclude(pk=section.pk)
    if duplicate.exists():
        errors["code"] = _("Une autre section de l'organisation porte déjà ce code.")
    return errors


@transaction.atomic
def save_section(section=None, *, expected_version=None, agreements=(), **fields) -> Section:
    """Create a section (`section` None) or correct one (locked on its version)."""
    if section is not None:
        section = locked(section, expected_version)
    errors = _section_errors(
        section=section,
        **{
            key: fields.get(key)
            for key in ("organisation", "establishment", "kind", "programme", "code")
        },
    )
    foreign = [a for a in agreements if a.organisation_id != fields["organisation"].pk]
    if foreign:
        errors["agreements"] = _("Une convention choisie finance une autre organisation.")
    if errors:
        raise ValidationError(errors)
    section = section or Section()
    for name, value in fields.items():
        setattr(section, name, value)
    section.save()
    section.agreements.set(agreements)
    return section


@transaction.atomic
def save_agreement(agreement=None, *, expected_version=None, **fields) -> Agreement:
    if agreement is not None:
        agreement = locked(agreement, expected_version)
    errors = {}
    if fields["end_date"] <= fields["start_date"]:
        errors["end_date"] = _("La fin de la convention doit suivre son début.")
    if fields["amount"] <= 0:
        errors["amount"] = _("Le montant doit être positif.")
    duplicate = Agreement.objects.filter(organisation=fields["organisation"], name=fields["name"])
    if agreement is not None:
        duplicate = duplicate.exclude(pk=agreement.pk)
    if duplicate.exists():
        errors["name"] = _("Une autre convention de l'organisation porte déjà cet intitulé.")
    if errors:
        raise ValidationError(errors)
    agreement = agreement or Agreement()
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.save()
    return agreement


# Contracts


@transaction.atomic
def save_contract(contract=None, *, expected_version=None, **fields) -> Contract:
    """Finance records or corrects a contract: hours from 0.01 to 48 a week, a positive cost,
    no two contracts of one employee on the same day."""
    if contract is not None:
        contract = locked(contract, expected_version)
    errors = {}
    hours = fields["hours_per_week"]
    if hours <= 0 or hours > MAX_HOURS_PER_WEEK:
        errors["hours_per_week"] = _("Les heures hebdomadaires vont de 0,01 à 48.")
    if fields["gross_cost"] <= 0:
        errors["gross_cost"] = _("Le coût doit être positif.")
    start, end = fields["start_date"], fields.get("end_date")
    if end is not None and end < start:
        errors["end_date"] = _("La fin du contrat ne peut pas précéder son début.")
    elif not errors:
        overlapping = Contract.objects.filter(employee=fields["employee"]).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )
        if end is not None:
            overlapping = overlapping.filter(start_date__lte=end)
        if contract is not None:
            overlapping = overlapping.exclude(pk=contract.pk)
        if overlapping.exists():
            errors["start_date"] = _(
                "Cette personne a déjà un contrat sur ces dates : terminez-le d'abord."
            )
    if errors:
        raise ValidationError(errors)
    contract = contract or Contract()
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.save()
    return contract


# Time sheets


def contracts_for(employee, month: date):
    return list(
        Contract.objects.filter(employee=employee)
        .covering(first_of_month(month), last_of_month(month))
        .order_by("start_date", "pk")
    )


def sections_of_memberships(memberships, sections) -> list:
    """The sections a person's memberships point to: their unit's or establishment's sections,
    the organisation's support functions for an organisation-wide role."""
    found = []
    for membership in memberships:
        if membership.unit_id:
            matches = [
                s for s in sections if s.establishment_id == membership.unit.establishment_id
            ]
        elif membership.establishment_id:
            matches = [s for s in sections if s.establishment_id == membership.establishment_id]
        elif membership.organisation_id:
            matches = [
                s
                for s in sections
                if s.organisation_id == membership.organisation_id
                and s.kind == Section.Kind.SUPPORT
            ]
        else:
            matches = []
        found.extend(s for s in matches if s not in found)
    return found


def prefilled_hours(contract_hours: Decimal, sections) -> dict[int, Decimal]:
    """The month's contract hours split equally among the sections of the memberships: an O2R
    counsellor's whole time goes to their programme."""
    return split_exactly(contract_hours, {section.pk: 1 for section in sections})


def _parse_hours(raw) -> Decimal | None:
    if raw in (None, ""):
        return Decimal(0)
    if isinstance(raw, Decimal):
        return raw
    try:
        return Decimal(str(raw).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None


@transaction.atomic
def save_time_sheet(employee, month: date, hours: dict, *, submit: bool = False) -> TimeSheet:
    """Record the employee's hours by section for the month (`hours`: section -> hours), and
    submit it to the manager with `submit`. Refused, nothing written: an approved (locked) or
    submitted month, a month to come, no contract in force, a negative or malformed number, a
    total over the contract's hours for the month. The errors name the fields
    `section_<id>`."""
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationError(_("On ne déclare pas le temps d'un mois à venir."))
    sheet, _created = TimeSheet.objects.select_for_update().get_or_create(
        employee=employee, month=month
    )
    if sheet.status == TimeSheet.Status.APPROVED:
        raise ValidationError(_("Cette feuille de temps est approuvée : le mois est verrouillé."))
    if sheet.status == TimeSheet.Status.SUBMITTED:
        raise ValidationError(
            _(
                "Cette feuille de temps est soumise à votre responsable : elle ne peut être "
                "modifiée que si elle vous est renvoyée."
            )
        )
    contracts = contracts_for(employee, month)
    if not contracts:
        raise ValidationError(
            _("Aucun contrat en vigueur ce mois-ci : le service financier doit l'enregistrer.")
        )
    errors, parsed = {}, {}
    for section, raw in hours.items():
        value = _parse_hours(raw)
        field = f"section_{section.pk}"
        if value is None:
            errors[field] = _("Saisissez un nombre d'heures (par exemple 12,5).")
        elif value < 0:
            errors[field] = _("Le nombre d'heures ne peut pas être négatif.")
        elif value != value.quantize(Decimal("0.01")):
            errors[field] = _("Les heures se saisissent au centième au plus.")
        elif value > 0:
            parsed[section] = value
    if errors:
        raise ValidationError(errors)
    allowed = month_share(contracts, month).hours
    total = sum(parsed.values(), Decimal(0))
    if total > allowed:
        message = _(
            "Le total déclaré (%(total)s h) dépasse les heures du contrat pour ce mois "
            "(%(allowed)s h)."
        ) % {"total": _hours(total), "allowed": _hours(allowed)}
        raise ValidationError({f"section_{section.pk}": message for section in parsed})
    if submit and total == 0:
        raise ValidationError(_("Déclarez au moins une heure avant de soumettre la feuille."))
    sheet.entries.all().delete()
    TimeEntry.objects.bulk_create(
        TimeEntry(sheet=sheet, section=section, hours=value) for section, value in parsed.items()
    )
    sheet.returned_reason = ""
    if submit:
        sheet.status = TimeSheet.Status.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


@transaction.atomic
def approve_time_sheet(sheet: TimeSheet, by) -> TimeSheet:
    """The manager approves a submitted sheet: the month is locked for good."""
    sheet = TimeSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.employee_id == by.pk:
        raise ValidationError(_("On n'approuve pas sa propre feuille de temps."))
    if sheet.status != TimeSheet.Status.SUBMITTED:
        raise ValidationError(_("Seule une feuille soumise peut être approuvée."))
    sheet.status = TimeSheet.Status.APPROVED
    sheet.approved_by = by
    sheet.approved_at = timezone.now()
    try:
        sheet.save()
    except IntegrityError as error:  # pragma: no cover - held by the checks above
        raise ValidationError(_("La feuille n'a pas pu être approuvée.")) from error
    return sheet


@transaction.atomic
def return_time_sheet(sheet: TimeSheet, by, reason: str) -> TimeSheet:
    """The manager sends a submitted sheet back to its author, saying why."""
    sheet = TimeSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.employee_id == by.pk:
        raise ValidationError(_("On ne renvoie pas sa propre feuille de temps."))
    if sheet.status != TimeSheet.Status.SUBMITTED:
        raise ValidationError(_("Seule une feuille soumise peut être renvoyée."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites ce qui est à corriger.")})
    sheet.status = TimeSheet.Status.DRAFT
    sheet.submitted_at = None
    sheet.returned_reason = reason[:300]
    sheet.save()
    return sheet


def salary_by_section(sheet: TimeSheet, contracts=None) -> dict[int, Decimal]:
    """The month's salary cost (the contracts' gross cost, prorated to their days in force)
    split among the sections in proportion to the hours of the sheet, to the cent: the shares
    add up to 100 % of the salary."""
    contracts = contracts if contracts is not None else contracts_for(sheet.employee, sheet.month)
    cost = month_share(contracts, sheet.month).cost
    weights = {entry.section_id: entry.hours for entry in sheet.entries.all()}
    return split_exactly(cents(cost), weights)
