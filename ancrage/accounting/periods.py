"""Months and contracts: the days of a month a contract covers, its hours and its cost that
month (a contract starting or ending mid-month counts for its days in force)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ancrage.accounting.models import WEEKS_PER_MONTH

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_from(year: int, month: int) -> date | None:
    """The first day of that month, or None when it is no month."""
    try:
        return date(year, month, 1)
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class MonthShare:
    """What the contracts in force give for one month."""

    hours: Decimal
    cost: Decimal


def covered_fraction(contract, month: date) -> Decimal:
    """The share of the month's days the contract is in force (0 to 1)."""
    first, last = first_of_month(month), last_of_month(month)
    start = max(contract.start_date, first)
    end = min(contract.end_date or last, last)
    if end < start:
        return Decimal(0)
    days = end.toordinal() - start.toordinal() + 1
    return Decimal(days) / Decimal(last.day)


def month_share(contracts, month: date) -> MonthShare:
    """The hours and cost of the contracts for the month, each prorated to its days in force."""
    hours = cost = Decimal(0)
    for contract in contracts:
        fraction = covered_fraction(contract, month)
        hours += contract.hours_per_week * WEEKS_PER_MONTH * fraction
        cost += contract.monthly_cost * fraction
    return MonthShare(hours=cents(hours), cost=cents(cost))


def split_exactly(total: Decimal, weights: dict) -> dict:
    """`total` split in proportion to `weights` (positive numbers), in cents, the shares adding
    up to `total` exactly: each gets its rounded-down share, then the missing cents go to the
    largest remainders (ties: the order of `weights`)."""
    positive = {key: Decimal(weight) for key, weight in weights.items() if weight > 0}
    weight_sum = sum(positive.values())
    if not positive or total == 0:
        return {}
    units = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    raw = {key: Decimal(units) * weight / weight_sum for key, weight in positive.items()}
    floors = {key: int(value) for key, value in raw.items()}
    missing = units - sum(floors.values())
    order = sorted(positive, key=lambda key: raw[key] - floors[key], reverse=True)
    for key in order[:missing]:
        floors[key] += 1
    return {key: Decimal(count) * CENT for key, count in floors.items()}
