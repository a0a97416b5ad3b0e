"""Writes of the staff register: an adult entered in an establishment's register, one
transaction each, refusals as French ValidationErrors at the field that caused them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.calendar import add_months
from ancrage.staff.models import Attestation, StaffMember


def add_staff_member(
    establishment,
    *,
    by,
    username: str = "",
    person=None,
    kind: str,
    role_with_children: str,
    start_date,
    end_date=None,
) -> StaffMember:
    """Enter an employee or a volunteer in the establishment's register: a user of Ancrage
    (named by their login) or a person of the registry, once per establishment."""
    user = None
    username = (username or "").strip()
    if username and person is not None:
        raise ValidationError(
            {"username": _("Indiquez un compte ou une personne du registre, pas les deux.")}
        )
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or user.person_id:
            raise ValidationError(
                {"username": _("Aucun compte actif du personnel ne porte cet identifiant.")}
            )
    elif person is None:
        raise ValidationError(
            {"username": _("Indiquez le compte de la personne, ou sa référence dans le registre.")}
        )
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("La fin ne peut pas précéder le début.")})
    member = StaffMember(
        establishment=establishment,
        user=user,
        person=person,
        kind=kind,
        role_with_children=role_with_children,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        field = "username" if user else "reference"
        raise ValidationError(
            {field: _("Cette personne est déjà inscrite au registre de cet établissement.")}
        ) from None
    return member


def record_attestation(
    member,
    *,
    by,
    outcome: str,
    issued_on,
    verified_on=None,
    reference: str = "",
    director_decision: str = "",
    today=None,
) -> Attestation:
    """Record an attestation d'honorabilité of a staff member, verified online by `by`: its date,
    the verification's date and reference, and its renewal date (the setting's months after it
    was issued). A refusal ("non délivrée") takes its date and the director's decision, nothing
    of the record itself."""
    today = today or timezone.localdate()
    reference = (reference or "").strip()
    director_decision = (director_decision or "").strip()
    errors = {}
    if outcome == Attestation.Outcome.DELIVERED:
        if verified_on is None:
            errors["verified_on"] = _("Indiquez la date de la vérification en ligne.")
        elif verified_on < issued_on:
            errors["verified_on"] = _("La vérification ne peut pas précéder la délivrance.")
        elif verified_on > add_months(issued_on, settings.STAFF_ATTESTATION_MAX_AGE_MONTHS):
            errors["issued_on"] = _(
                "L'attestation doit avoir moins de %(months)d mois quand elle est vérifiée : "
                "demandez-en une nouvelle."
            ) % {"months": settings.STAFF_ATTESTATION_MAX_AGE_MONTHS}
        if not reference:
            errors["reference"] = _("Indiquez la référence donnée par la vérification en ligne.")
        renewal_due = add_months(issued_on, settings.STAFF_ATTESTATION_RENEWAL_MONTHS)
        if not errors and renewal_due <= today:
            errors["issued_on"] = _(
                "Cette attestation n'est plus valable : elle était à renouveler le %(day)s."
            ) % {"day": f"{renewal_due:%d/%m/%Y}"}
        director_decision = ""
    elif outcome == Attestation.Outcome.NOT_DELIVERED:
        if not director_decision:
            errors["director_decision"] = _(
                "Indiquez la décision de la direction (par exemple : recrutement abandonné, "
                "fin de l'engagement)."
            )
        verified_on, reference, renewal_due = None, "", None
    else:
        errors["outcome"] = _("Choisissez : délivrée ou non délivrée.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Attestation.objects.create(
            staff_member=member,
            outcome=outcome,
            issued_on=issued_on,
            verified_on=verified_on,
            verified_by=by if outcome == Attestation.Outcome.DELIVERED else None,
            reference=reference,
            renewal_due=renewal_due,
            director_decision=director_decision,
            recorded_by=by,
        )
