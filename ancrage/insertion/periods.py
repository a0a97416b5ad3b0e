"""The fixed periods of an O2R programme's report: the agreement's years and their quarters, and
the calendar years and quarters the agreement overlaps. Outside the operator a report is read only
over these (no free dates), so that two reports cannot be subtracted to isolate one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ancrage.kernel.calendar import add_days, add_months, add_years


@dataclass(frozen=True)
class Period:
    key: str  # "a1" (agreement year 1), "a1t2" (its 2nd quarter), "2026", "2026t3"
    label: str
    start: date
    end: date


def _day(day: date) -> str:
    """date_format(day, "d/m/Y"), written directly."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _span(start: date, end: date) -> str:
    return _("du %(start)s au %(end)s") % {"start": _day(start), "end": _day(end)}


def periods(programme) -> list[Period]:
    """Every period of the programme's report, agreement years first (each followed by its
    quarters, the last clipped to the agreement's end), then the calendar years the agreement
    overlaps (each followed by its quarters that overlap it)."""
    return list(_periods(programme.start_date, programme.end_date, get_language()))


@lru_cache(maxsize=256)
def _periods(first: date, last: date, language) -> tuple[Period, ...]:
    """The periods of an agreement from `first` to `last`, labelled in `language` (the one
    active): computed once per agreement and language in a process."""
    out = []
    year = 1
    while add_years(first, year - 1) <= last:
        year_start = add_years(first, year - 1)
        year_end = min(add_days(add_years(first, year), -1), last)
        out.append(
            Period(
                f"a{year}",
                _("Année %(n)s de la convention (%(span)s)")
                % {"n": year, "span": _span(year_start, year_end)},
                year_start,
                year_end,
            )
        )
        for quarter in range(1, 5):
            q_start = add_months(year_start, 3 * (quarter - 1))
            if q_start > year_end:
                break
            q_end = min(add_days(add_months(year_start, 3 * quarter), -1), year_end)
            out.append(
                Period(
                    f"a{year}t{quarter}",
                    _("Année %(n)s, trimestre %(q)s (%(span)s)")
                    % {"n": year, "q": quarter, "span": _span(q_start, q_end)},
                    q_start,
                    q_end,
                )
            )
        year += 1
    for calendar_year in range(first.year, last.year + 1):
        y_start, y_end = date(calendar_year, 1, 1), date(calendar_year, 12, 31)
        out.append(
            Period(
                str(calendar_year),
                _("Année civile %(y)s") % {"y": calendar_year},
                y_start,
                y_end,
            )
        )
        for quarter in range(1, 5):
            q_start = date(calendar_year, 3 * quarter - 2, 1)
            q_end = add_days(add_months(q_start, 3), -1)
            if q_end < first or q_start > last:
                continue
            out.append(
                Period(
                    f"{calendar_year}t{quarter}",
                    _("%(y)s, trimestre %(q)s") % {"y": calendar_year, "q": quarter},
                    q_start,
                    q_end,
                )
            )
    return tuple(out)


def default_period(programme, today: date) -> Period:
    """The agreement year holding today (the last one once the agreement is over, the first
    before it starts)."""
    years = [p for p in periods(programme) if p.key.startswith("a") and "t" not in p.key]
    for period in years:
        if period.start <= today <= period.end:
            return period
    return years[-1] if today > programme.end_date else years[0]
