"""The end of a measure in the échéancier: done when the measure was renewed, or when the child
left the village while it ran (a move between houses is no exit)."""

import datetime

import pytest

from ancrage.care.queries.deadlines import collect
from ancrage.care.services.deadlines import Kind, Status
from ancrage.placements.models import Stay
from tests.care.factories_ppe import MeasureFactory
from tests.people.factories import StayFactory

TODAY = datetime.date.today()


def days(n):
    return TODAY - datetime.timedelta(days=n)


def end_rows(world):
    stays = Stay.objects.current(TODAY).filter(child=world.child)
    return {
        r.deadline.record_id: r
        for r in collect(stays, TODAY)
        if r.deadline.kind == Kind.MEASURE_END
    }


@pytest.mark.parametrize(
    ("reason", "status"),
    [("return_to_family", Status.DONE), ("move", Status.OVERDUE)],
    ids=["exit", "move"],
)
def test_an_earlier_measure_ends_with_the_childs_exit_not_with_a_move(world, reason, status):
    old = MeasureFactory(
        child=world.child, establishment=world.village, start_date=days(900), end_date=days(400)
    )
    StayFactory(
        child=world.child,
        unit=world.second_house,
        start_date=days(900),
        end_date=days(450),
        exit_reason=reason,
    )
    row = end_rows(world)[old.pk]
    assert row.status == status
    assert row.deadline.done_on == (days(450) if status == Status.DONE else None)


def test_a_renewed_measure_end_is_done_on_the_renewals_start(world):
    first = MeasureFactory(
        child=world.child, establishment=world.village, start_date=days(500), end_date=days(136)
    )
    renewal = MeasureFactory(
        child=world.child,
        establishment=world.village,
        start_date=days(135),
        end_date=TODAY + datetime.timedelta(days=230),
        renews=first,
    )
    rows = end_rows(world)
    assert rows[first.pk].status == Status.DONE and rows[first.pk].deadline.done_on == days(135)
    assert rows[renewal.pk].status == Status.DUE
