"""The rules of "Counting dates" (docs: the domain, docs/decisions.md 2026-12-05), one test per
rule, each at the day before, the day and the day after its limit (for hours: 47 h 59, 48 h 00,
48 h 01), month ends and 29 February included."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ancrage.kernel import calendar

D = date
AROUND = ["day-before", "the-day", "day-after"]


@pytest.mark.parametrize(
    ("start", "months", "day", "within"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 27), True),
        (D(2025, 1, 31), 1, D(2025, 2, 28), True),  # no 31 February: the month's last day
        (D(2025, 1, 31), 1, D(2025, 3, 1), False),
        (D(2024, 1, 31), 1, D(2024, 2, 28), True),
        (D(2024, 1, 31), 1, D(2024, 2, 29), True),  # a leap year: 29 February
        (D(2024, 1, 31), 1, D(2024, 3, 1), False),
        (D(2025, 9, 15), 5, D(2026, 2, 14), True),
        (D(2025, 9, 15), 5, D(2026, 2, 15), True),  # the same day number
        (D(2025, 9, 15), 5, D(2026, 2, 16), False),
    ],
    ids=[f"{case}-{when}" for case in ("31-jan", "31-jan-leap", "same-day") for when in AROUND],
)
def test_a_period_of_n_months_ends_on_the_same_day_number_or_the_last_day_of_the_month(
    start, months, day, within
):
    assert (day <= calendar.add_months(start, months)) is within


@pytest.mark.parametrize(
    ("day", "age"),
    [(D(2026, 2, 27), 17), (D(2026, 2, 28), 18), (D(2026, 3, 1), 18)],
    ids=AROUND,
)
def test_a_person_born_on_29_february_has_their_birthday_on_28_february_in_non_leap_years(day, age):
    assert calendar.age_on(D(2008, 2, 29), day) == age


@pytest.mark.parametrize(
    ("minutes", "on_time"),
    [(48 * 60 - 1, True), (48 * 60, True), (48 * 60 + 1, False)],
    ids=["47h59", "48h00", "48h01"],
)
def test_within_48_hours_of_0930_on_a_monday_is_on_time_until_0930_on_the_wednesday(
    minutes, on_time
):
    monday = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)  # 09:30 in Paris
    at = monday + timedelta(minutes=minutes)  # elapsed minutes, not a calendar count
    assert calendar.within_hours(monday, at, 48) is on_time


@pytest.mark.parametrize(
    ("birth", "day", "supported"),
    [
        (D(2005, 9, 5), D(2026, 9, 3), True),
        (D(2005, 9, 5), D(2026, 9, 4), True),  # the day before the 21st birthday: the last day
        (D(2005, 9, 5), D(2026, 9, 5), False),  # the 21st birthday
        (D(2008, 2, 29), D(2029, 2, 26), True),
        (D(2008, 2, 29), D(2029, 2, 27), True),  # 21 on 28/02/2029
        (D(2008, 2, 29), D(2029, 2, 28), False),
    ],
    ids=[f"{case}-{when}" for case in ("5-sept", "29-feb") for when in AROUND],
)
def test_until_21_means_the_support_ends_the_day_before_the_21st_birthday(birth, day, supported):
    assert (day <= calendar.young_adult_support_last_day(birth)) is supported


@pytest.mark.parametrize(
    ("day", "minor"),
    [(D(2026, 3, 8), True), (D(2026, 3, 9), True), (D(2026, 3, 10), False)],
    ids=AROUND,
)
def test_one_year_before_majority_is_never_due_after_the_18th_birthday(day, minor):
    """The last day a rule about a minor can fall on is the day before the 18th birthday
    (care.services.deadlines.autonomy_due caps a late arrival's interview there)."""
    assert (day <= calendar.last_day_before_age(D(2008, 3, 10), 18)) is minor
