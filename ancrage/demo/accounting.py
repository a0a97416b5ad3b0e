"""Demo analytic accounting: the sections (each village, the O2R programme's two parts, the
support functions), the categories of the chart, a year of contracts and time sheets (the last
month submitted, the others approved), a year of books written as an FEC and imported through
the real importer, the keys and rules, and the year's allocation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils import timezone

from ancrage.accounting import models
from ancrage.accounting.allocation import allocate_year
from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import (
    Agreement,
    AllocationKey,
    AllocationRule,
    Contract,
    KeyShare,
    Section,
    TimeEntry,
    TimeSheet,
)
from ancrage.accounting.periods import first_of_month, month_share, split_exactly
from ancrage.accounting.services import sections_of_memberships
from ancrage.accounts.models import Membership, User
from ancrage.insertion.models import Programme
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_months
from ancrage.organisation.models import Establishment

# Gross cost a month (salary and employer's charges), by role.
MONTHLY_COST = {
    Role.HOUSE_PARENT: Decimal("3350"),
    Role.FAMILY_AIDE: Decimal("2700"),
    Role.HEAD_OF_SERVICE: Decimal("4700"),
    Role.CLINICIAN: Decimal("4300"),
    Role.ESTABLISHMENT_DIRECTOR: Decimal("6200"),
    Role.O2R_COUNSELLOR: Decimal("3400"),
    Role.O2R_LEAD: Decimal("4800"),
    Role.FINANCE: Decimal("4100"),
    Role.NATIONAL_DIRECTOR: Decimal("7800"),
    Role.TECH_ADMIN: Decimal("4200"),
}
HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise|CodeAnalytique"
)


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


class Books:
    """The FEC being written: balanced entries of two lines or more."""

    def __init__(self):
        self.rows = [HEADER]
        self.number = 0

    def entry(self, journal, day: date, label, lines, counterpart, code=""):
        """`lines`: (account, account label, amount, analytic code); the counterpart account
        takes the total on the other side."""
        self.number += 1
        stamp = day.strftime("%Y%m%d")
        total = Decimal(0)
        for account, account_label, amount, line_code in lines:
            total += amount
            side = (_amount(amount), "") if account[0] == "6" else ("", _amount(amount))
            self.rows.append(
                f"{journal}|{journal}|{self.number}|{stamp}|{account}|{account_label}|||"
                f"P{self.number}|{stamp}|{label}|{side[0]}|{side[1]}|||{stamp}|||{line_code}"
            )
        account, account_label = counterpart
        charge = lines[0][0][0] == "6"
        side = ("", _amount(total)) if charge else (_amount(total), "")
        self.rows.append(
            f"{journal}|{journal}|{self.number}|{stamp}|{account}|{account_label}|||"
            f"P{self.number}|{stamp}|{label}|{side[0]}|{side[1]}|||{stamp}|||{code}"
        )

    def content(self) -> bytes:
        return ("\r\n".join(self.rows) + "\r\n").encode("cp1252")


def seed_accounting(world):
    rng = world.rng
    organisation = Programme.objects.get().consortium.lead
    programme = Programme.objects.get()
    villages = list(
        Establishment.objects.filter(organisation=organisation, kind="village").order_by("pk")
    )
    o2r = Establishment.objects.filter(organisation=organisation, kind="o2r_service").first()
    partner_service = programme.services.exclude(organisation=organisation).first()
    with world.step("Comptabilité analytique : sections, contrats"):
        sections = [
            Section(
                organisation=organisation,
                establishment=village,
                code=f"VIL-{n + 1:02d}",
                name=village.name,
                kind=Section.Kind.VILLAGE,
            )
            for n, village in enumerate(villages)
        ]
        sections += [
            Section(
                organisation=organisation,
                establishment=o2r,
                code="O2R-44",
                name="O2R Pays de la Loire : part de l'association",
                kind=Section.Kind.O2R,
                programme=programme,
            ),
            Section(
                organisation=partner_service.organisation,
                establishment=partner_service,
                code="O2R-44-PART",
                name="O2R Pays de la Loire : part d'Insertion Solidaire",
                kind=Section.Kind.O2R,
                programme=programme,
            ),
            Section(
                organisation=organisation,
                code="SUPPORT",
                name="Fonctions support (siège)",
                kind=Section.Kind.SUPPORT,
            ),
        ]
        family_service = Establishment.objects.filter(
            organisation=organisation, kind=Establishment.Kind.FAMILY_STRENGTHENING
        ).first()
        if family_service is not None:
            sections.append(
                Section(
                    organisation=organisation,
                    establishment=family_service,
                    code="FAM-44",
                    name="Renforcement familial : service de Nantes",
                    kind=Section.Kind.FAMILY,
                )
            )
        Section.objects.bulk_create(sections)
        by_code = {s.code: s for s in Section.objects.filter(organisation=organisation)}
        ase = Agreement.objects.create(
            organisation=organisation,
            funder="Conseil départemental de Loire-Atlantique",
            name="Habilitation ASE des villages d'enfants",
            start_date=date(world.anchor.year - 1, 1, 1),
            end_date=date(world.anchor.year + 3, 12, 31),
            amount=Decimal(2_400_000) * len(villages),
        )
        for section in by_code.values():
            if section.kind == Section.Kind.VILLAGE:
                section.agreements.add(ase)
        if "FAM-44" in by_code:
            by_code["FAM-44"].agreements.add(
                Agreement.objects.create(
                    organisation=organisation,
                    funder="Caisse d'allocations familiales de Loire-Atlantique",
                    name="Soutien à la parentalité : renforcement familial",
                    start_date=date(world.anchor.year - 1, 1, 1),
                    end_date=date(world.anchor.year + 1, 12, 31),
                    amount=Decimal(360_000),
                )
            )
        create_default_categories(organisation, programmes=[programme])
        create_default_categories(partner_service.organisation)
        memberships = list(
            Membership.objects.filter(status=Membership.Status.CONFIRMED)
            .exclude(role__in=[Role.YOUTH, Role.FUNDER])
            .select_related("unit", "user")
            .order_by("pk")
        )
        employer = {}
        for m in memberships:
            if m.unit_id:
                employer.setdefault(m.user_id, (m.unit.establishment.organisation_id, m.role))
            elif m.establishment_id:
                employer.setdefault(m.user_id, (m.establishment.organisation_id, m.role))
            else:
                employer.setdefault(m.user_id, (m.organisation_id, m.role))
        Contract.objects.bulk_create(
            Contract(
                organisation_id=org_id,
                employee_id=user_id,
                hours_per_week=Decimal(35),
                start_date=date(2024, 1, 1),
                gross_cost=MONTHLY_COST.get(role, Decimal(3000)) + Decimal(rng.randint(-150, 150)),
                cost_period=Contract.Period.MONTH,
            )
            for user_id, (org_id, role) in employer.items()
        )
    this_month = first_of_month(world.anchor)
    months = [add_months(this_month, -n) for n in range(12, 0, -1)]
    head = User.objects.get(username="chef.service")
    with world.step("Comptabilité analytique : feuilles de temps"):
        contracts = {c.employee_id: c for c in Contract.objects.all()}
        all_sections = list(Section.objects.filter(active=True).order_by("pk"))
        user_memberships = defaultdict(list)
        for m in memberships:
            user_memberships[m.user_id].append(m)
        sheets, plans = [], []
        approver = User.objects.get(username="directrice")
        for user_id, contract in contracts.items():
            mine = [
                s
                for s in sections_of_memberships(user_memberships[user_id], all_sections)
                if s.organisation_id == contract.organisation_id
            ]
            if not mine:
                continue
            for month in months:
                hours = month_share([contract], month).hours
                if user_id == head.pk:
                    split = split_exactly(hours, {mine[0].pk: 4, by_code["O2R-44"].pk: 1})
                else:
                    split = split_exactly(hours, {s.pk: 1 for s in mine})
                last = month == months[-1]
                sheets.append(
                    TimeSheet(
                        employee_id=user_id,
                        month=month,
                        status=TimeSheet.Status.SUBMITTED if last else TimeSheet.Status.APPROVED,
                        submitted_at=timezone.now(),
                        approved_at=None if last else timezone.now(),
                        approved_by=None if last else approver,
                    )
                )
                plans.append(split)
        TimeSheet.objects.bulk_create(sheets, batch_size=2000)
        TimeEntry.objects.bulk_create(
            (
                TimeEntry(sheet=sheet, section_id=section_id, hours=hours)
                for sheet, split in zip(sheets, plans, strict=True)
                for section_id, hours in split.items()
            ),
            batch_size=5000,
        )
    with world.step("Comptabilité analytique : un an d'écritures (FEC), répartition"):
        books = Books()
        payroll = defaultdict(Decimal)
        for contract in contracts.values():
            if contract.organisation_id == organisation.pk:
                payroll[None] += contract.gross_cost
        for month in months:
            pay_day = month.replace(day=28)
            salaries = (payroll[None] * Decimal("0.68")).quantize(Decimal("0.01"))
            charges = payroll[None] - salaries
            books.entry(
                "PA",
                pay_day,
                f"Paie {month:%m/%Y}",
                [
                    ("641100", "Rémunérations du personnel", salaries, ""),
                    ("645100", "Cotisations URSSAF", charges, ""),
                ],
                ("421000", "Personnel - rémunérations dues"),
            )
            books.entry(
                "AC",
                month.replace(day=5),
                f"Loyer et charges du siège {month:%m/%Y}",
                [("613200", "Locations immobilières", Decimal(rng.randint(4200, 4800)), "")],
                ("401000", "Fournisseurs"),
            )
            books.entry(
                "AC",
                month.replace(day=8),
                "Assurances",
                [("616000", "Primes d'assurance", Decimal(rng.randint(900, 1300)), "")],
                ("401000", "Fournisseurs"),
            )
            for section in by_code.values():
                if section.organisation_id != organisation.pk or section.kind == "support":
                    continue
                books.entry(
                    "AC",
                    month.replace(day=rng.randint(10, 25)),
                    "Fournitures et alimentation" if section.kind == "village" else "Transports",
                    [
                        (
                            "606300" if section.kind == "village" else "625100",
                            "Fournitures" if section.kind == "village" else "Déplacements",
                            Decimal(
                                rng.randint(800, 6000)
                                if section.kind == "village"
                                else rng.randint(300, 900)
                            ),
                            section.code,
                        )
                    ],
                    ("401000", "Fournisseurs"),
                    code=section.code,
                )
            if month.month in (3, 9):
                books.entry(
                    "AC",
                    month.replace(day=15),
                    "Formation des conseillers (non éligible O2R)",
                    [("633300", "Participation à la formation continue", Decimal(1800), "O2R-44")],
                    ("401000", "Fournisseurs"),
                    code="O2R-44",
                )
            if month.month in (1, 4, 7, 10):
                books.entry(
                    "BQ",
                    month.replace(day=20),
                    "Subvention O2R de l'État (trimestre)",
                    [("741000", "Subventions de l'État", Decimal(18_750), "O2R-44")],
                    ("512000", "Banque"),
                    code="O2R-44",
                )
            if "FAM-44" in by_code:
                books.entry(
                    "BQ",
                    month.replace(day=14),
                    "Prestation de service de la CAF (soutien à la parentalité)",
                    [("748000", "Autres subventions d'exploitation", Decimal(10_000), "FAM-44")],
                    ("512000", "Banque"),
                    code="FAM-44",
                )
            if month.month in (2, 5, 8, 11):
                books.entry(
                    "OD",
                    month.replace(day=27),
                    "Bénévolat valorisé : ateliers de remobilisation (trimestre)",
                    [("875000", "Bénévolat", Decimal(2_400), "O2R-44")],
                    ("864000", "Personnel bénévole"),
                    code="O2R-44",
                )
            for n in range(len(villages)):
                books.entry(
                    "BQ",
                    month.replace(day=12),
                    "Dotation du département (prix de journée)",
                    [("744000", "Subvention du département", Decimal(195_000), f"VIL-{n + 1:02d}")],
                    ("512000", "Banque"),
                    code=f"VIL-{n + 1:02d}",
                )
        finance = User.objects.get(username="gestionnaire")
        import_fec(organisation, finance, books.content(), f"FEC-{months[-1]:%Y%m}.txt")
        start = months[0]
        for code, basis, documentation, weights in (
            (
                "LOCAUX",
                AllocationKey.Basis.SURFACE,
                "Surfaces du siège occupées par chaque activité (plan du 2 janvier).",
                {s.code: 100 + 20 * n for n, s in enumerate(by_code.values())},
            ),
            (
                "EFFECTIFS",
                AllocationKey.Basis.HEADCOUNT,
                "Équivalents temps plein par activité au 1er janvier (registre du personnel).",
                {s.code: 10 for s in by_code.values() if s.kind == "village"}
                | {"O2R-44": 4, "FAM-44": 3},
            ),
        ):
            key = AllocationKey.objects.create(
                organisation=organisation,
                code=code,
                valid_from=start,
                basis=basis,
                documentation=documentation,
            )
            KeyShare.objects.bulk_create(
                KeyShare(key=key, section=by_code[c], weight=w)
                for c, w in weights.items()
                if c in by_code and by_code[c].organisation_id == organisation.pk
            )
        AllocationRule.objects.bulk_create(
            [
                AllocationRule(
                    organisation=organisation, account_prefix="613", method="key", key_code="LOCAUX"
                ),
                AllocationRule(
                    organisation=organisation,
                    account_prefix="616",
                    method="key",
                    key_code="EFFECTIFS",
                ),
            ]
        )
        for year in sorted({m.year for m in months}):
            allocate_year(organisation, year)
    with world.step("Comptabilité analytique : budgets prévisionnels"):
        seed_budgets(programme, by_code, finance, months)


def seed_budgets(programme, by_code, finance, months):
    """The O2R programme's forecast budgets for each agreement year (the association's part and
    the partner's, above the call's floor over 3 years, arrested), and the family programme's
    budget for the year of the books."""
    from ancrage.accounting.budgets import agreement_years, arrest_programme_budget, save_budget
    from ancrage.accounting.models import CostCategory

    def amounts(section, plan):
        categories = {
            c.code: c for c in CostCategory.objects.filter(organisation=section.organisation_id)
        }
        return {categories[code]: Decimal(amount) for code, amount in plan.items()}

    partner = Section.objects.get(code="O2R-44-PART")
    for year in agreement_years(programme):
        save_budget(
            by_code["O2R-44"],
            year.year,
            amounts(
                by_code["O2R-44"],
                {
                    "PERSONNEL": 95_000,
                    "SERV-EXT": 12_000,
                    "ACHATS": 4_000,
                    "SUB-ETAT": 75_000,
                    "SUB-AUTRES": 6_000,
                },
            ),
        )
        save_budget(
            partner,
            year.year,
            amounts(partner, {"PERSONNEL": 42_000, "SERV-EXT": 5_000, "SUB-ETAT": 75_000}),
        )
    arrest_programme_budget(programme, finance)
    if "FAM-44" in by_code:
        save_budget(
            by_code["FAM-44"],
            months[-1].year,
            amounts(
                by_code["FAM-44"],
                {"PERSONNEL": 210_000, "SERV-EXT": 18_000, "ACHATS": 9_000, "SUB-AUTRES": 120_000},
            ),
        )


def clear_accounting():
    """Delete every accounting record, dependants first (tests that reload the demo)."""
    for model in (
        models.BudgetLine,
        models.Budget,
        models.SectionMonth,
        models.AllocatedAmount,
        models.TimeBasis,
        models.LedgerLine,
        models.FecImport,
        models.AllocationRule,
        models.KeyShare,
        models.AllocationKey,
        models.TimeEntry,
        models.TimeSheet,
        models.Contract,
        models.CostCategory,
        models.Section,
        models.Agreement,
    ):
        model.objects.all().delete()
