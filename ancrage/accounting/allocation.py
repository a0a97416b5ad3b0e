"""Allocating the books to the sections, one year of an organisation at a time, recomputed whole
(one transaction): each class 6 or 7 line reaches sections by its analytic code, else by the
rule of its account (the longest prefix; a rule naming the line's journal before one for every
journal): directly, by the approved staff time of its month (salaries and charges: accounts 64
when no rule says otherwise), or by the key in force on its date. Each share is an
`AllocatedAmount` pointing back to its line, and to its key or its month's time basis."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from ancrage.accounting.models import (
    AllocatedAmount,
    AllocationKey,
    AllocationRule,
    Contract,
    LedgerLine,
    Section,
    TimeBasis,
    TimeEntry,
    TimeSheet,
)
from ancrage.accounting.periods import first_of_month, split_exactly
from ancrage.accounting.services import salary_by_section

SALARIES = "64"


@dataclass
class AllocationResult:
    allocated: int = 0
    amounts: int = 0
    # lines left out, with why (French), for the page
    unallocated: list[tuple[LedgerLine, str]] = field(default_factory=list)


def _split(amount: Decimal, weights: dict) -> dict:
    sign = Decimal(-1) if amount < 0 else Decimal(1)
    return {key: sign * share for key, share in split_exactly(abs(amount), weights).items()}


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
            behind[section_id].append(sheet)
    return months


def _rule_for(rules, line: LedgerLine):
    best = None
    for rule in rules:
        if not line.account_number.startswith(rule.account_prefix):
            continue
        if rule.journal_code and rule.journal_code != line.journal_code:
            continue
        rank = (len(rule.account_prefix), bool(rule.journal_code))
        if best is None or rank > best[0]:
            best = (rank, rule)
    return best[1] if best else None


def _key_for(keys, code: str, day: date):
    """The key of that code in force on `day` (the latest started on or before it)."""
    found = [k for k in keys if k.code == code and k.valid_from <= day]
    return max(found, key=lambda k: k.valid_from) if found else None


@transaction.atomic
def allocate_year(organisation, year: int) -> AllocationResult:
    """Recompute the allocation of the organisation's lines dated in `year`."""
    AllocatedAmount.objects.filter(organisation=organisation, month__year=year).delete()
    TimeBasis.objects.filter(organisation=organisation, month__year=year).delete()
    sections = {s.code: s for s in Section.objects.filter(organisation=organisation)}
    rules = list(AllocationRule.objects.filter(organisation=organisation))
    keys = list(AllocationKey.objects.filter(organisation=organisation).prefetch_related("shares"))
    bases = {}
    for month, (weights, behind) in _time_bases(organisation, year).items():
        for section_id, weight in weights.items():
            basis = TimeBasis.objects.create(
                organisation=organisation, month=month, section_id=section_id, weight=weight
            )
            basis.sheets.set(behind[section_id])
            bases[(month, section_id)] = basis
    month_weights = defaultdict(dict)
    for (month, section_id), basis in bases.items():
        month_weights[month][section_id] = basis.weight
    result = AllocationResult()
    batch = []
    lines = LedgerLine.objects.filter(
        fec_import__organisation=organisation, entry_date__year=year
    ).filter(Q(account_number__startswith="6") | Q(account_number__startswith="7"))
    for line in lines.iterator(chunk_size=5000):
        amount = line.amount
        if amount == 0:
            continue
        month = first_of_month(line.entry_date)
        shares, method, key, why = {}, None, None, None
        if line.analytic_code:
            shares, method = {sections[line.analytic_code].pk: amount}, AllocatedAmount.Method.CODE
        else:
            rule = _rule_for(rules, line)
            kind = (
                rule.method
                if rule
                else ("time" if line.account_number.startswith(SALARIES) else None)
            )
            if kind == AllocationRule.Method.DIRECT:
                shares, method = {rule.section_id: amount}, AllocatedAmount.Method.DIRECT
            elif kind == AllocationRule.Method.TIME:
                method = AllocatedAmount.Method.TIME
                shares = _split(amount, month_weights.get(month, {}))
                if not shares:
                    why = _("aucune feuille de temps approuvée pour ce mois")
            elif kind == AllocationRule.Method.KEY:
                method = AllocatedAmount.Method.KEY
                key = _key_for(keys, rule.key_code, line.entry_date)
                if key is None:
                    why = _("aucune clé « %(code)s » en vigueur à cette date") % {
                        "code": rule.key_code
                    }
                else:
                    shares = _split(amount, {s.section_id: s.weight for s in key.shares.all()})
            else:
                why = _("aucune règle pour ce compte")
        if not shares:
            result.unallocated.append((line, why or _("rien à répartir")))
            continue
        result.allocated += 1
        for section_id, share in shares.items():
            if share == 0:
                continue
            batch.append(
                AllocatedAmount(
                    organisation=organisation,
                    line=line,
                    section_id=section_id,
                    month=month,
                    amount=share,
                    method=method,
                    key=key,
                    time_basis=bases.get((month, section_id))
                    if method == AllocatedAmount.Method.TIME
                    else None,
                )
            )
        if len(batch) >= 5000:
            result.amounts += len(AllocatedAmount.objects.bulk_create(batch))
            batch = []
    result.amounts += len(AllocatedAmount.objects.bulk_create(batch))
    return result
