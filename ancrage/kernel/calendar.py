"""The legal calendar: every count of ages, months, years, days and hours that a rule needs, in
one place, with its SQL twin for reports (French conventions, docs/decisions.md 2026-12-05).

- A period of N months from a date ends on the same day number N months later, or on the last
  day of that month when it has none (31 January + 1 month = 28 or 29 February).
- A person born on 29 February has their birthday on 28 February in non-leap years.
- "Within N hours" of an event is on time up to the same minute N hours later, included
  (48 hours from 09:30 on a Monday: on time until 09:30 on the Wednesday); hours are elapsed
  time between two instants.
- "Until 21" means the support ends the day before the 21st birthday.
- A rule that says "one year before majority" is never due after the 18th birthday.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Case, Expression, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual

MAJORITY_AGE = 18
# Young adults who were in care are accompanied until 21 (CASF L222-5, loi du 7 février 2022).
YOUNG_ADULT_SUPPORT_AGE = 21


def add_days(day: date, days: int) -> date:
    """The day `days` days after `day` (before it when negative)."""
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The same day number `months` months later (earlier when negative), or the last day of the
    target month when it has no such day. (What `day + relativedelta(months=months)` gives, a
    date or a datetime with its time kept, computed directly: the deadlines engine calls it some
    hundreds of times per page.)"""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return _on(day, year, month + 1)


def add_years(day: date, years: int) -> date:
    """The same day `years` years later; 29 February gives 28 February in non-leap years."""
    return _on(day, day.year + years, day.month)


def _on(day: date, year: int, month: int) -> date:
    """`day` moved to that month of that year, its day number kept or, when the month is
    shorter, its last day (ValueError outside years 1 to 9999, as `date.replace`)."""
    if day.day <= 28:
        return day.replace(year=year, month=month)
    last = monthrange(year, month)[1] if MINYEAR <= year <= MAXYEAR else day.day
    return day.replace(year=year, month=month, day=min(day.day, last))


def shift(day, **delta):
    """`day` moved by a relativedelta (`years=`, `months=`, `days=`...), held inside what Python
    can represent: the arithmetic on an odd stored value (a birth in 9999) gives the last or the
    first representable day, never an error. Inside that range it is `add_months` and
    `add_years`' count."""
    try:
        return day + relativedelta(**delta)
    except (OverflowError, ValueError):
        forward = sum(value for value in delta.values()) >= 0
        if isinstance(day, datetime):
            return datetime.max.replace(tzinfo=day.tzinfo) if forward else day.min
        return date.max if forward else date.min


def birthday(birth_date: date, age: int) -> date:
    """The day a person born on `birth_date` turns `age`."""
    return add_years(birth_date, age)


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day` (a 29 February birthday falls on 28 February in other years)."""
    years = day.year - birth_date.year
    return years - 1 if birthday(birth_date, years) > day else years


def majority(birth_date: date) -> date:
    """The 18th birthday."""
    return birthday(birth_date, MAJORITY_AGE)


def last_day_before_age(birth_date: date, age: int) -> date:
    """The last day a person is younger than `age`: the day before that birthday."""
    return add_days(birthday(birth_date, age), -1)


def young_adult_support_last_day(birth_date: date) -> date:
    """The last day of the support to young adults: the day before the 21st birthday."""
    return last_day_before_age(birth_date, YOUNG_ADULT_SUPPORT_AGE)


def whole_months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when `end` is before `start`): the largest N with
    add_months(start, N) <= end."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def add_hours(moment: datetime, hours: int) -> datetime:
    """The instant `hours` elapsed hours after `moment` (an aware datetime)."""
    return moment + timedelta(hours=hours)


def within_hours(start: datetime, end: datetime, hours: int) -> bool:
    """Whether `end` comes at most `hours` elapsed hours after `start` (the limit itself is on
    time)."""
    return end <= add_hours(start, hours)


def _expression(value) -> Expression:
    return F(value) if isinstance(value, str) else value


def age_on_sql(birth, on):
    """`age_on` in SQL (SQLite and PostgreSQL alike), for a field name or an expression of each
    date: the years between the two dates, less one before the birthday, a 29 February birthday
    falling on 28 February in other years."""
    birth, on = _expression(birth), _expression(on)
    born_md = ExtractMonth(birth) * 100 + ExtractDay(birth)
    on_year = ExtractYear(on)
    on_md = ExtractMonth(on) * 100 + ExtractDay(on)
    leap = Q(Exact(Mod(on_year, 4), 0)) & (
        ~Q(Exact(Mod(on_year, 100), 0)) | Q(Exact(Mod(on_year, 400), 0))
    )
    birthday_md = Case(
        When(Q(Exact(born_md, 229)) & ~leap, then=Value(228)),
        default=born_md,
        output_field=IntegerField(),
    )
    before_birthday = Case(
        When(GreaterThan(birthday_md, on_md), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return on_year - ExtractYear(birth) - before_birthday


def within_hours_sql(start, end, hours: int) -> Q:
    """`within_hours` in SQL (SQLite and PostgreSQL alike), for a field name or an expression of
    each instant: true when `end` comes at most `hours` elapsed hours after `start` (the limit
    itself is on time), NULL (so never true) when either is missing."""
    start, end = _expression(start), _expression(end)
    return Q(LessThanOrEqual(end, start + Value(timedelta(hours=hours))))
