"""Writes of the staff register: an adult entered in an establishment's register, one
transaction each, refusals as French ValidationErrors at the field that caused them."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ancrage.staff.models import StaffMember


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
