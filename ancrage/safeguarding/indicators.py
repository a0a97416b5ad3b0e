"""Follow-up indicators of safeguarding (no names): per month or per village, the incidents by
category and severity, the time from report to qualification and to closure (average and
median), the share of declarations confirmed in writing within 48 hours of the alert.

Everything is computed by the database in five grouped queries (the counts alone in one; six
for both groupings at once, `compute_months_and_villages`), whatever the number of incidents:
counts and averages with GROUP BY, medians with window functions (ROW_NUMBER and COUNT over each
group, keeping the middle row or two), which SQLite and PostgreSQL both run.

The organisation-wide figures (every incident of the period, whatever the number of villages)
are stored once computed, per day and per state of the incidents (`stored_months_and_villages`,
models.StoredIndicators, a row for the months and one per village): until an incident or a
declaration is written, or the day changes, a page reads them in one query, the months' row and
the rows of the villages it shows."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth

from ancrage.kernel.calendar import add_months
from ancrage.safeguarding.models import (
    Declaration,
    Incident,
    IndicatorsState,
    StoredIndicators,
    confirmed_in_time_sql,
)

MONTHS = 12


def paris():
    return ZoneInfo(settings.TIME_ZONE)


@dataclass
class Row:
    key: object
    label: str = ""
    total: int = 0
    by_category: dict = field(default_factory=dict)
    by_severity: dict = field(default_factory=dict)
    qualification_average: timedelta | None = None
    qualification_median: timedelta | None = None
    closure_average: timedelta | None = None
    closure_median: timedelta | None = None
    declarations: int = 0
    confirmed_in_time: int = 0

    @property
    def confirmed_share(self) -> int | None:
        """Percentage of the alerted declarations confirmed in writing within 48 hours."""
        if not self.declarations:
            return None
        return round(100 * self.confirmed_in_time / self.declarations)

    def categories(self):
        return [
            (label, self.by_category.get(value, 0)) for value, label in Incident.Category.choices
        ]

    def severities(self):
        return [
            (label, self.by_severity.get(value, 0)) for value, label in Incident.Severity.choices
        ]


def first_month(today: date, months: int = MONTHS) -> date:
    return add_months(today.replace(day=1), -(months - 1))


def _duration(end: str):
    return ExpressionWrapper(F(end) - F("reported_at"), output_field=DurationField())


def _medians(incidents, key, end: str) -> dict:
    """{group: median of (end - reported_at)} in one query: within each group, the rows are
    numbered by duration and only the middle one (odd count) or two (even count) are kept."""
    duration = _duration(end)
    rows = (
        incidents.filter(**{f"{end}__isnull": False})
        .annotate(
            group=key,
            duration=duration,
            position=Window(RowNumber(), partition_by=[key], order_by=duration.asc()),
            size=Window(Count("pk"), partition_by=[key]),
        )
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
        .values_list("group", "duration")
    )
    middles: dict = {}
    for group, value in rows:
        middles.setdefault(_normalise(group), []).append(value)
    return {group: sum(values, timedelta()) / len(values) for group, values in middles.items()}


def _normalise(group):
    """A month truncated by the database: a date (SQLite gives a datetime, PostgreSQL an aware
    datetime in the requested zone)."""
    if hasattr(group, "date"):
        return group.date()
    return group


def month_start(since: date) -> datetime:
    """The first instant of `since` (a month's first day) in Paris."""
    return datetime.combine(since, time.min, tzinfo=paris())


def _reported_since(incidents, since: date):
    return incidents.filter(reported_at__gte=month_start(since)).order_by()


def _month_key(path: str = "reported_at"):
    return TruncMonth(path, tzinfo=paris())


def _row(rows: dict, group) -> Row:
    group = _normalise(group)
    return rows.setdefault(group, Row(key=group))


def _count(incidents, key, rows: dict) -> None:
    """Add to each group's row its incidents by category and severity (one query)."""
    for group, category, severity, n in (
        incidents.annotate(group=key)
        .values("group", "category", "severity")
        .annotate(n=Count("pk"))
        .values_list("group", "category", "severity", "n")
    ):
        r = _row(rows, group)
        r.total += n
        if category:
            r.by_category[category] = r.by_category.get(category, 0) + n
        if severity:
            r.by_severity[severity] = r.by_severity.get(severity, 0) + n


def compute(incidents, *, by: str = "month", since: date, declarations=None) -> dict:
    """Indicators of `incidents` reported since `since`, grouped by month (key: the month's
    first day) or by village (key: establishment id)."""
    incidents = _reported_since(incidents, since)
    key = _month_key() if by == "month" else F("establishment_id")
    rows: dict = {}
    _count(incidents, key, rows)
    for group, qualification, closure in (
        incidents.annotate(group=key)
        .values("group")
        .annotate(q=Avg(_duration("qualified_at")), c=Avg(_duration("closed_at")))
        .values_list("group", "q", "c")
    ):
        r = _row(rows, group)
        r.qualification_average, r.closure_average = _seconds(qualification), _seconds(closure)
    for group, median in _medians(incidents, key, "qualified_at").items():
        _row(rows, group).qualification_median = median
    for group, median in _medians(incidents, key, "closed_at").items():
        _row(rows, group).closure_median = median
    declared = Declaration.objects.filter(incident__in=incidents, alerted_at__isnull=False)
    declaration_key = (
        _month_key("incident__reported_at") if by == "month" else F("incident__establishment_id")
    )
    for group, total, in_time in (
        declared.annotate(group=declaration_key)
        .values("group")
        .annotate(
            total=Count("pk"),
            in_time=Count("pk", filter=confirmed_in_time_sql()),
        )
        .values_list("group", "total", "in_time")
    ):
        r = _row(rows, group)
        r.declarations, r.confirmed_in_time = total, in_time
    return rows


def compute_months_and_villages(incidents, *, since: date) -> tuple[dict, dict]:
    """The indicators of `compute` grouped both by month and by village, reading the incidents
    and their declarations once for both: the counts, the durations' sums and the declarations
    are grouped by (month, village) in the database and added up here (they add up; an average
    is a sum over a count); the medians, which do not add up, are one query per grouping."""
    incidents = _reported_since(incidents, since)
    month, village = _month_key(), F("establishment_id")
    months: dict = {}
    villages: dict = {}
    sums: dict = {}
    for group_month, group_village, category, severity, n, q_sum, q_n, c_sum, c_n in (
        incidents.annotate(m=month)
        .values("m", "establishment_id", "category", "severity")
        .annotate(
            n=Count("pk"),
            q_sum=Sum(_duration("qualified_at")),
            q_n=Count("qualified_at"),
            c_sum=Sum(_duration("closed_at")),
            c_n=Count("closed_at"),
        )
        .values_list(
            "m", "establishment_id", "category", "severity", "n", "q_sum", "q_n", "c_sum", "c_n"
        )
    ):
        for rows, group in ((months, _normalise(group_month)), (villages, group_village)):
            r = _row(rows, group)
            r.total += n
            if category:
                r.by_category[category] = r.by_category.get(category, 0) + n
            if severity:
                r.by_severity[severity] = r.by_severity.get(severity, 0) + n
            acc = sums.setdefault((id(rows), group), [timedelta(), 0, timedelta(), 0])
            acc[0] += _microseconds(q_sum)
            acc[1] += q_n
            acc[2] += _microseconds(c_sum)
            acc[3] += c_n
    for rows in (months, villages):
        for group, r in rows.items():
            q_sum, q_n, c_sum, c_n = sums[(id(rows), group)]
            r.qualification_average = _seconds(q_sum / q_n) if q_n else None
            r.closure_average = _seconds(c_sum / c_n) if c_n else None
    for rows, key in ((months, month), (villages, village)):
        for end, attribute in (
            ("qualified_at", "qualification_median"),
            ("closed_at", "closure_median"),
        ):
            for group, median in _medians(incidents, key, end).items():
                setattr(_row(rows, group), attribute, median)
    declared = Declaration.objects.filter(incident__in=incidents, alerted_at__isnull=False)
    for group_month, group_village, total, in_time in (
        declared.annotate(m=_month_key("incident__reported_at"))
        .values("m", "incident__establishment_id")
        .annotate(total=Count("pk"), in_time=Count("pk", filter=confirmed_in_time_sql()))
        .values_list("m", "incident__establishment_id", "total", "in_time")
    ):
        for rows, group in ((months, _normalise(group_month)), (villages, group_village)):
            r = _row(rows, group)
            r.declarations += total
            r.confirmed_in_time += in_time
    return months, villages


def _scope(incidents, since: date) -> str:
    return hashlib.sha256(f"{since}|{incidents.query}".encode()).hexdigest()


def stored(incidents, *, since: date, day: date):
    """The rows stored for these incidents (the scope: their query's SQL), `since`, `day` and
    the present state of the incidents (a queryset: none if not stored yet or stale)."""
    return StoredIndicators.objects.filter(
        scope=_scope(incidents, since),
        day=day,
        state=Coalesce(Subquery(IndicatorsState.objects.filter(pk=1).values("value")), 0),
    )


def stored_months_and_villages(
    incidents, *, since: date, day: date, villages=None
) -> tuple[dict, dict]:
    """`compute_months_and_villages(incidents, since=since)`, read from the figures stored for
    these incidents, `day` and the present state of the incidents (one query, the months' row
    and, with `villages` (ids), only those villages' rows), else computed and stored. The state
    is read before computing: an incident written meanwhile moves it on, and the figures stored
    here are not read again."""
    rows = stored(incidents, since=since, day=day)
    if villages is not None:
        rows = rows.filter(village__in=[StoredIndicators.ORGANISATION, *villages])
    months, by_village = None, {}
    for village, data in rows.values_list("village", "data"):
        if village == StoredIndicators.ORGANISATION:
            months = load(data["months"], month_keys=True)
        else:
            by_village.update(load([data]))
    if months is not None:
        return months, by_village
    state = IndicatorsState.current()
    months, by_village = compute_months_and_villages(incidents, since=since)
    scope = _scope(incidents, since)
    StoredIndicators.objects.bulk_create(
        [
            StoredIndicators(
                scope=scope,
                day=day,
                state=state,
                village=StoredIndicators.ORGANISATION,
                data={"months": dump(months)},
            )
        ]
        + [
            StoredIndicators(
                scope=scope,
                day=day,
                state=state,
                village=village,
                total=row.total,
                serious=serious(row),
                data=dump({village: row})[0],
            )
            for village, row in by_village.items()
        ],
        ignore_conflicts=True,
    )
    if villages is not None:
        wanted = set(villages)
        by_village = {pk: row for pk, row in by_village.items() if pk in wanted}
    return months, by_village


SERIOUS = (Incident.Severity.SERIOUS, Incident.Severity.CRITICAL)


def serious(row: Row) -> int:
    """The row's incidents qualified as serious or very serious."""
    return sum(row.by_severity.get(value, 0) for value in SERIOUS)


DURATIONS = ("qualification_average", "qualification_median", "closure_average", "closure_median")


def dump(rows: dict) -> list:
    """Rows as JSON: durations in microseconds, month keys as ISO dates."""
    out = []
    for key, r in rows.items():
        item = {
            "key": key.isoformat() if isinstance(key, date) else key,
            "label": r.label,
            "total": r.total,
            "by_category": r.by_category,
            "by_severity": r.by_severity,
            "declarations": r.declarations,
            "confirmed_in_time": r.confirmed_in_time,
        }
        for name in DURATIONS:
            value = getattr(r, name)
            item[name] = None if value is None else value // timedelta(microseconds=1)
        out.append(item)
    return out


def load(items: list, month_keys: bool = False) -> dict:
    """The rows `dump` wrote."""
    rows = {}
    for item in items:
        key = date.fromisoformat(item["key"]) if month_keys else item["key"]
        durations = {
            name: None if item[name] is None else timedelta(microseconds=item[name])
            for name in DURATIONS
        }
        rows[key] = Row(
            key=key,
            label=item["label"],
            total=item["total"],
            by_category=item["by_category"],
            by_severity=item["by_severity"],
            declarations=item["declarations"],
            confirmed_in_time=item["confirmed_in_time"],
            **durations,
        )
    return rows


def _microseconds(value) -> timedelta:
    """A sum of durations as a timedelta (SQLite sums microseconds as a number)."""
    if value is None:
        return timedelta()
    if not isinstance(value, timedelta):
        return timedelta(microseconds=value)
    return value


def _seconds(value):
    """An average duration as a timedelta rounded to the minute (SQLite averages microseconds
    as a float)."""
    if value is None:
        return None
    if not isinstance(value, timedelta):
        value = timedelta(microseconds=value)
    return timedelta(minutes=round(value.total_seconds() / 60))


def by_month(rows: dict, since: date, months: int = MONTHS) -> list[Row]:
    """One row per month of the period, oldest first, empty months included."""
    return [rows.get(add_months(since, i)) or Row(key=add_months(since, i)) for i in range(months)]


def monthly(incidents, today: date, months: int = MONTHS) -> list[Row]:
    """One row per month of the period, oldest first, empty months included."""
    since = first_month(today, months)
    return by_month(compute(incidents, by="month", since=since), since, months)


def monthly_counts(incidents, today: date, months: int = MONTHS) -> list[Row]:
    """The rows of `monthly` with their counts only (no delays, no declarations), in one query:
    what the home page's chart shows."""
    since = first_month(today, months)
    rows: dict = {}
    _count(_reported_since(incidents, since), _month_key(), rows)
    return by_month(rows, since, months)


def total(rows: list[Row]) -> Row:
    """The period's totals (the medians are not additive: left out)."""
    out = Row(key=None)
    for r in rows:
        out.total += r.total
        for value, n in r.by_category.items():
            out.by_category[value] = out.by_category.get(value, 0) + n
        for value, n in r.by_severity.items():
            out.by_severity[value] = out.by_severity.get(value, 0) + n
        out.declarations += r.declarations
        out.confirmed_in_time += r.confirmed_in_time
    return out


def chart(rows: list[Row], height: int = 120, bar: int = 28, gap: int = 12) -> dict:
    """Geometry of a server-rendered SVG bar chart of the monthly totals (no JavaScript)."""
    peak = max((r.total for r in rows), default=0) or 1
    bars = []
    for i, r in enumerate(rows):
        h = round(height * r.total / peak)
        x = 30 + i * (bar + gap)
        bars.append(
            {
                "row": r,
                "x": x,
                "y": 20 + height - h,
                "height": h,
                "width": bar,
                "label_x": x + bar // 2,
                "value_y": 20 + height - h - 4,
            }
        )
    return {
        "bars": bars,
        "width": 30 + len(rows) * (bar + gap),
        "height": height + 50,
        "axis_y": 20 + height,
        "label_y": 20 + height + 16,
        "peak": peak,
    }
