"""Builders of analytic-accounting records for tests: the sections of the world's organisation
(and one of the other organisation), contracts and time sheets."""

import datetime
from decimal import Decimal

from ancrage.accounting.models import (
    Agreement,
    Contract,
    CostCategory,
    Section,
    TimeEntry,
    TimeSheet,
)
from ancrage.kernel.access import Role
from ancrage.organisation.models import Establishment

# A past month every test can declare time for.
MONTH = datetime.date(2026, 3, 1)


def add_sections(world):
    """The world's analytic sections: the O2R programme (when the world has one: the
    organisation's part, and the consortium partner's), each village's core activity, the family
    programme, the support functions; one section of the other organisation."""
    organisation = world.organisation
    sections = {}
    if world.programme is not None:
        sections["o2r"] = Section.objects.create(
            organisation=organisation,
            establishment=world.o2r_team.establishment,
            code="O2R-44",
            name="O2R 44 : part de l'association",
            kind=Section.Kind.O2R,
            programme=world.programme,
        )
        partner = world.partner_team.establishment
        sections["o2r_partner"] = Section.objects.create(
            organisation=partner.organisation,
            establishment=partner,
            code="O2R-44-P",
            name="O2R 44 : part du partenaire",
            kind=Section.Kind.O2R,
            programme=world.programme,
        )
    sections["village"] = Section.objects.create(
        organisation=organisation,
        establishment=world.village,
        code="VIL-COT",
        name="Village des Coteaux",
        kind=Section.Kind.VILLAGE,
    )
    sections["other_village"] = Section.objects.create(
        organisation=organisation,
        establishment=world.other_village,
        code="VIL-LAC",
        name="Village du Lac",
        kind=Section.Kind.VILLAGE,
    )
    sections["family"] = Section.objects.create(
        organisation=organisation,
        establishment=world.family_team.establishment,
        code="FAM",
        name="Renforcement familial",
        kind=Section.Kind.FAMILY,
    )
    sections["support"] = Section.objects.create(
        organisation=organisation, code="SUP", name="Fonctions support", kind=Section.Kind.SUPPORT
    )
    foreign = Establishment.objects.get(pk=world.foreign_village.pk)
    sections["foreign"] = Section.objects.create(
        organisation=foreign.organisation,
        establishment=foreign,
        code="VIL-LOIN",
        name="Village lointain",
        kind=Section.Kind.VILLAGE,
    )
    world.sections = sections
    world.section = sections["village"]
    world.other_section = sections["foreign"]
    return sections


def contract(user, organisation, *, hours="35", cost="3000", period="month", **fields):
    return Contract.objects.create(
        employee=user,
        organisation=organisation,
        hours_per_week=Decimal(hours),
        start_date=fields.pop("start_date", datetime.date(2024, 1, 1)),
        gross_cost=Decimal(cost),
        cost_period=period,
        **fields,
    )


def sheet(user, entries, *, month=MONTH, status=TimeSheet.Status.DRAFT, approved_by=None):
    """A time sheet written as it stands (no rule checked: the services are tested elsewhere)."""
    fields = {}
    if status == TimeSheet.Status.APPROVED:
        fields = {"approved_by": approved_by, "approved_at": datetime.datetime.now(datetime.UTC)}
    time_sheet = TimeSheet.objects.create(employee=user, month=month, status=status, **fields)
    for section, hours in entries.items():
        TimeEntry.objects.create(sheet=time_sheet, section=section, hours=Decimal(hours))
    return time_sheet


def add_accounting(world):
    """Sections, a contract for every staff member of the world, and two submitted time sheets:
    the house parent's (Léa's village: its head of service, director and finance reach it) and
    one of a house parent of the other organisation's village (nobody here reaches it)."""
    from tests.accounts.factories import MembershipFactory, UserFactory

    sections = add_sections(world)
    for role, user in world.users.items():
        if role not in (Role.YOUTH, Role.FUNDER):
            contract(user, world.organisation)
    world.contract = Contract.objects.get(employee=world.users[Role.HOUSE_PARENT])
    world.agreement, world.other_agreement = (
        Agreement.objects.create(
            organisation=organisation,
            funder="Conseil départemental",
            name=f"Habilitation ASE {organisation.pk}",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            amount=Decimal("2400000"),
        )
        for organisation in (world.organisation, world.other_organisation)
    )
    sections["village"].agreements.add(world.agreement)
    from ancrage.accounting.books import create_default_categories

    create_default_categories(
        world.organisation, programmes=[p for p in [world.programme] if p is not None]
    )
    create_default_categories(world.other_organisation)
    world.category = CostCategory.objects.get(organisation=world.organisation, code="FORMATION")
    world.other_category = CostCategory.objects.get(
        organisation=world.other_organisation, code="FORMATION"
    )
    world.time_sheet = sheet(
        world.users[Role.HOUSE_PARENT],
        {sections["village"]: "150"},
        status=TimeSheet.Status.SUBMITTED,
    )
    foreign_house = world.foreign_village.units.first()
    stranger = UserFactory(username="parent-lointain")
    MembershipFactory(
        user=stranger,
        role=Role.HOUSE_PARENT,
        unit=foreign_house,
        start_date=datetime.date(2024, 1, 1),
    )
    world.other_contract = contract(stranger, world.other_organisation)
    world.other_time_sheet = sheet(
        stranger, {sections["foreign"]: "100"}, status=TimeSheet.Status.SUBMITTED
    )
    return world


FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def fec_row(number, day, account, label, debit="", credit="", journal="AC", code=None):
    """One FEC line (tab separated); `code`: the optional analytic column."""
    cells = [
        journal,
        "Achats",
        str(number),
        day,
        account,
        label,
        "",
        "",
        f"F{number}",
        day,
        label,
        debit,
        credit,
        "",
        "",
        day,
        "",
        "",
    ]
    if code is not None:
        cells.append(code)
    return "\t".join(cells)


def fec_file(rows, *, analytic=False, encoding="utf-8", separator="\t") -> bytes:
    header = FEC_HEADER + ("\tCodeAnalytique" if analytic else "")
    text = "\r\n".join([header, *rows]) + "\r\n"
    return text.replace("\t", separator).encode(encoding)


def balanced_entry(number, day, account, amount, *, code=None, label="Fournitures"):
    """A charge on `account` paid to a supplier (401): two lines."""
    return [
        fec_row(number, day, account, label, debit=amount, code=code),
        fec_row(
            number,
            day,
            "401000",
            "Fournisseur",
            credit=amount,
            code="" if code is not None else None,
        ),
    ]
