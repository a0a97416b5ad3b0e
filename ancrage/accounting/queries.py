"""The reads of analytic accounting, scoped to the user: the sections and agreements finance (or
an establishment director) reaches, the contracts finance sets, one's own time sheets, the sheets
a manager approves. No person followed is named here: only staff."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html_join

from ancrage.accounting.models import (
    Agreement,
    AllocatedAmount,
    Budget,
    BudgetLine,
    Contract,
    CostCategory,
    FecImport,
    Section,
    SectionMonth,
    TimeEntry,
    TimeSheet,
)
from ancrage.accounting.periods import first_of_month, last_of_month, month_share
from ancrage.accounting.services import prefilled_hours, sections_of_memberships
from ancrage.accounts.models import Membership, User
from ancrage.insertion.models import Programme
from ancrage.kernel.access import can
from ancrage.kernel.scopes import memberships_in_force, reach
from ancrage.kernel.text import by_name, search_key
from ancrage.organisation.models import Establishment, Organisation


def _organisations(user, kind="analytic"):
    """The organisations finance works for: its own, and the members of the consortia it
    leads."""
    ids = sorted(reach(user, kind, "change").organisations)
    return Organisation.objects.filter(Q(pk__in=ids) | Q(consortia__lead_id__in=ids)).distinct()


# The sections' pages (the list, the cost table) show a page of sections of one establishment or
# of all, never every section: an association of 300 villages has more than 300 sections.
PAGE_SIZE = 20
# The selector's value for the sections of no establishment (the organisation's: support
# functions, a programme carried by the head office).
WITHOUT_ESTABLISHMENT = "aucun"


def section_filter(user, data) -> dict:
    """The establishment chosen in the query string (`etablissement`: an establishment's id,
    WITHOUT_ESTABLISHMENT or nothing for every section) and the selector's choices: the
    establishments of the sections the user reaches, by name (one query, a row each)."""
    raw = (data or {}).get("etablissement", "") or ""
    # an id the database can hold, or nothing (every section)
    valid = raw == WITHOUT_ESTABLISHMENT or (raw.isascii() and raw.isdigit() and len(raw) < 10)
    chosen = raw if valid else ""
    choices = list(
        Establishment.objects.filter(
            pk__in=Section.objects.visible_to(user).values("establishment_id")
        )
        .order_by(*by_name("name"), "pk")
        .values_list("pk", "name")
    )
    return {
        "chosen": chosen,
        # The options written here in one pass (escaped): 300 establishments through the
        # template's loop cost more than the rest of the page, and grew with the villages.
        "options": format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((pk, " selected" if str(pk) == chosen else "", name) for pk, name in choices),
        ),
        "without_establishment": WITHOUT_ESTABLISHMENT,
    }


def _filtered_sections(user, chosen: str):
    queryset = Section.objects.visible_to(user)
    if chosen == WITHOUT_ESTABLISHMENT:
        return queryset.filter(establishment__isnull=True)
    if chosen:
        return queryset.filter(establishment_id=int(chosen))
    return queryset


def section_page(user, data=None, page=1, details=True) -> dict:
    """A page of the sections the user reaches (PAGE_SIZE, by code), of the establishment chosen
    in `data` or of all, with the selector and the count: the same queries whatever the number
    of sections. `details`: with their attachment and funding (the list), or bare (the cost
    table shows their code)."""
    selector = section_filter(user, data)
    queryset = _filtered_sections(user, selector["chosen"]).order_by("code", "pk")
    if details:
        queryset = queryset.select_related(
            "organisation", "establishment", "programme"
        ).prefetch_related("agreements")
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(page)
    return {"selector": selector, "page": page_obj, "sections": list(page_obj.object_list)}


def section_count(user) -> int:
    return Section.objects.visible_to(user).count()


def section(user, pk) -> Section:
    return get_object_or_404(Section.objects.visible_to(user, "change"), pk=pk)


def section_choices(user) -> dict:
    organisations = _organisations(user)
    return {
        "organisations": organisations,
        "establishments": Establishment.objects.filter(organisation__in=organisations),
        "programmes": Programme.objects.filter(
            Q(organisation__in=organisations) | Q(consortium__members__in=organisations)
        ).distinct(),
        "agreements": Agreement.objects.visible_to(user, "change"),
    }


def agreements(user):
    return list(Agreement.objects.visible_to(user).select_related("organisation"))


def agreement(user, pk) -> Agreement:
    return get_object_or_404(Agreement.objects.visible_to(user, "change"), pk=pk)


def agreement_choices(user) -> dict:
    ids = sorted(reach(user, "analytic", "change").organisations)
    return {"organisations": Organisation.objects.filter(pk__in=ids)}


def contracts(user):
    return list(Contract.objects.visible_to(user).select_related("employee", "organisation"))


def contract(user, pk) -> Contract:
    return get_object_or_404(Contract.objects.visible_to(user, "change"), pk=pk)


def contract_choices(user) -> dict:
    where = reach(user, "contract", "change")
    staff = Membership.objects.within(where).exclude(role="youth").values("user_id")
    return {
        "organisations": Organisation.objects.filter(pk__in=sorted(where.organisations)),
        "employees": User.objects.filter(pk__in=staff).order_by(
            *by_name("last_name", "first_name"), "pk"
        ),
    }


def own_sheets(user):
    return list(
        TimeSheet.objects.own(user).prefetch_related(
            Prefetch("entries", TimeEntry.objects.select_related("section"))
        )
    )


def time_sections(user, contracts_in_force) -> list[Section]:
    """The sections one may declare time on: the active sections of one's employers."""
    employers = sorted({c.organisation_id for c in contracts_in_force})
    return list(
        Section.objects.filter(organisation_id__in=employers, active=True).order_by("code", "pk")
    )


def time_sheet_page(user, month: date) -> dict:
    """One's sheet for the month: what is recorded, or a grid prefilled from the memberships
    (the month's contract hours split equally among their sections)."""
    contracts_in_force = list(
        Contract.objects.filter(employee=user)
        .covering(first_of_month(month), last_of_month(month))
        .order_by("start_date", "pk")
    )
    share = month_share(contracts_in_force, month)
    available = time_sections(user, contracts_in_force)
    sheet = (
        TimeSheet.objects.filter(employee=user, month=month)
        .select_related("approved_by")
        .prefetch_related("entries")
        .first()
    )
    if sheet is not None and sheet.entries.all():
        hours = {entry.section_id: entry.hours for entry in sheet.entries.all()}
        prefilled = False
    else:
        mine = sections_of_memberships(memberships_in_force(user), available)
        hours = prefilled_hours(share.hours, mine)
        prefilled = bool(hours)
    # the sections with hours first, then the others
    available.sort(key=lambda s: (s.pk not in hours, s.code))
    return {
        "sheet": sheet,
        "month": month,
        "contracts": contracts_in_force,
        "contract_hours": share.hours,
        "sections": available,
        "hours": hours,
        "prefilled": prefilled,
    }


def sheets_to_approve(user) -> dict:
    """The sheets waiting for the manager, and the last ones approved."""
    base = (
        TimeSheet.objects.to_approve(user)
        .select_related("employee", "approved_by")
        .prefetch_related(Prefetch("entries", TimeEntry.objects.select_related("section")))
    )
    return {
        "submitted": list(
            base.filter(status=TimeSheet.Status.SUBMITTED).order_by(
                "month", "employee__last_name", "pk"
            )[:200]
        ),
        "approved": list(
            base.filter(status=TimeSheet.Status.APPROVED).order_by("-approved_at", "pk")[:50]
        ),
        "can_approve": can(user, "time_approval", "change"),
    }


def sheet_to_approve(user, pk) -> TimeSheet:
    return get_object_or_404(TimeSheet.objects.to_approve(user, "change"), pk=pk)


def imports(user) -> dict:
    return {
        "imports": list(
            FecImport.objects.visible_to(user).select_related("organisation", "imported_by")[:50]
        ),
        "can_change": can(user, "analytic", "change"),
    }


def upload_choices(user) -> dict:
    ids = sorted(reach(user, "analytic", "change").organisations)
    return {"organisations": Organisation.objects.filter(pk__in=ids)}


def categories(user) -> dict:
    return {
        "categories": list(
            CostCategory.objects.visible_to(user)
            .select_related("organisation")
            .prefetch_related("ineligible_programmes", "ineligible_agreements")
        ),
        "can_change": can(user, "analytic", "change"),
        "without_categories": list(
            Organisation.objects.filter(
                pk__in=sorted(reach(user, "analytic", "change").organisations)
            ).exclude(cost_categories__isnull=False)
        ),
    }


def category(user, pk) -> CostCategory:
    return get_object_or_404(CostCategory.objects.visible_to(user, "change"), pk=pk)


def ineligibility_choices(category: CostCategory) -> dict:
    organisation = category.organisation_id
    return {
        "programmes": Programme.objects.filter(
            Q(organisation_id=organisation) | Q(consortium__members=organisation)
        ).distinct(),
        "agreements": Agreement.objects.filter(organisation_id=organisation),
    }


def o2r_programmes_of(organisation):
    """The O2R programmes an organisation carries or takes part in."""
    return list(
        Programme.objects.filter(
            Q(organisation=organisation) | Q(consortium__members=organisation)
        ).distinct()
    )


def _months_of(rows) -> dict:
    """Per key, the twelve months' charges and the year's charges and income, from `rows` of
    `key`, `month`, `charges`, `income`."""
    sums = {}
    for row in rows:
        entry = sums.setdefault(
            row["key"],
            {"months": [Decimal(0)] * 12, "charges": Decimal(0), "income": Decimal(0)},
        )
        entry["months"][row["month"].month - 1] += row["charges"] or 0
        entry["charges"] += row["charges"] or 0
        entry["income"] += row["income"] or 0
    return sums


def _totals(sections, year: int, by_organisation: bool) -> list[dict]:
    """The year's sums of `sections` (a queryset, not a page) per month, from the stored sums
    (`SectionMonth`, a dozen rows per section, added up by the database): one row per
    organisation (by name), or one row."""
    fields = ("section__organisation_id", "section__organisation__name") if by_organisation else ()
    rows = (
        SectionMonth.objects.filter(section__in=sections.values("pk"), month__year=year)
        .values(*fields, "month")
        .annotate(charges=Sum("charges"), income=Sum("income"))
        .order_by()
    )
    sums = _months_of({**row, "key": tuple(row[f] for f in reversed(fields))} for row in rows)
    return [
        {"name": key[0] if key else "", **sums[key]}
        for key in sorted(sums, key=lambda k: (search_key(k[0]), k) if k else ())
    ]


def cost_table(user, year: int, data=None, page=1) -> dict:
    """Charges per section and month of the year (income apart): a page of the sections the
    user reaches (of the establishment chosen in `data`, or of all), each month with the address
    of its trace, and the totals of every section reached (per organisation) and of the chosen
    establishment's, all pages together. Every figure comes from the sums the allocation stored
    (`SectionMonth`): the same queries whatever the number of sections."""
    listing = section_page(user, data, page, details=False)
    visible = listing["sections"]
    # The trace's address of each month, put together here (one `{% url %}` a cell costs more
    # than the rest of the page); the pattern is the trace's.
    base = reverse("accounting:figures")
    sums = _months_of(
        {**row, "key": row["section_id"]}
        for row in SectionMonth.objects.filter(
            section_id__in=[s.pk for s in visible], month__year=year
        ).values("section_id", "month", "charges", "income")
    )
    empty = {"months": [Decimal(0)] * 12, "charges": Decimal(0), "income": Decimal(0)}
    rows = []
    for s in visible:
        entry = sums.get(s.pk, empty)
        urls = [f"{base}{s.pk}/{year}/{month}/" for month in range(1, 13)]
        rows.append(
            {
                "section": s,
                "months": entry["months"],
                "charges": entry["charges"],
                "income": entry["income"],
                "cells": list(zip(entry["months"], urls, strict=True)),
            }
        )
    chosen = listing["selector"]["chosen"]
    selection = _totals(_filtered_sections(user, chosen), year, False) if chosen else []
    return {
        "year": year,
        "rows": rows,
        "page": listing["page"],
        "selector": listing["selector"],
        "totals": _totals(Section.objects.visible_to(user), year, True),
        "selection_total": selection[0] if selection else (empty if chosen else None),
    }


def trace(user, section_pk: int, year: int, month: int) -> dict:
    """What makes a section's figure for a month: each share, its FEC line (import, line of the
    file, journal, entry, piece, account, label) and how it came (its key, or the approved
    time sheets behind the month's salaries)."""
    section = get_object_or_404(Section.objects.visible_to(user), pk=section_pk)
    shares = list(
        AllocatedAmount.objects.filter(section=section, month__year=year, month__month=month)
        .select_related("line", "line__fec_import", "line__category", "key")
        .order_by(
            "line__entry_date",
            "line__journal_code",
            "line__entry_number",
            "line__line_number",
            "pk",
        )
    )
    sheets = list(
        TimeEntry.objects.filter(
            section=section,
            sheet__month__year=year,
            sheet__month__month=month,
            sheet__status=TimeSheet.Status.APPROVED,
        )
        .select_related("sheet__employee", "sheet__approved_by")
        .order_by("sheet__employee__last_name", "pk")
    )
    return {
        "section": section,
        "year": year,
        "month": month,
        "shares": shares,
        "charges": sum(
            (s.amount for s in shares if s.line.account_number.startswith("6")), Decimal(0)
        ),
        "income": sum(
            (s.amount for s in shares if s.line.account_number.startswith("7")), Decimal(0)
        ),
        "time_entries": sheets,
    }


EXPORT_HEADER = (
    "JournalCode",
    "EcritureNum",
    "EcritureDate",
    "PieceRef",
    "CompteNum",
    "EcritureLib",
    "Fichier",
    "LigneFichier",
    "Section",
    "Mois",
    "Montant",
    "Repartition",
    "Cle",
)


def allocated_rows(user, year: int):
    """The allocated analytic lines of the year, for the accounting software: the entry's
    references, the section's code, the share and how it came."""
    shares = (
        AllocatedAmount.objects.visible_to(user)
        .filter(month__year=year)
        .select_related("line", "line__fec_import", "section", "key")
        .order_by("line__entry_date", "line__journal_code", "line__entry_number", "line_id", "pk")
    )
    for share in shares.iterator(chunk_size=2000):
        line = share.line
        yield (
            line.journal_code,
            line.entry_number,
            line.entry_date.isoformat(),
            line.piece_reference,
            line.account_number,
            line.label,
            line.fec_import.filename,
            line.line_number,
            share.section.code,
            share.month.strftime("%Y-%m"),
            share.amount,
            share.method,
            share.key.code if share.key else "",
        )


# Budgets


def budget_sections(user, action="view") -> list[Section]:
    return list(
        Section.objects.visible_to(user, action)
        .filter(active=True)
        .select_related("organisation", "programme")
        .order_by("code", "pk")
    )


def budgets_page(user, year: int) -> dict:
    """Each section the user reaches with its budget of the year (charges and income planned)
    against what was achieved; each O2R programme's forecast over its agreement against the
    call's floor. A fixed number of queries whatever the number of sections."""
    from ancrage.accounting import budgets as budgeting

    visible = budget_sections(user)
    ids = [s.pk for s in visible]
    planned = {
        (row["budget__section_id"], row["category__nature"]): row["total"]
        for row in BudgetLine.objects.filter(budget__section_id__in=ids, budget__year=year)
        .values("budget__section_id", "category__nature")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    arrested = dict(
        Budget.objects.filter(section_id__in=ids, year=year).values_list(
            "section_id", "arrested_at"
        )
    )
    periods = {s.pk: budgeting.period(s, year) for s in visible}
    bounds = [b for b in periods.values() if b]
    done = defaultdict(Decimal)
    if bounds:
        for row in (
            AllocatedAmount.objects.filter(
                section_id__in=ids,
                month__gte=min(b[0] for b in bounds).replace(day=1),
                month__lte=max(b[1] for b in bounds),
            )
            .values("section_id", "month", "line__category__nature")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            period = periods.get(row["section_id"])
            if period and period[0].replace(day=1) <= row["month"] <= period[1]:
                done[(row["section_id"], row["line__category__nature"])] += row["total"]
    rows = []
    for section in visible:
        charges = planned.get((section.pk, "charge"), Decimal(0))
        achieved_charges = done[(section.pk, "charge")]
        rows.append(
            {
                "section": section,
                "period": periods[section.pk],
                "has_budget": section.pk in arrested,
                "arrested_at": arrested.get(section.pk),
                "charges": charges,
                "income": planned.get((section.pk, "income"), Decimal(0)),
                "achieved_charges": achieved_charges,
                "achieved_income": done[(section.pk, "income")],
                "variance": achieved_charges - charges,
            }
        )
    programmes = {s.programme_id: s.programme for s in visible if s.programme_id}
    totals = defaultdict(Decimal)
    states = defaultdict(set)
    for row in (
        BudgetLine.objects.filter(
            budget__section__programme__in=list(programmes),
            category__nature=CostCategory.Nature.CHARGE,
        )
        .values("budget__section__programme_id", "budget__year", "budget__arrested_at")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        programme = programmes[row["budget__section__programme_id"]]
        if row["budget__year"] in {y.year for y in budgeting.agreement_years(programme)}:
            totals[programme.pk] += row["total"]
        states[programme.pk].add(row["budget__arrested_at"] is not None)
    floors = [
        {
            "programme": programme,
            "years": budgeting.agreement_years(programme),
            "total": totals[programme.pk],
            "floor": budgeting.PROJECT_FLOOR,
            "under": totals[programme.pk] < budgeting.PROJECT_FLOOR,
            "arrested": states[programme.pk] == {True},
        }
        for programme in programmes.values()
    ]
    return {
        "year": year,
        "rows": rows,
        "floors": floors,
        "can_change": can(user, "analytic", "change"),
    }


def budget_section(user, pk, action="view") -> Section:
    return get_object_or_404(
        Section.objects.visible_to(user, action).select_related("programme", "organisation"),
        pk=pk,
    )


def budget_of(section: Section, year: int) -> Budget | None:
    return (
        Budget.objects.filter(section=section, year=year)
        .select_related("arrested_by")
        .prefetch_related("lines")
        .first()
    )


def section_categories(section: Section) -> list[CostCategory]:
    return list(CostCategory.objects.filter(organisation_id=section.organisation_id))


def budget_programme(user, pk) -> Programme:
    """An O2R programme one of whose sections the user may change."""
    ids = Section.objects.visible_to(user, "change").values("programme_id")
    return get_object_or_404(Programme.objects.filter(pk__in=ids), pk=pk)


# The financial report


def report_programmes(user) -> list[Programme]:
    """The O2R programmes whose financial report the user reads: those the organisations of its
    role (finance, the national director, the funder) carry alone or within a consortium."""
    ids = sorted(reach(user, "financial_report").organisations)
    if not ids:
        return []
    found = Programme.objects.filter(
        Q(organisation_id__in=ids) | Q(consortium__lead_id__in=ids) | Q(consortium__members__in=ids)
    ).values("pk")
    return list(
        Programme.objects.filter(pk__in=found)
        .select_related("consortium", "organisation")
        .order_by("-start_date", "name")
    )


def report_programme(user, pk) -> Programme:
    for programme in report_programmes(user):
        if programme.pk == pk:
            return programme
    raise Http404
