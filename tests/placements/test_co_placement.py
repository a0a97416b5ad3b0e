"""The village board's co-placement figures come from a narrower computation than the whole
association's (`village_co_placement`, `association_co_placement`): they must be the same figures
as the full `co_placement`, house by house, for the village and for the association."""

import datetime

import pytest

from ancrage.kernel.access import Role
from ancrage.people.models import SiblingGroupMember
from ancrage.placements.models import Stay
from ancrage.placements.services import (
    Justification,
    admit_children,
    association_co_placement,
    association_co_placement_computed,
    co_placement,
    move_child,
    record_exit,
    village_co_placement,
)
from tests.organisation.factories import HouseFactory
from tests.people.factories import PersonFactory, StayFactory
from tests.placements.test_rules import siblings

TODAY = datetime.date.today()
APART = Justification(reason="no_room_together", explanation="Aucune maison n'a de place.")


@pytest.fixture
def many_groups(world):
    """Beside the world (Léa and Hugo apart in the village, Zoé and Noé together in the other
    village, Yanis alone abroad): a group of three together, a group of three split over two
    houses of the village, a pair split between the two villages, a group of two whose second
    child left, a group of three with one arriving next month, and children without siblings."""
    head = world.users[Role.HEAD_OF_SERVICE]
    start = TODAY - datetime.timedelta(days=40)
    together, split = (
        HouseFactory(establishment=world.village),
        HouseFactory(establishment=world.village),
    )
    a, b, c = siblings(3, "Durand")
    admit_children(placements={a: together, b: together, c: together}, start_date=start, by=head)
    d, e, f = siblings(3, "Bernard")
    admit_children(
        placements={d: split, e: split, f: world.second_house},
        start_date=start,
        by=head,
        justification=APART,
    )
    g, h = siblings(2, "Lefort")
    admit_children(
        placements={g: split, h: world.other_house},
        start_date=start,
        by=head,
        justification=APART,
    )
    i, j = siblings(2, "Garnier")
    admit_children(placements={i: together, j: together}, start_date=start, by=head)
    record_exit(child=j, exit_date=TODAY - datetime.timedelta(days=1), reason="majority", by=head)
    k, m, n = siblings(3, "Roche")
    admit_children(placements={k: split, m: split}, start_date=start, by=head)
    admit_children(
        placements={n: world.second_house},
        start_date=TODAY + datetime.timedelta(days=30),
        by=head,
        justification=APART,
    )
    move_child(
        child=world.outsider,
        to_house=HouseFactory(establishment=world.other_village),
        move_date=TODAY,
        by=head,
        justification=APART,
    )
    for _ in range(3):
        StayFactory(child=PersonFactory(), unit=together, start_date=start)
    return world


@pytest.mark.parametrize("village", ["village", "other_village"])
def test_village_figures_equal_the_full_computation(many_groups, village):
    village = getattr(many_groups, village)
    full = co_placement(TODAY)
    narrowed = village_co_placement(village.pk, TODAY)
    houses = set(village.units.values_list("pk", flat=True))
    assert narrowed["house"] == {k: v for k, v in full["house"].items() if k in houses}
    assert narrowed["establishment"] == {village.pk: full["establishment"][village.pk]}
    assert narrowed["all"] == full["all"]


def test_village_figures_count_siblings_placed_in_another_village(many_groups):
    narrowed = village_co_placement(many_groups.village.pk, TODAY)
    # Village: Léa, Hugo (apart), Durand ×3 (together), Bernard ×3 (split), Lefort's child here
    # (his sister lives in the other village), Roche ×2 (together until the third arrives).
    village = narrowed["establishment"][many_groups.village.pk]
    assert (village.together, village.with_siblings) == (5, 11)


def test_association_rate_is_one_aggregate_query(many_groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        rate = association_co_placement_computed(TODAY)
    full = co_placement(TODAY)["all"]
    assert (rate.together, rate.with_siblings) == (full.together, full.with_siblings)
    # Zoé and Noé now live apart in the other village: 5 together out of 14 placed siblings.
    assert (rate.together, rate.with_siblings) == (5, 14)
    assert association_co_placement(TODAY) == rate


def test_the_association_rate_is_read_once_stored_in_one_query(
    many_groups, django_assert_num_queries
):
    # the first reader computes it (the state, the aggregate) and stores it
    with django_assert_num_queries(4):
        first = association_co_placement(TODAY)
    with django_assert_num_queries(1):
        assert association_co_placement(TODAY) == first


def test_a_stay_written_changes_the_stored_association_rate_at_once(many_groups):
    head = many_groups.users[Role.HEAD_OF_SERVICE]
    before = association_co_placement(TODAY)
    assert (before.together, before.with_siblings) == (5, 14)
    # Noé joins Zoé's house again: the two of them are together
    zoe_house = Stay.objects.current(TODAY).get(child=many_groups.outsider).unit
    move_child(child=many_groups.outsider_sibling, to_house=zoe_house, move_date=TODAY, by=head)
    after = association_co_placement(TODAY)
    assert after == association_co_placement_computed(TODAY)
    assert (after.together, after.with_siblings) == (7, 14)
    # an exit, written through the service
    durand = Stay.objects.current(TODAY).filter(child__last_name="Durand").first().child
    record_exit(child=durand, exit_date=TODAY, reason="majority", by=head)
    assert association_co_placement(TODAY) == association_co_placement_computed(TODAY) != after


def test_a_sibling_group_changed_changes_the_stored_association_rate_at_once(many_groups):
    before = association_co_placement(TODAY)
    # Durand ×3 lived together: one of them leaves the group (a membership deleted)
    durand = Stay.objects.current(TODAY).filter(child__last_name="Durand").first().child
    SiblingGroupMember.objects.filter(person=durand).delete()
    after = association_co_placement(TODAY)
    assert after == association_co_placement_computed(TODAY)
    assert (after.together, after.with_siblings) == (before.together - 1, before.with_siblings - 1)


def test_village_figures_take_two_queries_whatever_the_association_size(
    many_groups, django_assert_num_queries
):
    association_co_placement(TODAY)  # stored by the first board read today
    with django_assert_num_queries(2):
        village_co_placement(many_groups.village.pk, TODAY)


def test_a_village_without_placed_siblings_has_no_rate_but_the_association_has(world):
    empty = HouseFactory().establishment
    narrowed = village_co_placement(empty.pk, TODAY)
    assert narrowed["house"] == {} and narrowed["establishment"] == {}
    assert narrowed["all"] == co_placement(TODAY)["all"]


def test_with_nobody_placed_the_association_rate_is_empty(db):
    rate = association_co_placement(TODAY)
    assert (rate.together, rate.with_siblings, rate.rate) == (0, 0, None)
