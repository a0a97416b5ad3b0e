"""Budgets, the financial report and the over-compensation check: a forecast budget per section and
year by category (never an ineligible category for O2R), the programme's budgets arrested only
at the call's floor, achieved against budget with variances; the annual financial report of the
programme consolidated with each member's part, the State's funding against the net cost of the
obligations, the cost per person accompanied with small counts suppressed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ancrage.accounting import budgets, reports
from ancrage.accounting.allocation import allocate_year
from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import Budget, CostCategory
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK
from tests.accounting.factories import add_sections, balanced_entry, fec_file, fec_row
from tests.conftest import login

pytestmark = pytest.mark.django_db


def category(organisation, code):
    return CostCategory.objects.get(organisation=organisation, code=code)


def credit_entry(number, day, account, amount, code):
    """Income on `account` (a credit) received at the bank (512), coded to a section."""
    return [
        fec_row(number, day, "512000", "Banque", debit=amount, code="", journal="BQ"),
        fec_row(number, day, account, "Subvention", credit=amount, code=code, journal="BQ"),
    ]


@pytest.fixture
def books(world, o2r_files):
    """The consortium's O2R sections (the world's organisation, its partner), their categories,
    and a year-1 FEC of each: purchases, training (ineligible), the State's grant, another grant,
    valued volunteering; allocated."""
    sections = add_sections(world)
    programme = world.programme
    partner = world.partner_team.establishment.organisation
    create_default_categories(world.organisation, programmes=[programme])
    create_default_categories(partner, programmes=[programme])
    world.year1 = budgets.agreement_years(programme)[0]
    day = world.year1.start + datetime.timedelta(days=40)
    world.day = day
    text = day.strftime("%Y%m%d")
    o2r, other = sections["o2r"].code, sections["o2r_partner"].code
    ours = [
        *balanced_entry(1, text, "606100", "20000,00", code=o2r),
        *balanced_entry(2, text, "633300", "3000,00", code=o2r, label="Formation"),
        *credit_entry(3, text, "741000", "15000,00", o2r),
        *credit_entry(4, text, "748000", "2000,00", o2r),
        *credit_entry(5, text, "875000", "1500,00", o2r),
    ]
    theirs = [
        *balanced_entry(1, text, "606100", "8000,00", code=other),
        *credit_entry(2, text, "741000", "6000,00", other),
    ]
    finance = world.users[Role.FINANCE]
    import_fec(world.organisation, finance, fec_file(ours, analytic=True), "fec-nous.txt")
    import_fec(partner, finance, fec_file(theirs, analytic=True), "fec-partenaire.txt")
    for organisation in (world.organisation, partner):
        allocate_year(organisation, day.year)
    world.partner = partner
    return world


def test_budget_refuses_an_ineligible_category_for_an_o2r_section(books):
    o2r = books.sections["o2r"]
    training = category(books.organisation, "FORMATION")
    with pytest.raises(ValidationError) as refused:
        budgets.save_budget(o2r, books.year1.year, {training: Decimal("500")})
    assert (
        "n'est pas éligible au programme O2R"
        in refused.value.message_dict[f"category_{training.pk}"][0]
    )
    assert not Budget.objects.exists()
    # the same category is fine on a village
    budgets.save_budget(books.sections["village"], 2026, {training: Decimal("500")})


def test_budget_floor_refuses_a_project_under_150000_over_three_years(books):
    programme = books.programme
    purchases = category(books.organisation, "ACHATS")
    theirs = category(books.partner, "ACHATS")
    years = budgets.agreement_years(programme)
    for year in years:
        budgets.save_budget(books.sections["o2r"], year.year, {purchases: Decimal("30000")})
    budgets.save_budget(books.sections["o2r_partner"], years[0].year, {theirs: Decimal("50000")})
    finance = books.users[Role.FINANCE]
    with pytest.raises(ValidationError) as refused:
        budgets.arrest_programme_budget(programme, finance)
    message = refused.value.messages[0].replace("\xa0", " ").replace("\u202f", " ")
    assert "140 000,00 €" in message
    assert "inférieur au minimum de l'appel" in message and "150" in message
    assert not Budget.objects.filter(arrested_at__isnull=False).exists()
    # the partner's part brings the consortium's project to the floor
    budgets.save_budget(books.sections["o2r_partner"], years[1].year, {theirs: Decimal("10000")})
    assert budgets.arrest_programme_budget(programme, finance) == 5
    # a change afterwards sets the programme's budgets back to draft
    budgets.save_budget(books.sections["o2r_partner"], years[1].year, {theirs: Decimal("12000")})
    assert not Budget.objects.filter(arrested_at__isnull=False).exists()


def test_achieved_against_budget_gives_the_variance_by_category(books):
    o2r = books.sections["o2r"]
    purchases = category(books.organisation, "ACHATS")
    state = category(books.organisation, "SUB-ETAT")
    budget = budgets.save_budget(
        o2r, books.year1.year, {purchases: Decimal("25000"), state: Decimal("15000")}
    )
    lines = {
        c.category.code: c
        for c in budgets.comparison(
            budget, list(CostCategory.objects.filter(organisation=books.organisation))
        )
    }
    assert lines["ACHATS"].achieved == Decimal("20000.00")
    assert lines["ACHATS"].variance == Decimal("-5000.00")
    assert lines["ACHATS"].variance_percent == Decimal("-20.0")
    assert lines["SUB-ETAT"].variance == Decimal("0")
    # achieved without a budget still shows, with no percentage
    assert lines["FORMATION"].budget == 0 and lines["FORMATION"].variance_percent is None


def test_over_compensation_is_flagged_when_the_states_funding_exceeds_the_net_cost(books):
    checks = reports.over_compensation(books.programme)
    first, cumulated = checks[0], checks[-1]
    # eligible: 20 000 + 8 000 of purchases (training is not); other income: 2 000
    assert first.eligible_costs == Decimal("28000.00")
    assert first.other_income == Decimal("2000.00")
    assert first.net_cost == Decimal("26000.00")
    assert first.state_funding == Decimal("21000.00")
    assert not first.over_compensated and not cumulated.over_compensated
    assert len(checks) == len(budgets.agreement_years(books.programme)) + 1
    # a further State payment of 6 000 the next day: 27 000 against 26 000
    text = (books.day + datetime.timedelta(days=1)).strftime("%Y%m%d")
    import_fec(
        books.organisation,
        books.users[Role.FINANCE],
        fec_file(
            credit_entry(9, text, "741000", "6000,00", books.sections["o2r"].code), analytic=True
        ),
        "fec-complement.txt",
    )
    allocate_year(books.organisation, books.day.year)
    checks = reports.over_compensation(books.programme)
    assert checks[0].over_compensated and checks[0].excess == Decimal("1000.00")
    assert checks[-1].over_compensated and checks[-1].excess == Decimal("1000.00")


def test_ineligible_category_is_excluded_from_the_reports_eligible_costs(books):
    report = reports.financial_report(books.programme, books.year1)
    assert report.members == [books.organisation.name, books.partner.name]
    charges = {row.label: row for row in report.charges}
    assert charges["Formation professionnelle"].ineligible
    assert charges["Formation professionnelle"].members == [Decimal("3000.00"), Decimal(0)]
    assert report.totals["charges"].total == Decimal("31000.00")
    assert report.totals["eligible"].members == [Decimal("20000.00"), Decimal("8000.00")]
    assert report.totals["state"].members == [Decimal("15000.00"), Decimal("6000.00")]
    assert report.totals["grants"].total == Decimal("2000.00")
    assert report.totals["volunteering"].members == [Decimal("1500.00"), Decimal(0)]


def test_cost_per_person_is_suppressed_when_few_people_are_counted(books):
    year2 = budgets.agreement_years(books.programme)[1]
    report = reports.financial_report(books.programme, year2)
    # one positive exit on each side of the consortium this year: never published
    exits = report.people[1]
    assert exits.members == [MASK, MASK] and exits.total == MASK
    assert report.unit_costs[1].members == [MASK, MASK]


def test_cost_per_person_divides_the_eligible_cost_by_the_published_count(books, monkeypatch):
    monkeypatch.setattr(reports, "_people", lambda *args: [[10, 5], [6, 0]])
    report = reports.financial_report(books.programme, books.year1)
    assert report.people[0].members == [10, 5] and report.people[0].total == 15
    assert report.unit_costs[0].members == [Decimal("2000.00"), Decimal("1600.00")]
    assert report.unit_costs[0].total == Decimal("1866.67")
    # no positive exit on the partner's side: no cost per exit there
    assert report.people[1].members == [6, 0]
    assert report.unit_costs[1].members == [Decimal("3333.33"), None]


def test_finance_saves_a_budget_through_the_page_and_an_ineligible_amount_stays_at_its_field(
    client, books
):
    login(client, books.users[Role.FINANCE])
    o2r = books.sections["o2r"]
    url = reverse("accounting:budget_edit", args=[o2r.pk, books.year1.year])
    training = category(books.organisation, "FORMATION")
    purchases = category(books.organisation, "ACHATS")
    response = client.post(
        url, {f"category_{training.pk}": "100", f"category_{purchases.pk}": "10"}
    )
    assert response.status_code == 422
    assert "n'est pas éligible" in response.context["form"].errors[f"category_{training.pk}"][0]
    assert not Budget.objects.exists()
    response = client.post(url, {f"category_{purchases.pk}": "25000"})
    assert response.status_code == 302
    page = client.get(reverse("accounting:budget", args=[o2r.pk, books.year1.year]))
    assert "-5" in page.content.decode().replace("\u202f", "").replace("\xa0", "")


def test_arresting_under_the_floor_through_the_page_says_why(client, books):
    login(client, books.users[Role.FINANCE])
    purchases = category(books.organisation, "ACHATS")
    budgets.save_budget(books.sections["o2r"], books.year1.year, {purchases: Decimal("1000")})
    response = client.post(
        reverse("accounting:budget_arrest", args=[books.programme.pk]), follow=True
    )
    assert "inférieur au minimum de l'appel" in response.content.decode()


def test_the_funder_reads_the_financial_report_of_the_programme_it_funds(client, books):
    funder = books.users[Role.FUNDER]
    login(client, funder)
    url = reverse("accounting:financial_report", args=[books.programme.pk, 1])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Financement de l&#x27;État" in text or "Financement de l'État" in text
    assert books.partner.name in text
    # no name of a person, no salary: categories and sums only
    for role, user in books.users.items():
        assert role == Role.FUNDER or f"{user.first_name} {user.last_name}" not in text
    assert client.get(reverse("accounting:budgets")).status_code == 403
    xlsx = client.get(reverse("accounting:financial_report_xlsx", args=[books.programme.pk, 1]))
    assert xlsx.status_code == 200 and xlsx.getvalue()[:2] == b"PK"
    other = client.get(
        reverse(
            "accounting:financial_report",
            args=[books.programme.pk, 1 + len(budgets.agreement_years(books.programme))],
        )
    )
    assert other.status_code == 404


def test_the_financial_report_pdf_is_a_pdf(client, books):
    login(client, books.users[Role.FINANCE])
    response = client.get(reverse("accounting:financial_report_pdf", args=[books.programme.pk, 1]))
    assert response.status_code == 200
    assert response.getvalue()[:5] == b"%PDF-"
    assert response["Content-Disposition"].startswith("attachment")


def test_budget_pages_read_a_fixed_number_of_queries(client, books, django_assert_num_queries):
    login(client, books.users[Role.FINANCE])
    purchases = category(books.organisation, "ACHATS")
    budgets.save_budget(books.sections["o2r"], books.year1.year, {purchases: Decimal("1000")})
    url = f"{reverse('accounting:budgets')}?annee={books.year1.year}"
    client.get(url)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    url = reverse("accounting:budget", args=[books.sections["o2r"].pk, books.year1.year])
    client.get(url)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    url = reverse("accounting:financial_report", args=[books.programme.pk, 1])
    client.get(url)
    with django_assert_num_queries(18):
        assert client.get(url).status_code == 200


def test_the_states_funding_is_listed_once_in_the_financial_report(client, books):
    """The State's grant (741) and the other grants (74) are their own lines of the income: the
    income by nature does not list them again, and the lines shown add up to the total."""
    report = reports.financial_report(books.programme, books.year1)
    shown = [report.totals["state"], report.totals["grants"], *report.income]
    assert [row.total for row in shown[:2]] == [Decimal("21000.00"), Decimal("2000.00")]
    assert sum(row.total for row in shown) == report.totals["income"].total
    assert not {"Subventions de l'État", "Autres subventions d'exploitation"} & {
        row.label for row in report.income
    }
    # the budget still compares the State's grant with its forecast
    assert "Subventions de l'État" in {label for label, *_rest in report.budget}
    login(client, books.users[Role.FINANCE])
    xlsx = client.get(reverse("accounting:financial_report_xlsx", args=[books.programme.pk, 1]))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.getvalue())).worksheets[0]
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert labels.count("Financement de l'État (comptes 741)") == 1
    assert "Subventions de l'État" not in labels
