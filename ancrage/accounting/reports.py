"""The annual financial report of an O2R programme (compte rendu financier) for one agreement
year: charges and income by nature from the allocation, the State's funding (accounts 741),
other funding (the other accounts 74), valued volunteering (accounts 87 coded to the programme's
sections), the forecast budget against what was achieved, consolidated for a consortium with a
column per member; the over-compensation check of the public-service mandate (SIEG) per year and
over the agreement; the cost per person accompanied and per positive exit, whose counts of people
go through the disclosure control (kernel.disclosure) like any aggregate that leaves the
operator. No person and no salary is named: categories and sums only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from ancrage.accounting.budgets import AgreementYear, agreement_years
from ancrage.accounting.models import AllocatedAmount, BudgetLine, CostCategory, LedgerLine, Section
from ancrage.insertion.models import Accompaniment, Exit
from ancrage.kernel.disclosure import FOOTNOTE, MASK, Table, protect
from ancrage.kernel.documents import render_pdf
from ancrage.kernel.exports import spreadsheet_row

STATE = "741"  # subventions d'exploitation de l'État: the O2R compensation
FUNDING = "74"  # every operating grant
VOLUNTEERING = "87"  # contributions volontaires en nature (bénévolat valorisé)
POSITIVE_EXITS = (
    Exit.Reason.SUSTAINABLE_JOB,
    Exit.Reason.SHORT_JOB,
    Exit.Reason.TRAINING,
    Exit.Reason.MAINSTREAM,
    Exit.Reason.OTHER_SCHEME,
)
ZERO = Decimal(0)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """A line of the report: a label, an amount per member, the total."""

    label: str
    members: list
    nature: str = ""
    ineligible: bool = False
    key: tuple = ()
    given_total: tuple = ()  # (the published total,) when it is not the sum of the members

    @property
    def total(self):
        if self.given_total:
            return self.given_total[0]
        if any(value == MASK for value in self.members):
            return MASK
        return sum((v for v in self.members if v is not None), ZERO)


@dataclass
class YearCheck:
    """The over-compensation check of one agreement year (or of the whole agreement)."""

    label: str
    eligible_costs: Decimal
    other_income: Decimal
    state_funding: Decimal

    @property
    def net_cost(self) -> Decimal:
        return self.eligible_costs - self.other_income

    @property
    def excess(self) -> Decimal:
        """What the State's funding exceeds the net cost by (zero when it does not)."""
        return max(self.state_funding - self.net_cost, ZERO)

    @property
    def over_compensated(self) -> bool:
        return self.excess > 0


@dataclass
class FinancialReport:
    programme: object
    year: AgreementYear
    members: list  # organisation names, the lead first
    charges: list[Row] = field(default_factory=list)
    income: list[Row] = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # name -> Row
    budget: list = field(default_factory=list)  # (label, budget, achieved, variance, %)
    checks: list[YearCheck] = field(default_factory=list)  # each year so far, then cumulated
    people: list[Row] = field(default_factory=list)  # counts (masked as published)
    unit_costs: list[Row] = field(default_factory=list)

    @property
    def consolidated(self) -> bool:
        return len(self.members) > 1

    @property
    def check(self) -> YearCheck:
        return self.checks[self.year.number - 1]

    @property
    def cumulated(self) -> YearCheck:
        return self.checks[-1]

    @property
    def over_compensated(self) -> bool:
        """Whether any year, or the agreement as a whole, is over-compensated."""
        return any(check.over_compensated for check in self.checks)


def _members(programme) -> list[tuple[int, str]]:
    """(organisation id, name) of the programme's sections, the lead (or sole carrier) first."""
    lead = programme.consortium.lead_id if programme.consortium_id else programme.organisation_id
    seen = dict(
        Section.objects.filter(programme=programme)
        .values_list("organisation_id", "organisation__name")
        .order_by("organisation__name")
    )
    return sorted(seen.items(), key=lambda item: (item[0] != lead, item[1]))


def _allocated(programme, start: date, end: date):
    """(organisation, category id, account is class 7, is the State's, is a grant) -> amount."""
    rows = (
        AllocatedAmount.objects.filter(
            section__programme=programme, month__gte=start.replace(day=1), month__lte=end
        )
        .values("section__organisation_id", "line__category_id", "line__account_number")
        .annotate(total=Sum("amount"))
        .order_by("section__organisation_id", "line__category_id", "line__account_number")
    )
    return list(rows)


def _year_check(label, rows, ineligible) -> YearCheck:
    costs = other = state = ZERO
    for row in rows:
        account = row["line__account_number"]
        if account.startswith("6"):
            if row["line__category_id"] not in ineligible:
                costs += row["total"]
        elif account.startswith(STATE):
            state += row["total"]
        elif account.startswith("7"):
            other += row["total"]
    return YearCheck(label, costs, other, state)


def over_compensation(programme) -> list[YearCheck]:
    """Eligible O2R costs less O2R income other than the State's, against the State's funding,
    for each agreement year (nothing yet for a year not begun), then over the agreement."""
    ineligible = _ineligible(programme)
    checks = []
    for year in agreement_years(programme):
        label = _("Année %(n)s (%(start)s – %(end)s)") % {
            "n": year.number,
            "start": year.start.strftime("%d/%m/%Y"),
            "end": year.end.strftime("%d/%m/%Y"),
        }
        checks.append(_year_check(label, _allocated(programme, year.start, year.end), ineligible))
    checks.append(
        YearCheck(
            _("Cumul sur la convention"),
            sum((c.eligible_costs for c in checks), ZERO),
            sum((c.other_income for c in checks), ZERO),
            sum((c.state_funding for c in checks), ZERO),
        )
    )
    return checks


def _ineligible(programme) -> set[int]:
    return set(
        CostCategory.objects.filter(ineligible_programmes=programme).values_list("pk", flat=True)
    )


def _people(programme, members, start: date, end: date) -> list[list[int]]:
    """[people accompanied, positive exits] x member: accompaniments running during the year
    in the member's services of the programme, exits to a solution dated in it."""
    services = Q(beneficiary__service__o2r_programmes=programme)
    running = (
        Accompaniment.objects.filter(services, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values("beneficiary__service__organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    exits = (
        Exit.objects.filter(
            beneficiary__service__o2r_programmes=programme,
            date__gte=start,
            date__lte=end,
            reason__in=POSITIVE_EXITS,
        )
        .values("beneficiary__service__organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    accompanied = {r["beneficiary__service__organisation_id"]: r["n"] for r in running}
    positive = {r["beneficiary__service__organisation_id"]: r["n"] for r in exits}
    return [
        [int(accompanied.get(pk, 0)) for pk, _name in members],
        [int(positive.get(pk, 0)) for pk, _name in members],
    ]


def financial_report(programme, year: AgreementYear) -> FinancialReport:
    members = _members(programme)
    index = {pk: i for i, (pk, _name) in enumerate(members)}
    width = len(members)
    report = FinancialReport(programme, year, [name for _pk, name in members])
    rows = _allocated(programme, year.start, year.end)
    categories = {
        c.pk: c
        for c in CostCategory.objects.filter(
            organisation_id__in=[pk for pk, _name in members]
        ).order_by("nature", "code")
    }
    ineligible = _ineligible(programme)
    # categories of the members' charts are merged by code: the same nature across members
    by_code: dict[tuple[str, str], list] = {}
    labels: dict[tuple[str, str], str] = {}
    grant_categories = set()  # categories of grants only: shown as the funding lines
    for category in categories.values():
        key = (category.nature, category.code)
        by_code.setdefault(key, [ZERO] * width)
        labels[key] = category.name
        if all(prefix.startswith(FUNDING) for prefix in category.prefixes()):
            grant_categories.add(key)
    uncategorised = {"charge": [ZERO] * width, "income": [ZERO] * width}
    # the grants (accounts 74) are shown once, as the State's funding and other funding: the
    # income lines by nature leave them out (their categories still compare with the budget)
    funding: dict[tuple[str, str], list] = defaultdict(lambda: [ZERO] * width)
    state = [ZERO] * width
    grants = [ZERO] * width
    eligible = [ZERO] * width
    for row in rows:
        category = categories.get(row["line__category_id"])
        column = index[row["section__organisation_id"]]
        account = row["line__account_number"]
        if category is None:
            nature = "income" if account.startswith("7") else "charge"
            key = ("", nature)
            uncategorised[nature][column] += row["total"]
        else:
            key = (category.nature, category.code)
            by_code[key][column] += row["total"]
        if account.startswith(STATE):
            state[column] += row["total"]
            funding[key][column] += row["total"]
        elif account.startswith(FUNDING):
            grants[column] += row["total"]
            funding[key][column] += row["total"]
        elif account.startswith("6") and row["line__category_id"] not in ineligible:
            eligible[column] += row["total"]
    planned = defaultdict(Decimal)
    for line in BudgetLine.objects.filter(
        budget__section__programme=programme, budget__year=year.year
    ).select_related("category"):
        planned[(line.category.nature, line.category.code)] += line.amount
    planned_keys = dict(planned)
    ineligible_codes = {categories[pk].code for pk in ineligible if pk in categories}
    achieved: list[Row] = []  # every category, grants included: the budget's comparison
    for (nature, code), amounts in sorted(by_code.items()):
        if not any(amounts) and not planned_keys.get((nature, code)):
            continue  # neither achieved nor budgeted: no line
        line = Row(
            labels[(nature, code)], amounts, nature, code in ineligible_codes, (nature, code)
        )
        achieved.append(line)
        if (nature, code) in grant_categories:
            continue
        if (nature, code) in funding:
            shown = [a - f for a, f in zip(amounts, funding[(nature, code)], strict=True)]
            if not any(shown):
                continue  # all of it is in the State's funding or other funding
            line = Row(line.label, shown, nature, line.ineligible, line.key)
        (report.charges if nature == "charge" else report.income).append(line)
    for nature, amounts in uncategorised.items():
        shown = [a - f for a, f in zip(amounts, funding[("", nature)], strict=True)]
        if any(shown):
            line = Row(_("Sans catégorie"), shown, nature)
            (report.charges if nature == "charge" else report.income).append(line)

    def column_sum(selected):
        return [sum((r.members[i] for r in selected), ZERO) for i in range(width)]

    volunteering = [ZERO] * width
    codes = dict(Section.objects.filter(programme=programme).values_list("code", "organisation_id"))
    for row in (
        LedgerLine.objects.filter(
            account_number__startswith=VOLUNTEERING,
            analytic_code__in=list(codes),
            entry_date__gte=year.start,
            entry_date__lte=year.end,
            fec_import__organisation_id__in=list(index),
        )
        .values("analytic_code", "fec_import__organisation_id")
        .annotate(total=Sum("credit") - Sum("debit"))
        .order_by()
    ):
        if row["fec_import__organisation_id"] == codes.get(row["analytic_code"]):
            volunteering[index[row["fec_import__organisation_id"]]] += row["total"]
    report.totals = {
        "charges": Row(_("Total des charges"), column_sum(report.charges)),
        "eligible": Row(_("Charges éligibles au programme"), eligible),
        "income": Row(
            _("Total des produits"), column_sum([*report.income, Row("", state), Row("", grants)])
        ),
        "state": Row(_("Financement de l'État (comptes 741)"), state),
        "grants": Row(_("Autres financements (autres comptes 74)"), grants),
        "volunteering": Row(_("Bénévolat valorisé (comptes 87)"), volunteering),
    }
    report.totals["result"] = Row(
        _("Résultat (produits − charges)"),
        [
            report.totals["income"].members[i] - report.totals["charges"].members[i]
            for i in range(width)
        ],
    )
    # the forecast budget against what was achieved, category by category (consolidated)
    for row in achieved:
        budget = planned.get(row.key, ZERO)
        done = row.total
        if not budget and not done:
            continue
        variance = done - budget
        percent = (variance * 100 / budget).quantize(Decimal("0.1")) if budget else None
        report.budget.append((row.label, budget, done, variance, percent))
    report.checks = over_compensation(programme)
    # people: published counts only (the disclosure control), and the costs they divide
    counts = _people(programme, members, year.start, year.end)
    publication = protect(
        [
            Table(
                "people",
                [_("Personnes accompagnées"), _("Sorties positives")],
                report.members,
                counts,
                row_totals=True,
                column_totals=False,
            )
        ]
    )
    grid = publication.grid("people")
    accompanied, positive = grid[0], grid[1]
    report.people = [
        Row(_("Personnes accompagnées"), accompanied[:width], given_total=(accompanied[width],)),
        Row(
            _("Sorties positives (emploi, formation, droit commun)"),
            positive[:width],
            given_total=(positive[width],),
        ),
    ]
    eligible_all = [*eligible, sum(eligible, ZERO)]

    def per(costs, people):
        return [
            MASK if n == MASK else (_cents(c / n) if n else None)
            for c, n in zip(costs, people, strict=True)
        ]

    for label, people in (
        (_("Coût éligible par personne accompagnée"), accompanied),
        (_("Coût éligible par sortie positive"), positive),
    ):
        costs = per(eligible_all, people)
        report.unit_costs.append(Row(label, costs[:width], given_total=(costs[width],)))
    return report


def to_xlsx(report: FinancialReport) -> bytes:
    """The report as a workbook: one sheet per part, a column per member and the total."""
    from openpyxl import Workbook  # imported on the first export

    header = [_("Poste"), *report.members, _("Total")]
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Compte rendu"))[:31]
    sheet.append(spreadsheet_row([_("Programme"), report.programme.name]))
    sheet.append(
        spreadsheet_row(
            [_("Année de convention"), report.year.start.isoformat(), report.year.end.isoformat()]
        )
    )
    sheet.append([])
    sheet.append(spreadsheet_row([_("Charges")]))
    sheet.append(spreadsheet_row(header))
    for row in [*report.charges, report.totals["charges"], report.totals["eligible"]]:
        sheet.append(spreadsheet_row([row.label, *row.members, row.total]))
    sheet.append([])
    sheet.append(spreadsheet_row([_("Produits")]))
    sheet.append(spreadsheet_row(header))
    for key in ("state", "grants"):
        row = report.totals[key]
        sheet.append(spreadsheet_row([row.label, *row.members, row.total]))
    for row in [*report.income, report.totals["income"], report.totals["result"]]:
        sheet.append(spreadsheet_row([row.label, *row.members, row.total]))
    row = report.totals["volunteering"]
    sheet.append(spreadsheet_row([row.label, *row.members, row.total]))
    budget = book.create_sheet(str(_("Budget et réalisé"))[:31])
    budget.append(
        spreadsheet_row([_("Poste"), _("Budget"), _("Réalisé"), _("Écart"), _("Écart (%)")])
    )
    for line in report.budget:
        budget.append(spreadsheet_row(list(line)))
    checks = book.create_sheet(str(_("Surcompensation"))[:31])
    checks.append(
        spreadsheet_row(
            [
                _("Période"),
                _("Coûts éligibles"),
                _("Autres produits"),
                _("Coût net"),
                _("Financement de l'État"),
                _("Surcompensation"),
            ]
        )
    )
    for check in report.checks:
        checks.append(
            spreadsheet_row(
                [
                    check.label,
                    check.eligible_costs,
                    check.other_income,
                    check.net_cost,
                    check.state_funding,
                    check.excess,
                ]
            )
        )
    people = book.create_sheet(str(_("Coût par personne"))[:31])
    people.append(spreadsheet_row(header))
    for row in report.people:
        people.append(spreadsheet_row([row.label, *row.members, row.total]))
    for row in report.unit_costs:
        values = [*row.members, row.total]
        people.append(spreadsheet_row([row.label, *["" if v is None else v for v in values]]))
    people.append([])
    people.append(spreadsheet_row([str(FOOTNOTE)]))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: FinancialReport) -> bytes:
    return render_pdf(
        "accounting/financial_report_print.html",
        {"report": report, "footnote": FOOTNOTE},
        stylesheet=settings.BASE_DIR / "static" / "ancrage" / "o2r-report-print.css",
    )
