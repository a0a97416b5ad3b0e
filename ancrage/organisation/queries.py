"""Scoped reads of the organisation: the establishments a user works in."""

from django.db.models import Q

from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment


def establishments_for(user):
    """Establishments the user works in (their houses' villages included), or the whole
    organisation for organisation-wide roles; empty without the right to see them."""
    where = reach(user, "establishment", "view")
    if not where:
        return Establishment.objects.none()
    condition = where.filter(organisation="organisation_id")
    if where.establishments_worked_in:
        condition |= Q(pk__in=sorted(where.establishments_worked_in))
    return Establishment.objects.filter(condition)
