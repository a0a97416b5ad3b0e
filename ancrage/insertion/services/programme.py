"""O2R programmes: the call's rules (amount, period, carrier, services), and the programme a
team's service runs on a day."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion.models import (
    AGE_FLAGS,
    AGREEMENT_YEARS,
    MINIMUM_AGREEMENT_EUROS,
    PriorityPublic,
    Programme,
    Target,
)
from ancrage.insertion.summary import record_change
from ancrage.kernel.calendar import add_years
from ancrage.kernel.versions import StaleEdit, locked
from ancrage.organisation.models import Establishment, Unit


def _programme_errors(
    *,
    start_date,
    end_date,
    amount,
    organisation,
    consortium,
    services,
    departements,
    target_publics,
    priority_departements,
) -> dict:
    errors = {}
    if amount < MINIMUM_AGREEMENT_EUROS:
        errors["agreement_amount"] = _(
            "L'appel demande une convention d'au moins 150 000 € sur 3 ans."
        )
    if end_date <= start_date:
        errors["end_date"] = _("La fin doit suivre le début.")
    elif end_date > add_years(start_date, AGREEMENT_YEARS):
        errors["end_date"] = _("La convention couvre 3 ans au plus.")
    if (organisation is None) == (consortium is None):
        errors["organisation"] = _(
            "Le programme est porté soit par une organisation, soit par un consortium."
        )
    carriers = (
        {organisation.pk}
        if organisation
        else set(consortium.members.values_list("pk", flat=True)) | {consortium.lead_id}
        if consortium
        else set()
    )
    for service in services:
        if service.kind != Establishment.Kind.O2R_SERVICE:
            errors["services"] = _("« %(name)s » n'est pas un service O2R.") % {"name": service}
        elif service.organisation_id not in carriers:
            errors["services"] = _("« %(name)s » n'appartient pas au porteur du programme.") % {
                "name": service
            }
    unknown = set(target_publics) - set(PriorityPublic.values)
    if unknown:
        errors["target_publics"] = _("Public cible inconnu.")
    errors |= _priority_departement_errors(departements, target_publics, priority_departements)
    return errors


def _codes(departements) -> list[str]:
    if isinstance(departements, str):
        departements = departements.split(",")
    return [code.strip() for code in departements if code.strip()]


def _priority_departement_errors(departements, target_publics, priority_departements) -> dict:
    """Each age public's priority départements are some of the programme's, for a public the
    programme targets (errors at the form's `departements_<public>` field)."""
    errors = {}
    programme_codes = set(_codes(departements))
    for public, codes in priority_departements.items():
        field = f"departements_{public}"
        if public not in AGE_FLAGS:
            errors["target_publics"] = _(
                "Seuls les publics liés à l'âge se limitent à des départements."
            )
        elif codes and public not in target_publics:
            errors[field] = _("Cochez d'abord ce public parmi les publics cibles.")
        elif set(codes) - programme_codes:
            errors[field] = _("Départements hors du programme : %(codes)s.") % {
                "codes": ", ".join(sorted(set(codes) - programme_codes))
            }
    return errors


def _departements(departements):
    return ",".join(_codes(departements))


@transaction.atomic
def create_programme(
    *,
    name,
    call,
    region,
    departements,
    start_date,
    end_date,
    agreement_amount,
    organisation=None,
    consortium=None,
    services=(),
    efop_territories=(),
    target_publics=(),
    priority_departements=None,
) -> Programme:
    """An O2R programme: at least 150 000 € over 3 years at most, carried by one organisation
    or a consortium (not both), whose services belong to its carrier(s)."""
    return update_programme(
        Programme(),
        name=name,
        call=call,
        region=region,
        departements=departements,
        start_date=start_date,
        end_date=end_date,
        agreement_amount=agreement_amount,
        organisation=organisation,
        consortium=consortium,
        services=services,
        efop_territories=efop_territories,
        target_publics=target_publics,
        priority_departements=priority_departements,
    )


@transaction.atomic
def update_programme(
    programme: Programme,
    *,
    name,
    call,
    region,
    departements,
    start_date,
    end_date,
    agreement_amount,
    organisation=None,
    consortium=None,
    services=(),
    efop_territories=(),
    target_publics=(),
    priority_departements=None,
) -> Programme:
    """Create (an unsaved `programme`) or correct a programme, under the same rules."""
    amount = Decimal(agreement_amount)
    priority_departements = {
        public: _codes(codes) for public, codes in (priority_departements or {}).items()
    }
    errors = _programme_errors(
        start_date=start_date,
        end_date=end_date,
        amount=amount,
        organisation=organisation,
        consortium=consortium,
        services=services,
        departements=departements,
        target_publics=target_publics,
        priority_departements=priority_departements,
    )
    if (
        name
        and Programme.objects.filter(name__iexact=name.strip()).exclude(pk=programme.pk).exists()
    ):
        errors["name"] = _("Un programme porte déjà ce nom.")
    if errors:
        raise ValidationError(errors)
    programme.name, programme.call, programme.region = name.strip(), call, region
    programme.departements = _departements(departements)
    programme.start_date, programme.end_date = start_date, end_date
    programme.agreement_amount = amount
    programme.organisation, programme.consortium = organisation, consortium
    programme.target_publics = list(target_publics)
    programme.priority_departements = {
        public: codes for public, codes in priority_departements.items() if codes
    }
    programme.save()
    programme.services.set(services)
    programme.efop_territories.set(efop_territories)
    record_change(programme)
    return programme


def programme_for(team: Unit, on: date | None = None, programme=None) -> Programme:
    """The programme the team's service runs on that day: `programme` when given (refused unless
    the service runs it that day), else the newest one running."""
    on = on or timezone.localdate()
    running = Programme.objects.filter(
        services=team.establishment_id, start_date__lte=on, end_date__gte=on
    )
    if programme is not None:
        if not running.filter(pk=programme.pk).exists():
            raise ValidationError(
                _("Le programme %(name)s ne court pas pour ce service à cette date.")
                % {"name": programme.name}
            )
        return programme
    programme = running.order_by("-start_date").first()
    if programme is None:
        raise ValidationError(_("Aucun programme O2R en cours pour ce service à cette date."))
    return programme


TARGET_FIELDS = [indicator.value for indicator in Target.Indicator]


@transaction.atomic
def set_target(programme, *, organisation, year, version=None, **values) -> Target:
    """The yearly targets of one member of the programme (the chef de file copies them from the
    agreement); a save from a form built on an older version is refused (StaleEdit)."""
    members = set(
        Establishment.objects.filter(o2r_programmes=programme).values_list(
            "organisation_id", flat=True
        )
    )
    errors = {}
    if organisation.pk not in members:
        errors["organisation"] = _("« %(name)s » n'est pas membre de ce programme.") % {
            "name": organisation
        }
    if not 1 <= year <= AGREEMENT_YEARS or add_years(programme.start_date, year - 1) > (
        programme.end_date
    ):
        errors["year"] = _("La convention ne compte pas d'année %(n)s.") % {"n": year}
    for name in TARGET_FIELDS:
        if values.get(name) is not None and values[name] < 0:
            errors[name] = _("Un objectif est un nombre de personnes, positif ou nul.")
    if errors:
        raise ValidationError(errors)
    target = Target.objects.filter(
        programme=programme, organisation=organisation, year=year
    ).first()
    if target is None:
        if version:  # the form was built on a target deleted since: never recreated unread
            raise StaleEdit(Target(programme=programme, organisation=organisation, year=year))
        target = Target(programme=programme, organisation=organisation, year=year)
    else:
        target = locked(target, version)
    for name in TARGET_FIELDS:
        setattr(target, name, values.get(name))
    target.save()
    record_change(programme)
    return target
