"""Scoped reads of the organisation: the establishments a user works in."""

from django.db.models import Q

from ancrage.kernel.scopes import reach
from ancrage.kernel.text import by_name, search_key
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


def establishment_list(user, kind: str | None = None) -> list:
    """The establishments of `establishments_for` (of this `kind` only, when given) as a list,
    in the French order of their names. Without a query when the user reaches no organisation
    as a whole: their establishments are those their memberships loaded (a house's role counts
    for its village), which a page asks about several times per request (the home page)."""
    where = reach(user, "establishment", "view")
    if not where:
        return []
    if where.organisations:
        found = establishments_for(user)
        if kind is not None:
            found = found.filter(kind=kind)
        return list(found.order_by(*by_name("name"), "pk"))
    places = {e.pk: e for e in where.establishment_places}
    places.update({u.establishment_id: u.establishment for u in where.unit_places})
    return sorted(
        (e for e in places.values() if kind is None or e.kind == kind),
        key=lambda e: (search_key(e.name), e.name, e.pk),
    )
