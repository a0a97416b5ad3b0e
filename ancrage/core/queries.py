"""Scoped reads for the home page: the places a user works in and their occupancy."""

from django.db.models import Count, Q
from django.utils import timezone

from ancrage.core.access import ROLE_SCOPE, Scope, can
from ancrage.core.text import search_key
from ancrage.organisation.models import Establishment, Unit


def establishments_for(user):
    """Establishments the user works in (their houses' villages included), or the whole
    organisation for organisation-wide roles; empty without the right to see them."""
    if not can(user, "establishment", "view"):
        return Establishment.objects.none()
    condition = Q(pk__in=[])
    for membership in user.active_memberships:
        scope = ROLE_SCOPE[membership.role]
        if scope is Scope.UNIT and membership.unit_id:
            condition |= Q(pk=membership.unit.establishment_id)
        elif scope is Scope.ESTABLISHMENT and membership.establishment_id:
            condition |= Q(pk=membership.establishment_id)
        elif scope is Scope.ORGANISATION and membership.organisation_id:
            condition |= Q(organisation_id=membership.organisation_id)
    return Establishment.objects.filter(condition)


def occupancy_board(user):
    """Per establishment, its units with capacity and the number of children living there
    today: figures only, no names. Two queries whatever the number of houses."""
    today = timezone.localdate()
    establishments = sorted(establishments_for(user), key=lambda e: search_key(e.name))
    units = Unit.objects.filter(establishment__in=establishments, active=True).annotate(
        occupied=Count(
            "stays",
            filter=Q(stays__start_date__lte=today)
            & (Q(stays__end_date__isnull=True) | Q(stays__end_date__gt=today)),
        )
    )
    by_establishment = {e.pk: [] for e in establishments}
    # Sorted in Python on the accent-free key: "Les Érables" between "Les Cèdres" and "Les Frênes",
    # whatever the database's collation.
    for unit in sorted(units, key=lambda u: search_key(u.name)):
        by_establishment[unit.establishment_id].append(unit)
    board = []
    for establishment in establishments:
        houses = [u for u in by_establishment[establishment.pk] if u.kind == Unit.Kind.HOUSE]
        board.append(
            {
                "establishment": establishment,
                "units": by_establishment[establishment.pk],
                "capacity": sum(u.capacity for u in houses),
                "occupied": sum(u.occupied for u in houses),
            }
        )
    return board
