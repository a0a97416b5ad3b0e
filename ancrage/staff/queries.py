"""Scoped reads of the staff register: the establishments whose register a user keeps, their
entries, one entry, one's own entries. Persons of the registry named on a page are recorded as
read (kernel.audit)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ancrage.kernel.audit import record_shown
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment
from ancrage.staff.models import StaffMember


def registers(user):
    """The establishments whose staff register `user` keeps (director: theirs; national
    director and human resources: every establishment of the organisation)."""
    return (
        Establishment.objects.filter(
            reach(user, "staff", "view").filter(establishment="pk", organisation="organisation_id")
        )
        .select_related("organisation")
        .order_by("name", "pk")
    )


def register_establishment(user, pk, action="view"):
    """One establishment whose register `user` keeps, else 404."""
    return get_object_or_404(
        Establishment.objects.filter(
            reach(user, "staff", action).filter(establishment="pk", organisation="organisation_id")
        ),
        pk=pk,
    )


def _recorded(user, members, what):
    record_shown(user, [m.person_id for m in members if m.person_id], what)
    return members


def register(user, establishment, what="staff.register"):
    """The entries of the establishment's register, present ones first, by name."""
    members = list(
        StaffMember.objects.visible_to(user)
        .filter(establishment=establishment)
        .select_related("user", "person")
        .order_by("end_date", "pk")
    )
    members.sort(key=lambda m: (m.end_date is not None, m.name.lower()))
    return _recorded(user, members, what)


def staff_member(user, pk, action="view", what="staff.member"):
    """One entry of a register `user` keeps, else 404."""
    member = (
        StaffMember.objects.visible_to(user, action)
        .select_related("user", "person", "establishment")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return _recorded(user, [member], what)[0]


def own_entries(user):
    """The user's own entries, for their page."""
    return list(StaffMember.objects.own(user).select_related("establishment").order_by("pk"))


def registry_person(user, reference: str):
    """The person of the registry with this reference, if `user` may see them (else a refusal
    at the field: an out-of-scope file must not be known to exist)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from ancrage.people.models import Person

    reference = (reference or "").strip()
    if not reference:
        return None
    person = Person.objects.visible_to(user).filter(reference=reference).first()
    if person is None:
        raise ValidationError(
            {"reference": _("Aucune personne de votre périmètre ne porte cette référence.")}
        )
    return person
