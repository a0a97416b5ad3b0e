"""The set-based allocation gives what the former row-by-row allocation gave: on generated years
(coded lines, direct rules, a journal's rule before the account's, salaries by approved time, dated
keys, refunds, lines with no rule, months with no approved sheet), every line reaches the same
sections by the same rule, to the cent, and each rule's shares add up to the books' amounts."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.accounting.allocation import SALARIES, _time_bases, allocate_year
from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import (
    AllocatedAmount,
    AllocationKey,
    AllocationRule,
    KeyShare,
    LedgerLine,
    TimeSheet,
)
from ancrage.accounting.periods import first_of_month, split_exactly
from ancrage.kernel.access import Role
from tests.accounting.factories import add_sections, contract, fec_file, fec_row, sheet

pytestmark = pytest.mark.django_db

YEAR = 2026


class Rollback(Exception):
    pass


def _rule_for(rules, line):
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


def _split(amount, weights):
    sign = Decimal(-1) if amount < 0 else Decimal(1)
    return {key: sign * share for key, share in split_exactly(abs(amount), weights).items()}


def row_by_row(organisation, year):
    """The former allocation, line by line in Python (its code, reading instead of writing): line
    id -> {section id: (amount, method, key id, month)}. Weights in section id order: ties in
    the cents left go to the lowest section id, as the set-based allocation does."""
    rules = list(AllocationRule.objects.filter(organisation=organisation))
    keys = list(AllocationKey.objects.filter(organisation=organisation).prefetch_related("shares"))
    sections = dict(organisation.analytic_sections.values_list("code", "pk"))
    month_weights = {
        month: dict(sorted(weights.items()))
        for month, (weights, _behind) in _time_bases(organisation, year).items()
    }
    result = {}
    for line in LedgerLine.objects.filter(
        fec_import__organisation=organisation, entry_date__year=year
    ).order_by("pk"):
        if line.account_number[:1] not in ("6", "7") or line.amount == 0:
            continue
        amount, month = line.amount, first_of_month(line.entry_date)
        shares, method, key = {}, None, None
        if line.analytic_code:
            shares, method = {sections[line.analytic_code]: amount}, "code"
        else:
            rule = _rule_for(rules, line)
            kind = (
                rule.method
                if rule
                else ("time" if line.account_number.startswith(SALARIES) else None)
            )
            if kind == "direct":
                shares, method = {rule.section_id: amount}, "direct"
            elif kind == "time":
                shares, method = _split(amount, month_weights.get(month, {})), "time"
            elif kind == "key":
                found = [
                    k for k in keys if k.code == rule.key_code and k.valid_from <= line.entry_date
                ]
                if found:
                    key = max(found, key=lambda k: k.valid_from)
                    weights = {
                        s.section_id: s.weight
                        for s in sorted(key.shares.all(), key=lambda s: s.section_id)
                    }
                    shares, method = _split(amount, weights), "key"
        shares = {s: a for s, a in shares.items() if a != 0}
        if shares:
            result[line.pk] = {
                s: (a, method, key.pk if key else None, month) for s, a in shares.items()
            }
    return result


def set_based(organisation, year):
    allocate_year(organisation, year)
    result = defaultdict(dict)
    for share in AllocatedAmount.objects.filter(organisation=organisation).select_related(
        "time_basis"
    ):
        if share.method == "time":
            assert share.time_basis.month == share.month
            assert share.time_basis.section_id == share.section_id
        result[share.line_id][share.section_id] = (
            share.amount,
            share.method,
            share.key_id,
            share.month,
        )
    return dict(result)


def generated_year(world, rng, entries):
    """A year of books: each entry a charge or an income and its counterpart (class 4 or 5)."""
    organisation = world.organisation
    s = world.sections
    ours = [s["village"], s["other_village"], s["family"], s["support"]]
    create_default_categories(organisation)
    for role in (Role.HOUSE_PARENT, Role.FAMILY_AIDE, Role.HEAD_OF_SERVICE, Role.FAMILY_WORKER):
        user = world.users[role]
        contract(
            user, organisation, cost=str(rng.randint(1800, 4200)), hours=str(rng.choice([24, 35]))
        )
        for month in range(1, 10):  # no approved sheet from October: salaries left out
            chosen = rng.sample(ours, rng.randint(1, 3))
            sheet(
                user,
                {section: str(rng.randint(1, 80)) for section in chosen},
                month=datetime.date(YEAR, month, 1),
                status=TimeSheet.Status.APPROVED,
                approved_by=world.users[Role.ESTABLISHMENT_DIRECTOR],
            )
    for code, valid_from, weights in (
        ("LOCAUX", datetime.date(YEAR, 1, 1), (30, 50, 15, 5)),
        ("LOCAUX", datetime.date(YEAR, 7, 1), (33, 33, 33)),
        ("SIEGE", datetime.date(YEAR, 5, 1), (1, 1, 1, 1)),  # nothing in force before May
    ):
        key = AllocationKey.objects.create(
            organisation=organisation,
            code=code,
            valid_from=valid_from,
            basis="surface",
            documentation="Généré",
        )
        for section, weight in zip(ours, weights, strict=False):
            KeyShare.objects.create(key=key, section=section, weight=weight)
    for prefix, journal, method, section, key_code in (
        ("613", "", "key", None, "LOCAUX"),
        ("6132", "BQ", "key", None, "SIEGE"),
        ("606", "OD", "direct", s["support"], ""),
        ("706", "", "direct", s["village"], ""),
        ("64", "", "time", None, ""),
        ("6411", "OD", "direct", s["family"], ""),
    ):
        AllocationRule.objects.create(
            organisation=organisation,
            account_prefix=prefix,
            journal_code=journal,
            method=method,
            section=section,
            key_code=key_code,
        )
    accounts = [
        "606100",
        "613200",
        "613250",
        "641100",
        "641100",
        "645100",
        "625100",
        "706000",
        "741000",
    ]
    rows = []
    for number in range(1, entries + 1):
        day = datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)).strftime("%Y%m%d")
        account, journal = rng.choice(accounts), rng.choice(["AC", "OD", "BQ"])
        amount = f"{rng.randint(1, 2_000_000) / 100:.2f}".replace(".", ",")
        code = rng.choice(ours).code if rng.random() < 0.2 else ""
        # a charge is a debit, an income a credit; now and then the other way (a refund)
        debit_side = account.startswith("6") != (rng.random() < 0.1)
        main = {"debit": amount} if debit_side else {"credit": amount}
        other = {"credit": amount} if debit_side else {"debit": amount}
        rows.append(fec_row(number, day, account, "Généré", journal=journal, code=code, **main))
        rows.append(fec_row(number, day, "401000", "Tiers", journal=journal, code="", **other))
    import_fec(organisation, world.users[Role.FINANCE], fec_file(rows, analytic=True), "gen.txt")


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32), entries=st.integers(200, 600))
def test_set_based_allocation_equals_the_row_by_row_one(world, seed, entries):
    try:
        with transaction.atomic():
            add_sections(world)
            generated_year(world, random.Random(seed), entries)
            expected = row_by_row(world.organisation, YEAR)
            got = set_based(world.organisation, YEAR)
            assert got.keys() == expected.keys()
            for line_id, shares in expected.items():
                # the same sections by the same rule, key and month; the same cents
                assert got[line_id] == shares, line_id
            # each rule's shares add up to the books' amounts of the lines it allocated
            lines = {line.pk: line.amount for line in LedgerLine.objects.filter(pk__in=expected)}
            by_rule, books = defaultdict(Decimal), defaultdict(Decimal)
            for line_id, shares in got.items():
                method = next(iter(shares.values()))[1]
                books[method] += lines[line_id]
                for amount, *_rest in shares.values():
                    by_rule[method] += amount
            assert by_rule == books
            assert set(by_rule) == {"code", "direct", "time", "key"}
            raise Rollback
    except Rollback:
        pass
