"""Allocation: each cost reaches sections by its analytic code, a direct rule, the approved
staff time of its month or a dated key; a section's figure for a month goes back to its FEC
lines and the time sheets behind it."""

import datetime
from decimal import Decimal

import pytest

from ancrage.accounting.allocation import allocate_year
from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import AllocationKey, AllocationRule, KeyShare, TimeSheet
from ancrage.accounting.queries import cost_table, trace
from ancrage.kernel.access import Role
from tests.accounting.factories import add_sections, balanced_entry, contract, fec_file, sheet

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def allocated(world, o2r_files):
    sections = add_sections(world)
    organisation = world.organisation
    create_default_categories(organisation, programmes=[world.programme])
    o2r, village = sections["o2r"], sections["village"]
    head = world.users[Role.HEAD_OF_SERVICE]
    counsellor, parent = world.users[Role.O2R_COUNSELLOR], world.users[Role.HOUSE_PARENT]
    contract(counsellor, organisation, cost="3000")
    contract(parent, organisation, cost="3000")
    approved = {"status": TimeSheet.Status.APPROVED, "approved_by": head, "month": MARCH}
    sheet(counsellor, {o2r: "151.67"}, **approved)
    sheet(parent, {village: "100", o2r: "50"}, **approved)
    # a sheet still waiting counts for nothing
    sheet(
        world.users[Role.FAMILY_AIDE], {o2r: "100"}, status=TimeSheet.Status.SUBMITTED, month=MARCH
    )
    contract(world.users[Role.FAMILY_AIDE], organisation)
    rent = AllocationKey.objects.create(
        organisation=organisation,
        code="LOYER",
        valid_from=datetime.date(2026, 1, 1),
        basis="surface",
        documentation="Bail du siège : 25 m² O2R, 75 m² village (état des lieux du 2 janvier).",
    )
    KeyShare.objects.create(key=rent, section=o2r, weight=25)
    KeyShare.objects.create(key=rent, section=village, weight=75)
    AllocationRule.objects.create(
        organisation=organisation, account_prefix="613", method="key", key_code="LOYER"
    )
    rows = [
        *balanced_entry(1, "20260331", "641100", "6000,00", code="", label="Salaires mars"),
        *balanced_entry(2, "20260310", "606100", "300,00", code=o2r.code),
        *balanced_entry(3, "20260305", "613200", "1000,00", code="", label="Loyer mars"),
        *balanced_entry(4, "20260312", "625100", "80,00", code="", label="Déplacements"),
        *balanced_entry(5, "20260320", "741000", "0", code=o2r.code, label="Subvention"),
    ]
    rows[-2] = rows[-2].replace("\t0\t\t", "\t\t5000,00\t")  # the subsidy is a credit
    rows[-1] = rows[-1].replace("\t\t0\t", "\t5000,00\t\t")
    import_fec(
        organisation, world.users[Role.FINANCE], fec_file(rows, analytic=True), "fec-2026.txt"
    )
    world.result = allocate_year(organisation, 2026)
    return world


def test_figure_traces_back_to_its_lines(allocated):
    world = allocated
    o2r = world.sections["o2r"]
    finance = world.users[Role.FINANCE]
    table = cost_table(finance, 2026)
    row = next(r for r in table["rows"] if r["section"] == o2r)
    # salaries by approved time (4 000 of 6 000: the counsellor's whole cost and a third of the
    # house parent's), the direct purchase, a quarter of the rent by the surface key
    assert row["months"][2] == Decimal("4550.00")
    assert row["income"] == Decimal("5000.00")
    details = trace(finance, o2r.pk, 2026, 3)
    assert details["charges"] == row["months"][2]
    lines = {
        (s.line.fec_import.filename, s.line.line_number, s.method, s.amount)
        for s in details["shares"]
    }
    assert lines == {
        ("fec-2026.txt", 2, "time", Decimal("4000.00")),
        ("fec-2026.txt", 4, "code", Decimal("300.00")),
        ("fec-2026.txt", 6, "key", Decimal("250.00")),
        ("fec-2026.txt", 10, "code", Decimal("5000.00")),
    }
    rent = next(s for s in details["shares"] if s.method == "key")
    assert rent.key.code == "LOYER" and "Bail du siège" in rent.key.documentation
    salaries = next(s for s in details["shares"] if s.method == "time")
    assert {sh.employee for sh in salaries.time_basis.sheets.all()} == {
        world.users[Role.O2R_COUNSELLOR],
        world.users[Role.HOUSE_PARENT],
    }
    assert {e.sheet.employee for e in details["time_entries"]} == {
        world.users[Role.O2R_COUNSELLOR],
        world.users[Role.HOUSE_PARENT],
    }


def test_every_euro_of_an_allocated_line_reaches_a_section(allocated):
    village = next(
        r
        for r in cost_table(allocated.users[Role.FINANCE], 2026)["rows"]
        if r["section"] == allocated.sections["village"]
    )
    assert village["months"][2] == Decimal("2750.00")  # 2 000 of salaries, 750 of rent
    unallocated = {(line.account_number, why) for line, why in allocated.result.unallocated}
    assert unallocated == {("625100", "aucune règle pour ce compte")}


def test_a_director_reads_the_figures_of_their_sections_only(allocated):
    director = allocated.users[Role.ESTABLISHMENT_DIRECTOR]
    rows = cost_table(director, 2026)["rows"]
    assert [r["section"] for r in rows] == [allocated.sections["village"]]
    with pytest.raises(Exception):  # noqa: B017 - Http404
        trace(director, allocated.sections["o2r"].pk, 2026, 3)


def test_allocation_recomputed_gives_the_same_figures(allocated):
    def figures():
        table = cost_table(allocated.users[Role.FINANCE], 2026)
        return table["rows"], table["totals"]

    first = figures()
    allocate_year(allocated.organisation, 2026)
    assert figures() == first


def test_finance_follows_a_figure_to_its_lines_on_the_pages(
    client, allocated, django_assert_num_queries
):
    from django.urls import reverse

    from tests.conftest import login

    login(client, allocated.users[Role.FINANCE])
    o2r = allocated.sections["o2r"]
    with django_assert_num_queries(FIGURES_QUERIES):
        page = client.get(reverse("accounting:figures"), {"annee": 2026}).content.decode()
    trace_url = reverse("accounting:trace", args=[o2r.pk, 2026, 3])
    assert f'href="{trace_url}">4' in page
    with django_assert_num_queries(TRACE_QUERIES):
        page = client.get(trace_url).content.decode()
    assert "fec-2026.txt, 6" in page and "LOYER" in page and "Bail du siège" in page
    assert "Agent O2r-counsellor" in page


FIGURES_QUERIES = 9
TRACE_QUERIES = 7


def test_allocated_lines_export_as_csv_with_entry_references_and_section_codes(client, allocated):
    from django.urls import reverse

    from tests.conftest import login

    login(client, allocated.users[Role.FINANCE])
    response = client.get(reverse("accounting:export_csv"), {"annee": 2026})
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()]
    assert rows[0][:4] == ["JournalCode", "EcritureNum", "EcritureDate", "PieceRef"]
    rent = [r for r in rows[1:] if r[4] == "613200"]
    assert {(r[8], r[10], r[11], r[12]) for r in rent} == {
        ("O2R-44", "250.00", "key", "LOYER"),
        ("VIL-COT", "750.00", "key", "LOYER"),
    }
    # a director's export holds their sections only
    login(client, allocated.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.get(reverse("accounting:export_csv"), {"annee": 2026})
    text = response.content.decode("utf-8-sig")
    assert {line.split(";")[8] for line in text.splitlines()[1:]} == {"VIL-COT"}


def test_the_stored_sums_are_the_sums_of_the_allocated_amounts(allocated):
    """The cost table's `SectionMonth` rows are the sums of the shares, charges (class 6) apart,
    after the allocation and after the year is allocated again with a key changed."""
    from ancrage.accounting.allocation import section_months
    from ancrage.accounting.models import AllocatedAmount, SectionMonth

    def stored():
        return {(r.section_id, r.month): (r.charges, r.income) for r in SectionMonth.objects.all()}

    def summed():
        return {
            (r["section_id"], r["month"]): (r["charges"] or 0, r["income"] or 0)
            for r in section_months(AllocatedAmount.objects.all())
        }

    first = stored()
    assert first and first == summed()
    share = KeyShare.objects.order_by("pk").first()
    share.weight = share.weight * 3
    share.save()
    allocate_year(allocated.organisation, 2026)
    assert stored() == summed() != first
