"""The placements' rules counted with the legal calendar, each at its boundary (the day before,
the day, the day after): an exit to another placement is a change of placement (the judge is
told one month ahead, or within 48 h in an emergency, as for a move to another village), and no
measure runs past the day before the 21st birthday."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.placements.models import JudgeNotification, ProtectionMeasure, Stay
from ancrage.placements.services import Justification, move_child, record_exit, record_measure

JUSTIFIED = Justification(reason="no_room_together", explanation="Aucune maison n'a de place.")


@pytest.fixture
def head(world):
    return world.users[Role.HEAD_OF_SERVICE]


CHANGE_KINDS = ["placement_change", "emergency_placement_change"]


def change_notices(child):
    return JudgeNotification.objects.filter(child=child, kind__in=CHANGE_KINDS)


def today():
    return timezone.localdate()


def one_month_ahead():
    return calendar.add_months(today(), 1)


# Change of placement by exit -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, False), (0, True), (1, True)],
    ids=["day-before", "the-day", "day-after"],
)
def test_exit_to_another_placement_is_announced_to_the_judge_one_month_ahead(
    world, head, offset, accepted
):
    exit_day = calendar.add_days(one_month_ahead(), offset)
    if not accepted:
        with pytest.raises(ValidationError) as refused:
            record_exit(child=world.child, exit_date=exit_day, reason="other_placement", by=head)
        assert "un mois à l'avance" in refused.value.message_dict["exit_date"][0]
        assert Stay.objects.get(child=world.child).end_date is None
        assert not change_notices(world.child).exists()
        return
    stay = record_exit(child=world.child, exit_date=exit_day, reason="other_placement", by=head)
    notice = change_notices(world.child).get()
    assert notice.kind == JudgeNotification.Kind.PLACEMENT_CHANGE
    assert notice.event_date == exit_day
    assert notice.due_date == calendar.add_months(exit_day, -1)
    assert notice.stay == stay
    assert notice.establishment_id == world.village.pk


def test_exit_to_another_placement_three_days_ahead_is_refused_unless_emergency(world, head):
    exit_day = calendar.add_days(today(), 3)
    with pytest.raises(ValidationError):
        record_exit(child=world.child, exit_date=exit_day, reason="other_placement", by=head)
    record_exit(
        child=world.child, exit_date=exit_day, reason="other_placement", emergency=True, by=head
    )
    notice = change_notices(world.child).get()
    assert notice.kind == JudgeNotification.Kind.EMERGENCY_PLACEMENT_CHANGE
    assert notice.due_date == calendar.add_days(exit_day, 2)


@pytest.mark.parametrize(
    ("days_after_exit", "overdue"),
    [(1, False), (2, False), (3, True)],
    ids=["day-before", "the-day", "day-after"],
)
def test_emergency_exit_to_another_placement_notifies_the_judge_within_48_hours(
    world, head, days_after_exit, overdue
):
    exit_day = calendar.add_days(today(), 1)
    record_exit(
        child=world.child, exit_date=exit_day, reason="other_placement", emergency=True, by=head
    )
    notice = change_notices(world.child).get()
    assert notice.due_date == calendar.add_days(exit_day, 2)
    checked_on = calendar.add_days(exit_day, days_after_exit)
    assert JudgeNotification.objects.overdue(checked_on).filter(pk=notice.pk).exists() is overdue


def test_other_exits_are_not_a_change_of_placement(world, head):
    record_exit(
        child=world.child,
        exit_date=calendar.add_days(today(), 3),
        reason="return_to_family",
        by=head,
    )
    assert not change_notices(world.child).exists()


def test_exit_form_to_another_placement_refuses_at_the_date_and_accepts_in_emergency(client, world):
    from tests.conftest import login

    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/{world.child.reference}/sortie/"
    soon = calendar.add_days(today(), 3).isoformat()
    response = client.post(url, {"exit_date": soon, "reason": "other_placement"})
    assert response.status_code in (200, 422)  # the form again, with the refusal
    assert "un mois à l'avance" in response.context["form"].errors["exit_date"][0]
    response = client.post(url, {"exit_date": soon, "reason": "other_placement", "emergency": "on"})
    assert response.status_code == 302
    assert change_notices(world.child).get().kind == "emergency_placement_change"


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, False), (0, True), (1, True)],
    ids=["day-before", "the-day", "day-after"],
)
def test_change_of_placement_by_move_is_announced_one_month_ahead(world, head, offset, accepted):
    move_day = calendar.add_days(one_month_ahead(), offset)
    move = lambda: move_child(  # noqa: E731
        child=world.child,
        to_house=world.other_house,
        move_date=move_day,
        by=head,
        justification=JUSTIFIED,
    )
    if not accepted:
        with pytest.raises(ValidationError) as refused:
            move()
        assert "un mois à l'avance" in refused.value.message_dict["move_date"][0]
        return
    move()
    notice = JudgeNotification.objects.get(child=world.child, kind="placement_change")
    assert notice.due_date == calendar.add_months(move_day, -1)


# Measures until 21 -----------------------------------------------------------------------------


def _measure(world, head, **dates):
    return record_measure(
        child=world.child,
        by=head,
        establishment=world.village,
        legal_basis="young_adult_support",
        authority="department_president",
        departement="44",
        **dates,
    )


@pytest.mark.parametrize(
    ("end_date", "accepted"),
    [
        (datetime.date(2028, 3, 8), True),
        (datetime.date(2028, 3, 9), True),  # the day before the 21st birthday: the last day
        (datetime.date(2028, 3, 10), False),  # the 21st birthday
    ],
    ids=["day-before", "the-day", "day-after"],
)
@pytest.mark.parametrize("field", ["end_date", "review_date"])
def test_young_adult_measure_never_runs_past_the_day_before_the_21st_birthday(
    world, head, end_date, accepted, field
):
    world.child.birth_date = datetime.date(2007, 3, 10)
    world.child.save()
    dates = {"start_date": datetime.date(2025, 3, 10), field: end_date}
    if accepted:
        assert getattr(_measure(world, head, **dates), field) == end_date
        return
    with pytest.raises(ValidationError) as refused:
        _measure(world, head, **dates)
    assert refused.value.message_dict[field] == [
        "L'accompagnement s'arrête la veille des 21 ans (le 09/03/2028) : "
        "une mesure ne peut pas aller au-delà."
    ]
    assert not ProtectionMeasure.objects.exists()


@pytest.mark.parametrize(
    ("end_date", "accepted"),
    [
        (datetime.date(2029, 2, 26), True),
        (datetime.date(2029, 2, 27), True),  # 21 on 28/02/2029 (not a leap year)
        (datetime.date(2029, 2, 28), False),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_29_february_young_adult_measure_ends_on_27_february_at_the_latest(
    world, head, end_date, accepted
):
    world.child.birth_date = datetime.date(2008, 2, 29)
    world.child.save()
    dates = {"start_date": datetime.date(2026, 2, 28), "end_date": end_date}
    if accepted:
        assert _measure(world, head, **dates).end_date == end_date
    else:
        with pytest.raises(ValidationError):
            _measure(world, head, **dates)


def test_young_adult_measure_form_refuses_the_21st_birthday_at_the_field(client, world):
    from tests.conftest import login

    world.child.birth_date = datetime.date(2007, 3, 10)
    world.child.save()
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.post(
        f"/personnes/{world.child.reference}/mesures/nouvelle/",
        {
            "establishment": world.village.pk,
            "legal_basis": "young_adult_support",
            "authority": "department_president",
            "departement": "44",
            "start_date": "2025-03-10",
            "end_date": "2028-03-10",
        },
    )
    assert response.status_code in (200, 422)  # the form again, with the refusal
    assert "la veille des 21 ans (le 09/03/2028)" in response.context["form"].errors["end_date"][0]
    assert not ProtectionMeasure.objects.exists()
