"""`__any_of`: a column among a list of ids, the list passed as one parameter.

`filter(person_id__in=ids)` makes Django resolve, prepare and compile each id apart (one
placeholder each), on every part of a query that repeats the filter: the person scope asked about
the 44 children of a village repeats it on each of its ways in, and building that query spent
more time on the ids than on anything else (issue 19, the load run). `filter(person_id__any_of=ids)`
takes the ids as they are (integers: ids read from the database or from a page's own rows) and
sends them as one array on PostgreSQL, `= ANY(%s)`, which PostgreSQL plans as it plans `IN`
(it rewrites `IN (…)` into `= ANY(ARRAY[…])` itself), and as `IN (%s, …)` on SQLite. An empty
list matches nothing, and so does None (as with `__in`).

`IdsSlot`: a query compiled once and run with other ids (the person scope asked about a page's
persons, `people.models.PersonQuerySet.visible_to`) filters `__any_of=slot`; the slot compiles to
one parameter, the slot itself, and `slot.fill(params, ids, vendor)` puts the ids in its place,
found by identity (never by value): an array on PostgreSQL, a JSON array read by `json_each` on
SQLite (a list of any length in one parameter).
"""

import json

from django.db.models import Field, ForeignObject, Lookup


class IdsSlot:
    """The place of a list of ids in a compiled query (see the module's docstring)."""

    def fill(self, params, ids, vendor: str) -> tuple:
        ids = [int(value) for value in ids if value is not None]
        value = ids if vendor == "postgresql" else json.dumps(ids)
        return tuple(value if param is self else param for param in params)


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, IdsSlot):
            return self.rhs
        # as `__in`: None matches nothing and is left out
        return [int(value) for value in self.rhs if value is not None]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs
        if isinstance(ids, IdsSlot):
            if connection.vendor == "postgresql":
                return f"{lhs} = ANY(%s)", [*lhs_params, ids]
            sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - a column, one parameter
            return sql, [*lhs_params, ids]
        if not ids:
            return "1 = 0", list(lhs_params)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


# A relation's column (`person_id__any_of`) takes its lookups from ForeignObject's, not Field's.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
