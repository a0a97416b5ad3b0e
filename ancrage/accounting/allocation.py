"""Allocating the books to the sections, one year of an organisation at a time, recomputed whole
(one transaction): each class 6 or 7 line reaches sections by its analytic code, else by the
rule of its account (the longest prefix; a rule naming the line's journal before one for every
journal): directly, by the approved staff time of its month (salaries and charges: accounts 64
when no rule says otherwise), or by the key in force on its date. Each share is an
`AllocatedAmount` pointing back to its line, and to its key or its month's time basis.

Set-based: the database classifies every line of the year in one query (its rule, its method,
its key in force, its month and its amount in cents, `_classified`), then one `INSERT … SELECT`
per method writes the shares (four statements for the year, whatever its size). A split (time or
key) is exact to the cent in integer arithmetic: each section gets the floor of
amount × weight ÷ total weight, and the cents left go to the largest remainders (ties: the lowest
section id), as `periods.split_exactly` does. Portable SQL (window functions: PostgreSQL,
SQLite ≥ 3.25); amounts × weights in cents stay below 2⁶³ (a line of 10 million euros on a month's
salaries of 10 million euros is 10¹⁸)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast, Round, TruncMonth
from django.utils.translation import gettext as _

from ancrage.accounting.models import (
    AllocatedAmount,
    AllocationKey,
    AllocationRule,
    Contract,
    KeyShare,
    LedgerLine,
    Section,
    SectionMonth,
    TimeBasis,
    TimeEntry,
    TimeSheet,
)
from ancrage.accounting.services import salary_by_section

SALARIES = "64"
# The lines of the year left out are counted; this many are listed with why in the report.
UNALLOCATED_LISTED = 200
CODE, DIRECT, TIME, KEY = (m.value for m in AllocatedAmount.Method)


@dataclass
class AllocationResult:
    allocated: int = 0
    amounts: int = 0
    unallocated_count: int = 0
    # the first lines left out, with why (French), for the report
    unallocated: list[tuple[LedgerLine, str]] = field(default_factory=list)


class FirstOfMonth(TruncMonth):
    """The first day of the month as a date on every database (PostgreSQL's DATE_TRUNC gives a
    timestamp)."""

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = self.as_sql(compiler, connection, **extra)
        return f"({sql})::date", params


def _time_bases(organisation, year: int) -> dict[date, tuple[dict, dict]]:
    """For each month: section id -> salary cost by approved time, and section id -> the
    sheets behind it."""
    sheets = (
        TimeSheet.objects.filter(
            status=TimeSheet.Status.APPROVED,
            month__year=year,
            entries__section__organisation=organisation,
        )
        .distinct()
        .prefetch_related(Prefetch("entries", TimeEntry.objects.order_by("pk")))
    )
    contracts = defaultdict(list)
    for contract in Contract.objects.filter(organisation=organisation).order_by("start_date", "pk"):
        contracts[contract.employee_id].append(contract)
    months: dict[date, tuple[dict, dict]] = {}
    for sheet in sheets:
        weights, behind = months.setdefault(sheet.month, (defaultdict(Decimal), defaultdict(list)))
        for section_id, cost in salary_by_section(sheet, contracts[sheet.employee_id]).items():
            weights[section_id] += cost
            behind[section_id].append(sheet.pk)
    return months


def _write_time_bases(organisation, year: int) -> int:
    """The month's salary cost by section of the approved sheets, and the sheets behind it."""
    months = _time_bases(organisation, year)
    bases = TimeBasis.objects.bulk_create(
        (
            TimeBasis(organisation=organisation, month=month, section_id=section_id, weight=weight)
            for month, (weights, _behind) in months.items()
            for section_id, weight in weights.items()
        ),
        batch_size=1000,
    )
    through = TimeBasis.sheets.through
    through.objects.bulk_create(
        (
            through(timebasis_id=basis.pk, timesheet_id=sheet_id)
            for basis in bases
            for sheet_id in months[basis.month][1][basis.section_id]
        ),
        batch_size=5000,
    )
    return len(bases)


def _ranked(rules):
    """The rules, the most specific first: the longest prefix, then one naming its journal."""
    return sorted(rules, key=lambda r: (len(r.account_prefix), bool(r.journal_code)), reverse=True)


def _classified(organisation, year: int, rules, keys):
    """The year's lines of classes 6 and 7 that carry an amount, each with `units` (its amount in
    cents, positive) and `sign`, `month`, `rule` (the pk of its rule), `how` (the method: code,
    direct, time, key, or empty: no rule), `target` (a direct rule's section) and `key_ref` (the
    key in force on its date, for a key rule)."""
    money = DecimalField(max_digits=15, decimal_places=2)
    signed = Case(
        When(account_number__startswith="7", then=F("credit") - F("debit")),
        default=F("debit") - F("credit"),
        output_field=money,
    )
    ranked = _ranked(rules)
    matches = {
        rule.pk: Q(account_number__startswith=rule.account_prefix)
        & (Q(journal_code=rule.journal_code) if rule.journal_code else Q())
        for rule in ranked
    }
    lines = (
        LedgerLine.objects.filter(fec_import__organisation=organisation, entry_date__year=year)
        .filter(Q(account_number__startswith="6") | Q(account_number__startswith="7"))
        .annotate(signed=signed)
        .annotate(
            units=Cast(Round(Abs(F("signed")) * Value(Decimal(100))), BigIntegerField()),
            sign=Case(When(signed__lt=0, then=Value(-1)), default=Value(1)),
            month=FirstOfMonth("entry_date"),
            rule=Case(
                *[When(matches[r.pk], then=Value(r.pk)) for r in ranked],
                default=Cast(Value(None), IntegerField()),
                output_field=IntegerField(),
            ),
        )
        .filter(units__gt=0)
    )
    versions = defaultdict(list)
    for key in sorted(keys, key=lambda k: k.valid_from, reverse=True):
        versions[key.code].append(key)
    return lines.annotate(
        how=Case(
            When(~Q(analytic_code=""), then=Value(CODE)),
            *[When(rule=r.pk, then=Value(r.method)) for r in ranked],
            When(account_number__startswith=SALARIES, then=Value(TIME)),
            default=Value(""),
            output_field=CharField(),
        ),
        target=Case(
            *[When(rule=r.pk, then=Value(r.section_id)) for r in ranked if r.method == DIRECT],
            default=Cast(Value(None), IntegerField()),
            output_field=IntegerField(),
        ),
        key_ref=Case(
            *[
                When(Q(rule=r.pk, entry_date__gte=k.valid_from), then=Value(k.pk))
                for r in ranked
                if r.method == KEY
                for k in versions[r.key_code]
            ],
            default=Cast(Value(None), IntegerField()),
            output_field=IntegerField(),
        ),
    )


def _sql(queryset, *fields):
    return queryset.values(*fields).order_by().query.sql_with_params()


def _execute(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _insert_whole(
    organisation, lines, method: str, section_sql: str, joins: str = "", join_params=()
) -> int:
    """One share per line: its whole amount to one section."""
    amount = AllocatedAmount._meta.db_table
    sql, params = _sql(
        lines.filter(how=method), "id", "month", "units", "sign", "analytic_code", "target"
    )
    return _execute(
        f"INSERT INTO {amount} (organisation_id, line_id, section_id, month, amount, method, "  # noqa: S608 - table names from the models, values as parameters
        f"key_id, time_basis_id) "
        f"SELECT %s, l.id, {section_sql}, l.month, (l.sign * l.units) / 100.0, %s, NULL, NULL "
        f"FROM ({sql}) l {joins}",
        (organisation.pk, method, *params, *join_params),
    )


def _insert_split(organisation, lines, method: str, weights: str, weight_params, on: str) -> int:
    """Each line split among the sections of its weights (`ref_id`: the time basis or the key;
    `section_id`; `cents`: an integer weight; `total`: the weights' sum), exactly to the cent:
    one sort of the shares per line (largest remainder first) numbers them and sums their
    floors."""
    amount = AllocatedAmount._meta.db_table
    sql, params = _sql(lines.filter(how=method), "id", "month", "units", "sign", "key_ref")
    basis, key = ("q.ref_id", "NULL") if method == TIME else ("NULL", "q.ref_id")
    share = "(q.base + CASE WHEN q.rn <= q.missing THEN 1 ELSE 0 END)"
    order = "PARTITION BY p.line_id ORDER BY p.rest DESC, p.section_id"
    return _execute(
        f"INSERT INTO {amount} (organisation_id, line_id, section_id, month, amount, method, "  # noqa: S608 - table names from the models, values as parameters
        f"key_id, time_basis_id) "
        f"SELECT %s, q.line_id, q.section_id, q.month, (q.sign * {share}) / 100.0, %s, "
        f"{key}, {basis} FROM ("
        f" SELECT p.*, ROW_NUMBER() OVER ({order}) AS rn,"
        f"  p.units - CAST(SUM(p.base) OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING"
        f"  AND UNBOUNDED FOLLOWING) AS BIGINT) AS missing"
        f" FROM ("
        f"  SELECT l.id AS line_id, l.month AS month, l.units AS units, l.sign AS sign,"
        f"   w.ref_id AS ref_id, w.section_id AS section_id,"
        f"   (l.units * w.cents) / w.total AS base, (l.units * w.cents) %% w.total AS rest"
        f"  FROM ({sql}) l JOIN ({weights}) w ON {on}"
        f" ) p"
        f") q WHERE {share} > 0",
        (organisation.pk, method, *params, *weight_params),
    )


def _cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100, 0) AS BIGINT)"


def _why(line, rules_by_pk) -> str:
    if line.how == TIME:
        return _("aucune feuille de temps approuvée pour ce mois")
    if line.how == KEY and line.key_ref is None:
        return _("aucune clé « %(code)s » en vigueur à cette date") % {
            "code": rules_by_pk[line.rule].key_code
        }
    if not line.how:
        return _("aucune règle pour ce compte")
    return _("rien à répartir")


def section_months(amounts):
    """The sums of allocated amounts per section and month: charges (class 6) and the rest."""
    charge = Q(line__account_number__startswith="6")
    return (
        amounts.values("organisation_id", "section_id", "month")
        .annotate(charges=Sum("amount", filter=charge), income=Sum("amount", filter=~charge))
        .order_by()
    )


def write_section_months(organisation, year: int) -> None:
    """The year's `SectionMonth` rows of the organisation, from its allocated amounts."""
    SectionMonth.objects.bulk_create(
        (
            SectionMonth(
                organisation_id=row["organisation_id"],
                section_id=row["section_id"],
                month=row["month"],
                charges=row["charges"] or 0,
                income=row["income"] or 0,
            )
            for row in section_months(
                AllocatedAmount.objects.filter(organisation=organisation, month__year=year)
            )
        ),
        batch_size=1000,
    )


@transaction.atomic
def allocate_year(organisation, year: int) -> AllocationResult:
    """Recompute the allocation of the organisation's lines dated in `year`."""
    if connection.vendor == "postgresql":
        # Every join here is over a whole year (hundreds of thousands of lines): never a nested
        # loop, which re-reads the classified lines for each month or key when the planner's
        # statistics predate a large import (it then takes the lines for one row).
        _execute("SET LOCAL enable_nestloop = off", ())
    AllocatedAmount.objects.filter(organisation=organisation, month__year=year).delete()
    SectionMonth.objects.filter(organisation=organisation, month__year=year).delete()
    TimeBasis.objects.filter(organisation=organisation, month__year=year).delete()
    _write_time_bases(organisation, year)
    rules = list(AllocationRule.objects.filter(organisation=organisation))
    keys = list(AllocationKey.objects.filter(organisation=organisation))
    lines = _classified(organisation, year, rules, keys)
    section = Section._meta.db_table
    time_basis = TimeBasis._meta.db_table
    key_share = KeyShare._meta.db_table
    amounts = _insert_whole(
        organisation,
        lines,
        CODE,
        "s.id",
        f"JOIN {section} s ON s.organisation_id = %s AND s.code = l.analytic_code",
        (organisation.pk,),
    )
    amounts += _insert_whole(organisation, lines, DIRECT, "l.target")
    amounts += _insert_split(
        organisation,
        lines,
        TIME,
        f"SELECT t.*, CAST(SUM(t.cents) OVER (PARTITION BY t.month) AS BIGINT) AS total FROM ("  # noqa: S608 - table names from the models, values as parameters
        f"SELECT id AS ref_id, section_id, month, {_cents('weight')} AS cents FROM {time_basis} "
        f"WHERE organisation_id = %s AND weight > 0) t",
        (organisation.pk,),
        "w.month = l.month",
    )
    amounts += _insert_split(
        organisation,
        lines,
        KEY,
        f"SELECT k.*, CAST(SUM(k.cents) OVER (PARTITION BY k.ref_id) AS BIGINT) AS total FROM ("  # noqa: S608 - table names from the models, values as parameters
        f"SELECT key_id AS ref_id, section_id, {_cents('weight')} AS cents FROM {key_share} "
        f"WHERE weight > 0) k",
        (),
        "w.ref_id = l.key_ref",
    )
    write_section_months(organisation, year)
    left = lines.exclude(how=CODE).filter(
        ~Exists(AllocatedAmount.objects.filter(line=OuterRef("pk")))
    )
    result = AllocationResult(amounts=amounts, unallocated_count=left.count())
    result.allocated = lines.count() - result.unallocated_count
    rules_by_pk = {rule.pk: rule for rule in rules}
    result.unallocated = [
        (line, _why(line, rules_by_pk))
        for line in left.order_by("entry_date", "journal_code", "entry_number", "line_number")[
            :UNALLOCATED_LISTED
        ]
    ]
    return result
