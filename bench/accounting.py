"""Analytic accounting at scale: the FEC import (lines per second) and a year's allocation
(seconds), on a generated year of books at the issue's large scale by default: 500,000 FEC lines
and 2,000 employees' approved time. `make bench` runs it on the demo-scale database (the
organisation it measures is its own, created in the transaction).

Inside one transaction rolled back at the end (the database is left as it was): an organisation
with --sections analytic sections, --employees employees with a contract and twelve approved
monthly time sheets each, a generated FEC of --lines lines (balanced entries of two lines:
purchases coded to a section, salaries by approved time, rent by a key), then `import_fec` (the
real importer, reading the file from disk as a stream as the job does: parsing, checks,
categories, bulk insert) and `allocate_year` are timed. Wall clock
on whatever machine runs it: compare the figures of one run.

    .venv/bin/python bench/accounting.py --database-url postgres://postgres@127.0.0.1:5432/ancrage_bench_demo
    .venv/bin/python bench/accounting.py --database-url ... --lines 50000 --employees 200  # quick

The load average of the machine is printed before and after: the figures are wall clock.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise|CodeAnalytique"
)


class Rollback(Exception):
    pass


def fec(lines: int, codes: list[str], year: int, rng: random.Random) -> bytes:
    """A year of books of `lines` lines: entries of two lines (a charge and its supplier or
    bank), a third coded to sections, the rest by rule (salaries 64, rent 613)."""
    rows = [HEADER]
    for number in range(1, lines // 2 + 1):
        day = date(year, rng.randint(1, 12), rng.randint(1, 28)).strftime("%Y%m%d")
        amount = f"{rng.randint(100, 500_000) / 100:.2f}".replace(".", ",")
        kind = number % 3
        account, code = (
            ("606100", rng.choice(codes))
            if kind == 0
            else ("641100" if kind == 1 else "613200", "")
        )
        rows.append(
            f"AC|Achats|{number}|{day}|{account}|Charge|||P{number}|{day}|Ligne {number}|"
            f"{amount}||||{day}|||{code}"
        )
        rows.append(
            f"AC|Achats|{number}|{day}|401000|Fournisseurs|||P{number}|{day}|Ligne {number}|"
            f"|{amount}|||{day}|||"
        )
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--employees", type=int, default=2_000)
    parser.add_argument("--sections", type=int, default=40)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        ANCRAGE_DEMO="1",
        DJANGO_SETTINGS_MODULE="ancrage.settings",
    )
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from ancrage.accounting.allocation import allocate_year
    from ancrage.accounting.books import create_default_categories, import_fec
    from ancrage.accounting.models import (
        AllocationKey,
        AllocationRule,
        Contract,
        KeyShare,
        Section,
        TimeEntry,
        TimeSheet,
    )
    from ancrage.accounts.models import User
    from ancrage.organisation.models import Organisation

    rng = random.Random(18)
    load_before = os.getloadavg()
    figures = {}
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name="Banc d'essai comptable")
            sections = Section.objects.bulk_create(
                Section(
                    organisation=organisation,
                    code=f"BANC-{n:03d}",
                    name=f"Section {n}",
                    kind=Section.Kind.SUPPORT,
                )
                for n in range(args.sections)
            )
            create_default_categories(organisation)
            users = User.objects.bulk_create(
                User(username=f"banc-compta-{n}", first_name="Banc", last_name=str(n))
                for n in range(args.employees)
            )
            approver = users[0]
            Contract.objects.bulk_create(
                Contract(
                    organisation=organisation,
                    employee=user,
                    hours_per_week=Decimal(35),
                    start_date=date(args.year - 1, 1, 1),
                    gross_cost=Decimal(3000),
                )
                for user in users
            )
            now = timezone.now()
            sheets = TimeSheet.objects.bulk_create(
                (
                    TimeSheet(
                        employee=user,
                        month=date(args.year, month, 1),
                        status=TimeSheet.Status.APPROVED,
                        approved_at=now,
                        approved_by=approver,
                    )
                    for user in users
                    for month in range(1, 13)
                ),
                batch_size=5000,
            )
            TimeEntry.objects.bulk_create(
                (
                    TimeEntry(sheet=sheet, section=section, hours=Decimal("75.83"))
                    for sheet in sheets
                    for section in rng.sample(sections, 2)
                ),
                batch_size=10000,
            )
            key = AllocationKey.objects.create(
                organisation=organisation,
                code="LOCAUX",
                valid_from=date(args.year, 1, 1),
                basis=AllocationKey.Basis.SURFACE,
                documentation="Banc d'essai : une surface par section.",
            )
            KeyShare.objects.bulk_create(
                KeyShare(key=key, section=s, weight=10 + n) for n, s in enumerate(sections)
            )
            AllocationRule.objects.create(
                organisation=organisation, account_prefix="613", method="key", key_code="LOCAUX"
            )
            content = fec(args.lines, [s.code for s in sections], args.year, rng)
            size = len(content)
            with tempfile.TemporaryFile() as stored:  # as the job reads the stored upload
                stored.write(content)
                del content
                started = time.perf_counter()
                fec_import = import_fec(organisation, approver, stored, "FEC-banc.txt")
                seconds = time.perf_counter() - started
            figures["import"] = (fec_import.line_count, seconds)
            print(  # at once: the allocation of a large year takes minutes
                f"| FEC import | {fec_import.line_count} lines, {size / 1e6:.1f} MB | "
                f"{seconds:.1f} s | {fec_import.line_count / seconds:,.0f} lines/s |",
                flush=True,
            )
            started = time.perf_counter()
            result = allocate_year(organisation, args.year)
            figures["allocation"] = (
                result.allocated,
                result.amounts,
                time.perf_counter() - started,
            )
            raise Rollback
    except Rollback:
        pass
    load_after = os.getloadavg()
    allocated, amounts, allocation_seconds = figures["allocation"]
    print(
        f"| Allocation of a year | {allocated} lines, {amounts} shares, {args.employees} "
        f"employees × 12 sheets, {args.sections} sections | {allocation_seconds:.1f} s | "
        f"{allocated / allocation_seconds:,.0f} lines/s |"
    )
    before, after = (" ".join(f"{v:.1f}" for v in load) for load in (load_before, load_after))
    print(f"Load average (1, 5, 15 min) before: {before}, after: {after}")


if __name__ == "__main__":
    main()
