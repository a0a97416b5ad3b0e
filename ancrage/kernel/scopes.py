"""Where a user reaches: the one function that reads a user's memberships in force.

`reach(user, kind, action)` takes, from the permission table, the user's roles that grant `action`
on `kind`, and from those memberships the places they are attached to (a house or team, an
establishment, the organisation, the young person's own file). Every `visible_to(user)` builds its
filter from a `Reach` with `Reach.filter(...)`, naming the path from its model to each level; a
level it does not name gives nothing (deny by default). A `Reach` also carries the units and
establishments themselves, as the memberships loaded them, so a page that writes for the user's team
or village reads no more. `memberships_in_force(user)` hands the memberships to a page that shows
them (the home page's "Mes affectations"). No other code walks memberships.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from ancrage.kernel.access import ROLE_SCOPE, Scope, role_can

NOWHERE_Q = Q(pk__in=[])


@dataclass(frozen=True)
class Reach:
    """The places a user's memberships reach for one kind and action."""

    units: frozenset[int] = frozenset()
    establishments: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    # the young person's own file (self scope), when their account is linked to it
    person: int | None = None
    # the establishments of the reached units: a house parent works in their house's village
    unit_establishments: frozenset[int] = frozenset()
    # the roles that granted the right
    roles: frozenset[str] = frozenset()
    # The reached units and establishments themselves, by increasing id, as the memberships
    # loaded them (a unit with its establishment): no query to read the user's team or village.
    unit_places: tuple = field(default=(), compare=False, repr=False)
    establishment_places: tuple = field(default=(), compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.roles)

    @property
    def establishments_worked_in(self) -> frozenset[int]:
        """The establishments themselves and those of the reached units."""
        return self.establishments | self.unit_establishments

    def filter(
        self,
        *,
        unit: str | None = None,
        establishment: str | None = None,
        organisation: str | None = None,
        person: str | None = None,
    ) -> Q:
        """The condition on a model for the levels it names, each as the lookup path from the
        model to the unit, the establishment, the organisation or the person (ids compared with
        `__in`); a level left out, or that the user does not reach, adds nothing."""
        condition = NOWHERE_Q
        for path, ids in (
            (unit, self.units),
            (establishment, self.establishments),
            (organisation, self.organisations),
        ):
            if path is not None and ids:
                condition |= Q(**{f"{path}__in": sorted(ids)})
        if person is not None and self.person is not None:
            condition |= Q(**{person: self.person})
        return condition


NOWHERE = Reach()


def memberships_in_force(user) -> list:
    """The user's memberships in force today, with their places (read once per request), for a
    page that shows them; none for an anonymous user."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.active_memberships)


# Where the reaches computed for a user object are kept (see `reach`).
_MEMO = "_ancrage_reach_memo"


def reach(user, kind: str, action: str = "view") -> Reach:
    """Where `user`'s roles in force grant `action` on `kind`: nowhere for anonymous or inactive
    users and for roles the permission table does not grant it to.

    Computed once per kind and action for a user object (a request's user: a page asks the same
    reach several times), from the memberships that object read (`user.active_memberships`, read
    once per request): the memo is dropped as soon as that list is read again or the account's
    own file changes, so it never outlives what it was computed from."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOWHERE
    memberships = user.active_memberships
    person = getattr(user, "person_id", None)
    memo = getattr(user, _MEMO, None)
    if memo is None or memo[0] is not memberships or memo[1] != person:
        memo = (memberships, person, {})
        setattr(user, _MEMO, memo)
    found = memo[2].get((kind, action))
    if found is None:
        found = memo[2][(kind, action)] = _reach(user, kind, action)
    return found


def _reach(user, kind: str, action: str) -> Reach:
    units, establishments, organisations, unit_establishments = {}, {}, set(), set()
    roles, person = set(), None
    for membership in memberships_in_force(user):
        if not role_can(membership.role, kind, action):
            continue
        scope = ROLE_SCOPE[membership.role]
        if scope is Scope.UNIT and membership.unit_id:
            units[membership.unit_id] = membership.unit
            unit_establishments.add(membership.unit.establishment_id)
        elif scope is Scope.ESTABLISHMENT and membership.establishment_id:
            establishments[membership.establishment_id] = membership.establishment
        elif scope is Scope.ORGANISATION and membership.organisation_id:
            organisations.add(membership.organisation_id)
        elif scope is Scope.SELF:
            person = getattr(user, "person_id", None)
        else:
            continue
        roles.add(membership.role)
    if not roles:
        return NOWHERE
    return Reach(
        units=frozenset(units),
        establishments=frozenset(establishments),
        organisations=frozenset(organisations),
        person=person,
        unit_establishments=frozenset(unit_establishments),
        roles=frozenset(roles),
        unit_places=tuple(units[pk] for pk in sorted(units)),
        establishment_places=tuple(establishments[pk] for pk in sorted(establishments)),
    )
