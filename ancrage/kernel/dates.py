"""The plausible range of every date that enters Ancrage, declared once per kind of date field:
checked at the field of every form (`DateRangeMixin`, with a French message), at the model field
(the admin's forms and `full_clean`), on URL parameters (`day_param`), and held by the database as
`CheckConstraint`s on a fixed outer window (`date_in_window`). Date arithmetic on a stored value
that could still be odd goes through `shift`, which never overflows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.calendar import shift

logger = logging.getLogger(__name__)

# The outer window the database holds for every main date (a CHECK must not depend on the day it
# is evaluated: today moves, a restore re-checks every row). Inside it, Python's dates and
# PostgreSQL's timestamps convert both ways in every time zone (year 1 does not: Paris was 9
# minutes ahead of UTC then, the UTC value falls in year 0).
WINDOW_START = date(1900, 1, 1)
WINDOW_END = date(2199, 12, 31)

# The oldest event the product can hold: the association's oldest files were opened in the 1990s.
EVENTS_SINCE = date(1990, 1, 1)
# How far ahead a planned thing (an appointment, a review, the end of a measure) may be set.
PLANNED_YEARS = 5


@dataclass(frozen=True)
class Kind:
    """A kind of date field: its earliest day, and how far from today its latest day is
    (`future_years` = 0: today at the latest)."""

    name: str
    earliest: date
    future_years: int
    description: str

    def bounds(self, today: date | None = None) -> tuple[date, date]:
        today = today or timezone.localdate()
        return self.earliest, shift(today, years=self.future_years)


BIRTH = Kind("birth", WINDOW_START, 0, "birth dates: not in the future, not before 1900")
PAST_EVENT = Kind("past", EVENTS_SINCE, 0, "what happened: since 1990, today at the latest")
EVENT = Kind("event", EVENTS_SINCE, PLANNED_YEARS, "what is planned or happened: 1990 to +5 years")
# A period looked at (a report, a filter): as far back as the files, a little ahead.
PERIOD = Kind("period", WINDOW_START, PLANNED_YEARS, "periods looked at: 1900 to +5 years")
KINDS = {kind.name: kind for kind in (BIRTH, PAST_EVENT, EVENT, PERIOD)}


def as_day(value) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            try:
                return timezone.localtime(value).date()
            except (OverflowError, ValueError):
                return value.date()
        return value.date()
    return value


def _day(value: date) -> str:
    return formats.date_format(value, "d/m/Y")


@deconstructible
class InRange:
    """The validator of a kind of date field (dates and datetimes alike)."""

    def __init__(self, kind: str = EVENT.name):
        self.kind = kind

    def __call__(self, value):
        if value is None:
            return
        earliest, latest = KINDS[self.kind].bounds()
        day = as_day(value)
        if day < earliest or day > latest:
            raise ValidationError(message(self.kind, day), code="date_out_of_range")

    def __eq__(self, other):
        return isinstance(other, InRange) and other.kind == self.kind


def message(kind: str, day: date):
    """The French refusal of `day` for a field of `kind`, naming the side it fell out of."""
    earliest, latest = KINDS[kind].bounds()
    if day < earliest:
        if kind == BIRTH.name:
            text = _("La date de naissance ne peut pas être antérieure au %(earliest)s.")
        else:
            text = _("La date ne peut pas être antérieure au %(earliest)s.")
        return text % {"earliest": _day(earliest)}
    if kind == BIRTH.name:
        return _("La date de naissance ne peut pas être dans le futur.")
    if KINDS[kind].future_years == 0:
        return _("Cette date ne peut pas être dans le futur.")
    return _("La date ne peut pas être postérieure au %(latest)s.") % {"latest": _day(latest)}


DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


class DateRangeMixin:
    """Every form of Ancrage: each of its date and time fields refuses a day outside its kind's
    range, at the field. `date_ranges` names the kind of a field (`{"birth_date": "birth"}`);
    a field not named is an event (1990 to five years ahead)."""

    date_ranges: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, DATE_FIELDS) and not any(
                isinstance(v, InRange) for v in field.validators
            ):
                field.validators = [*field.validators, InRange(self.date_ranges.get(name, "event"))]


def date_in_window(name: str, field: str, *, is_datetime: bool = False) -> models.CheckConstraint:
    """The database's hold on a main date: inside the outer window (empty allowed)."""
    low, high = WINDOW_START, WINDOW_END
    if is_datetime:
        low = datetime(low.year, low.month, low.day, tzinfo=UTC)
        high = datetime(high.year, high.month, high.day, 23, 59, 59, tzinfo=UTC)
    lookups = {f"{field}__gte": low, f"{field}__lte": high}
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**lookups), name=name
    )


def day_param(value: str | None, *, default: date | None = None) -> date:
    """A day given in a URL (`?du=2026-12-05`): a malformed day or one outside the periods the
    product looks at gives `default` (today), never an error."""
    default = default or timezone.localdate()
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    earliest, latest = PERIOD.bounds()
    return day if earliest <= day <= latest else default


def fix_out_of_range(fields, *, today: date | None = None) -> int:
    """The data migration's repair of what was stored before the ranges: for each
    (model, field, nullable), the model as the migration's state gives it, a value outside the
    outer window is emptied when the field may be empty, else brought to the nearest edge. Logs
    the counts, never the records."""
    fixed = 0
    for model, field, nullable in fields:
        is_datetime = isinstance(model._meta.get_field(field), models.DateTimeField)
        low, high = WINDOW_START, WINDOW_END
        if is_datetime:
            low = datetime(low.year, low.month, low.day, tzinfo=UTC)
            high = datetime(high.year, high.month, high.day, tzinfo=UTC)
        for lookup_name, edge in (("lt", low), ("gt", high)):
            rows = model.objects.filter(**{f"{field}__{lookup_name}": edge})
            value = edge
            count = rows.update(**{field: None if nullable else value})
            if count:
                logger.warning(
                    "%s.%s: %d value(s) out of range %s",
                    model._meta.label,
                    field,
                    count,
                    "emptied" if nullable else "brought to the nearest edge",
                )
            fixed += count
    return fixed


__all__ = [
    "BIRTH",
    "EVENT",
    "PAST_EVENT",
    "PERIOD",
    "DateRangeMixin",
    "InRange",
    "date_in_window",
    "day_param",
    "fix_out_of_range",
    "shift",
]
