"""`__any_of` (kernel/lookups.py): a list of ids as one parameter, the same rows as `__in`."""

import pytest

from ancrage.people.models import FamilyLink, Person
from tests.people.factories import PersonFactory


@pytest.mark.parametrize(
    "pick",
    [
        lambda ids: ids,
        lambda ids: ids[:1],
        lambda ids: [],
        lambda ids: [None, ids[1]],
        lambda ids: [ids[0], ids[0], 10**9],
    ],
)
def test_any_of_matches_what_in_matches(db, pick):
    ids = [PersonFactory().pk for _ in range(3)]
    wanted = pick(ids)
    assert set(Person.objects.filter(pk__any_of=wanted).values_list("pk", flat=True)) == set(
        Person.objects.filter(pk__in=wanted).values_list("pk", flat=True)
    )


def test_any_of_on_a_relation_and_negated(world):
    ids = [world.mother.pk, world.child.pk]
    for field in ("relative_id", "relative"):
        found = FamilyLink.objects.filter(**{f"{field}__any_of": ids})
        assert set(found) == set(FamilyLink.objects.filter(relative_id__in=ids))
        assert found.exists()
        excluded = FamilyLink.objects.exclude(**{f"{field}__any_of": ids})
        assert set(excluded) == set(FamilyLink.objects.exclude(relative_id__in=ids))
