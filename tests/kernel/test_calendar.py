"""The legal calendar (kernel.calendar): French month-end rule, 29 February birthdays, elapsed
hours, the day before a birthday, and the SQL twin of the age."""

from __future__ import annotations

import calendar as gregorian
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateField, DateTimeField, Value
from hypothesis import given
from hypothesis import strategies as st

from ancrage.kernel import calendar

D = date
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


def test_a_period_of_months_ends_on_the_last_day_when_the_target_month_is_shorter():
    assert calendar.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert calendar.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert calendar.add_months(D(2025, 8, 31), 1) == D(2025, 9, 30)
    assert calendar.add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)


def test_a_period_of_months_ends_on_the_same_day_number():
    assert calendar.add_months(D(2025, 9, 30), 5) == D(2026, 2, 28)
    assert calendar.add_months(D(2025, 9, 15), 5) == D(2026, 2, 15)
    assert calendar.add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


@given(days, st.integers(min_value=-600, max_value=600))
def test_add_months_agrees_with_relativedelta(day, months):
    assert calendar.add_months(day, months) == day + relativedelta(months=months)
    target = calendar.add_months(day, months)
    last = gregorian.monthrange(target.year, target.month)[1]
    assert target.day == min(day.day, last)


@given(days, st.integers(min_value=0, max_value=120))
def test_add_years_agrees_with_relativedelta(day, years):
    assert calendar.add_years(day, years) == day + relativedelta(years=years)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (D(2024, 2, 29), D(2025, 2, 27), 0),
        (D(2024, 2, 29), D(2025, 2, 28), 1),  # the birthday falls on 28 February
        (D(2024, 2, 29), D(2025, 3, 1), 1),
        (D(2024, 2, 29), D(2028, 2, 28), 3),
        (D(2024, 2, 29), D(2028, 2, 29), 4),
        (D(2008, 3, 10), D(2026, 3, 9), 17),
        (D(2008, 3, 10), D(2026, 3, 10), 18),
    ],
)
def test_a_29_february_birthday_falls_on_28_february_in_other_years(birth, day, age):
    assert calendar.age_on(birth, day) == age


@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
)
def test_age_on_agrees_with_relativedelta(birth, day):
    if day < birth:
        birth, day = day, birth
    assert calendar.age_on(birth, day) == relativedelta(day, birth).years


def test_until_21_means_the_support_ends_the_day_before_the_21st_birthday():
    assert calendar.young_adult_support_last_day(D(2005, 6, 15)) == D(2026, 6, 14)
    assert calendar.young_adult_support_last_day(D(2004, 2, 29)) == D(2025, 2, 27)
    assert calendar.last_day_before_age(D(2008, 3, 1), 18) == D(2026, 2, 28)


def test_majority_is_the_18th_birthday():
    assert calendar.majority(D(2008, 3, 10)) == D(2026, 3, 10)
    assert calendar.majority(D(2008, 2, 29)) == D(2026, 2, 28)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2025, 1, 31), D(2025, 2, 27), 0),
        (D(2025, 1, 31), D(2025, 2, 28), 1),
        (D(2025, 3, 15), D(2025, 12, 14), 8),
        (D(2025, 3, 15), D(2025, 12, 15), 9),
        (D(2025, 3, 15), D(2026, 3, 14), 11),
        (D(2025, 3, 15), D(2026, 3, 15), 12),
        (D(2025, 3, 15), D(2025, 3, 1), 0),
    ],
)
def test_whole_months_between_counts_full_periods(start, end, months):
    assert calendar.whole_months_between(start, end) == months


@given(days, days)
def test_whole_months_between_is_the_largest_period_that_fits(start, end):
    months = calendar.whole_months_between(start, end)
    if end < start:
        assert months == 0
        return
    assert calendar.add_months(start, months) <= end
    assert calendar.add_months(start, months + 1) > end


MONDAY = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)  # 09:30 in Paris


@pytest.mark.parametrize(
    ("elapsed", "on_time"),
    [
        (timedelta(hours=47, minutes=59), True),
        (timedelta(hours=48), True),
        (timedelta(hours=48, minutes=1), False),
    ],
)
def test_within_48_hours_of_monday_0930_is_on_time_until_wednesday_0930(elapsed, on_time):
    assert calendar.within_hours(MONDAY, MONDAY + elapsed, 48) is on_time
    assert calendar.add_hours(MONDAY, 48) == datetime(2026, 3, 4, 8, 30, tzinfo=UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("elapsed", "on_time"),
    [
        (timedelta(hours=47, minutes=59), True),
        (timedelta(hours=48), True),
        (timedelta(hours=48, minutes=1), False),
    ],
    ids=["47h59", "48h00", "48h01"],
)
def test_within_hours_in_sql_agrees_with_python_at_the_limit(elapsed, on_time):
    start = Value(MONDAY, output_field=DateTimeField())
    end = Value(MONDAY + elapsed, output_field=DateTimeField())
    rows = ContentType.objects.order_by("pk").filter(calendar.within_hours_sql(start, end, 48))
    assert rows.exists() is on_time is calendar.within_hours(MONDAY, MONDAY + elapsed, 48)


def _sql_ages(birth: date, days_on: list[date]) -> list[int]:
    annotations = {
        f"a{i}": calendar.age_on_sql(
            Value(birth, output_field=DateField()), Value(on, output_field=DateField())
        )
        for i, on in enumerate(days_on)
    }
    row = ContentType.objects.order_by("pk").annotate(**annotations).values(*annotations)[0]
    return [int(row[f"a{i}"]) for i in range(len(days_on))]


@pytest.mark.django_db
def test_age_in_sql_agrees_with_python_on_every_29_february_from_1904_to_2096():
    for year in range(1904, 2097, 4):
        birth = D(year, 2, 29)
        checked = []
        for later in (1, 2, 3, 4, 16, 17, 18, 21, 26):
            on_year = year + later
            checked += [D(on_year, 2, 28), D(on_year, 3, 1), D(on_year, 12, 31)]
            if gregorian.isleap(on_year):
                checked.append(D(on_year, 2, 29))
        expected = [calendar.age_on(birth, on) for on in checked]
        assert _sql_ages(birth, checked) == expected, birth


@pytest.mark.django_db
def test_age_in_sql_agrees_with_python_around_birthdays_and_year_ends():
    births = [D(1971, 12, 31), D(1981, 1, 1), D(2000, 3, 1), D(2008, 3, 10), D(2010, 2, 28)]
    for birth in births:
        checked = []
        for later in (1, 17, 18, 21, 25, 26, 55):
            day = calendar.birthday(birth, later)
            checked += [day - timedelta(days=1), day, day + timedelta(days=1)]
        assert _sql_ages(birth, checked) == [calendar.age_on(birth, on) for on in checked]
