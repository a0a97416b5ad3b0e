"""The activity report to the préfet, computed on a fixed fixture and compared with figures
worked out by hand; published through the disclosure control in the page and both exports."""

import datetime
from io import BytesIO

import pytest
from django.db.models import DateField, Value
from django.urls import reverse

from ancrage.insertion import report
from ancrage.insertion.models import Activity
from ancrage.insertion.services.accompaniment import open_accompaniment
from ancrage.insertion.services.activity import record_activity
from ancrage.insertion.services.beneficiary import check_eligibility, convert_contact, record_exit
from ancrage.insertion.services.outreach import log_outreach_action, record_contact
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import age_on_sql
from ancrage.kernel.disclosure import FOOTNOTE
from ancrage.organisation.models import EfopTerritory
from tests.conftest import export_through_job, login
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date
START, END = D(2026, 1, 1), D(2026, 6, 30)
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


@pytest.fixture
def half_year(o2r_files):
    """The first half of 2026 in the world's O2R team (everything in `o2r_files` is later):
    2 outreach actions (10 and 7 people met; one more the day before the period, 50 people),
    7 contacts (6 in 44 Centre converted on 20 February after meeting on 10 February, 1
    anonymous in 72 Sud), 6 beneficiaries: 3 women born 2003 (under 26), 2 men born 1990,
    1 man born 1968 (55+), 5 of them QPV residents; 5 accompaniments from 1 March; one
    workshop on 10 March with those 5; 2 exits to training on 31 May."""
    w = o2r_files
    me = w.users[Role.O2R_COUNSELLOR]
    team = w.o2r_team
    centre = w.territory
    sud = EfopTerritory.objects.create(name="72 Sud", departement="72")
    common = {"team": team, "by": me, "kind": "street_work", "place": "Gare", "commune": "Nantes"}
    log_outreach_action(date=D(2026, 2, 10), efop_territory=centre, people_met=10, **common)
    log_outreach_action(date=D(2026, 3, 5), efop_territory=centre, people_met=7, **common)
    log_outreach_action(date=D(2025, 12, 31), efop_territory=centre, people_met=50, **common)
    births = [("F", D(2003, 1, 1))] * 3 + [("M", D(1990, 5, 5))] * 2 + [("M", D(1968, 1, 1))]
    beneficiaries = []
    for n, (sex, birth) in enumerate(births):
        contact = record_contact(
            team=team,
            by=me,
            met_on=D(2026, 2, 10),
            nickname=f"P{n}",
            commune="Nantes",
            efop_territory=centre,
        )
        b = convert_contact(
            contact,
            by=me,
            consent_on=D(2026, 2, 20),
            consent_how="Oral",
            person=PersonFactory(sex=sex, birth_date=birth),
        )
        check_eligibility(
            b,
            by=me,
            checked_on=D(2026, 2, 20),
            registered=False,
            flags=["qpv"] if n < 5 else [],
        )
        beneficiaries.append(b)
    record_contact(
        team=team,
        by=me,
        met_on=D(2026, 3, 5),
        nickname="Anonyme",
        commune="La Flèche",
        efop_territory=sud,
    )
    for b in beneficiaries[:5]:
        open_accompaniment(b, by=me, start_date=D(2026, 3, 1), referent=me)
    record_activity(
        team=team,
        by=me,
        format=Activity.Format.COLLECTIVE,
        kind="workshop",
        title="CV",
        date=D(2026, 3, 10),
        duration_minutes=120,
        attendees=beneficiaries[:5],
    )
    for b in beneficiaries[:2]:
        record_exit(b, by=me, date=D(2026, 5, 31), reason="training")
    return w


def figures(world):
    return report.build([world.o2r_team.establishment_id], START, END)


def test_report_figures_equal_those_worked_out_by_hand(half_year):
    r = figures(half_year)
    # the last step: accompaniments past their limit in the period (from 1 March: none)
    assert [n for _label, n in r.steps] == [2, 17, 7, 6, 5, 5, 2, 0]
    assert dict(r.exits)["Formation"] == 2 and sum(n for _l, n in r.exits) == 2
    assert r.territories == [("44 Centre", 6, 6, 5, 2), ("72 Sud", 1, 0, 0, 0)]
    priority = dict(r.priority)
    assert priority["Moins de 26 ans en rupture"] == 3
    assert priority["55 ans et plus"] == 1
    assert priority["Résident d'un QPV"] == 5
    assert priority["Sans logement stable"] == 0
    assert [row[1:] for row in r.ages] == [
        (3, 0, 0, 3),  # under 26
        (0, 2, 0, 2),  # 26 to 44
        (0, 0, 0, 0),  # 45 to 54
        (0, 1, 0, 1),  # 55 and over
        (0, 0, 0, 0),  # unknown age
    ]
    # medians: met 10 Feb → consent 20 Feb; consent → start 1 March; 1 March → 31 May
    assert [(days, n) for _label, days, n in r.delays] == [(10, 6), (9, 5), (91, 2)]


def test_an_exit_without_accompaniment_counts_but_has_no_delay(half_year):
    """The sixth beneficiary (no accompaniment) leaves on 15 June: one more exit, in 44 Centre
    and by reason, while the start-to-exit median still covers the two accompanied exits."""
    from ancrage.insertion.models import Beneficiary

    me = half_year.users[Role.O2R_COUNSELLOR]
    unaccompanied = Beneficiary.objects.filter(
        accompaniment__isnull=True, consent_on=D(2026, 2, 20)
    )
    assert unaccompanied.count() == 1
    record_exit(unaccompanied.get(), by=me, date=D(2026, 6, 15), reason="moved")
    r = figures(half_year)
    assert dict(r.steps)["Sorties"] == 3
    exits = dict(r.exits)
    assert exits["Formation"] == 2 and sum(exits.values()) == 3
    assert r.territories == [("44 Centre", 6, 6, 5, 3), ("72 Sud", 1, 0, 0, 0)]
    assert r.delays[2][1:] == (91, 2)


def test_disclosure_the_report_masks_small_cells_and_every_cell_that_reveals_them(half_year):
    """Cells of 1 to 4 masked, and with them what would give them back: the 6 new beneficiaries
    (6 = women + men of 26-44 + men of 55+, each at least 1, would pin the 3 women under 5), the
    44 Centre contacts (7 - the 1 in 72 Sud), the exits' total (the step "Sorties")."""
    r = figures(half_year).published()
    assert [n for _label, n in r.steps] == ["s", 17, 7, "s", 5, 5, "s", 0]
    assert dict(r.exits)["Formation"] == "s"
    assert r.territories == [
        ("44 Centre", "s", "s", 5, "s"),
        ("72 Sud", "s", 0, 0, 0),
        ("Total", 7, "s", 5, "s"),
    ]
    assert dict(r.priority)["Résident d'un QPV"] == 5
    assert dict(r.priority)["Moins de 26 ans en rupture"] == "s"
    assert dict(r.priority)["Femme"] == "s"
    assert [row[1:] for row in r.ages] == [
        ("s", 0, 0, "s"),
        (0, "s", 0, "s"),
        (0, 0, 0, 0),
        (0, "s", 0, "s"),
        (0, 0, 0, 0),
        ("s", "s", 0, "s"),
    ]
    # a delay over fewer than 5 people is masked, days and count
    assert [(days, n) for _label, days, n in r.delays] == [(10, 6), (9, 5), ("s", "s")]


def test_disclosure_no_masked_cell_of_the_report_can_be_recomputed(half_year):
    from ancrage.insertion.report import holding
    from ancrage.kernel.disclosure import intervals, protect

    r = figures(half_year)
    tables, links, sums = r.disclosure_tables()
    bounds = r.disclosure_bounds()
    assert holding(tables, bounds) == bounds  # every relation declared holds on the figures
    publication = protect(tables, links, sums, bounds)
    for ref, (low, high) in intervals(publication).items():
        assert high - low >= 1 - 1e-6, ref
        if publication.values[ref] < 5:
            assert high >= 5 - 1e-6, ref


def test_the_lead_reads_the_report_page_with_charts(client, half_year, django_assert_num_queries):
    login(client, half_year.users[Role.O2R_LEAD])
    # 18 before the situation at entry (entrants, active file) and the pathway's tables
    # (outreach by mode, sources, follow-ups, barriers): 6 grouped queries more; 24 before the
    # content tables (report.content_tables): 6 more
    # (outreach by mode, sources, follow-ups, barriers): 6 grouped queries more
    with django_assert_num_queries(28):
        page = client.get(reverse("insertion:report"), PERIOD)
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count("<svg") == 3
    assert "secret statistique" in content


@pytest.mark.django_db(transaction=True)
def test_the_xlsx_export_holds_the_published_figures(client, half_year):
    from openpyxl import load_workbook

    login(client, half_year.users[Role.O2R_LEAD])
    response = export_through_job(client, reverse("insertion:report_xlsx"), PERIOD)[1]
    assert response.status_code == 200
    assert "rapport-o2r-2026-01-01-2026-06-30.xlsx" in response["Content-Disposition"]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    steps = [row[:2] for row in book["Étapes"].iter_rows(min_row=3, values_only=True)]
    assert steps[0] == ("Actions de repérage", "s")
    assert steps[1] == ("Personnes rencontrées", 17)
    territories = [row[:5] for row in book["Territoires"].iter_rows(min_row=3, values_only=True)]
    assert territories == [
        ("44 Centre", "s", "s", 5, "s"),
        ("72 Sud", "s", 0, 0, 0),
        ("Total", 7, "s", 5, "s"),
        (None, None, None, None, None),
        (str(FOOTNOTE), None, None, None, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_pdf_export_holds_the_published_figures(client, half_year):
    from pypdf import PdfReader

    login(client, half_year.users[Role.O2R_LEAD])
    response = export_through_job(client, reverse("insertion:report_pdf"), PERIOD)[1]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="rapport-o2r-2026-01-01-2026-06-30.pdf"'
    pdf = BytesIO(b"".join(response.streaming_content))
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Rapport d'activité O2R" in text or "Rapport d’activité O2R" in text
    assert "Période du 01/01/2026 au 30/06/2026" in text
    assert "secret statistique" in text


def test_a_period_ending_before_it_starts_is_refused_at_the_field(client, half_year):
    login(client, half_year.users[Role.O2R_LEAD])
    response = client.get(reverse("insertion:report"), {"start": "2026-06-30", "end": "2026-01-01"})
    assert response.status_code == 422
    assert "end" in response.context["form"].errors


@pytest.mark.parametrize(
    ("birth", "on"),
    [
        (D(2000, 6, 15), D(2026, 6, 14)),  # the day before the 26th birthday
        (D(2000, 6, 15), D(2026, 6, 15)),  # the birthday
        (D(2000, 6, 15), D(2026, 6, 16)),
        (D(2000, 2, 29), D(2026, 2, 28)),  # 29 February: 28 February in other years
        (D(2000, 2, 29), D(2026, 3, 1)),
        (D(2000, 2, 29), D(2028, 2, 28)),  # a leap year: the birthday is the 29th
        (D(2000, 2, 29), D(2028, 2, 29)),
        (D(1971, 12, 31), D(2026, 12, 30)),  # 54, then 55 the next day
        (D(1971, 12, 31), D(2026, 12, 31)),
        (D(1981, 1, 1), D(2026, 1, 1)),  # 45
        (D(1981, 1, 2), D(2026, 1, 1)),  # 44
        (D(2001, 3, 1), D(2100, 2, 28)),  # 2100 is not a leap year
    ],
)
def test_the_age_bracket_in_sql_is_the_calendar_age(birth, on):
    """The report's age in SQL (the kernel's age_on_sql) and its bracket against dateutil's
    relativedelta, on birthdays, the day before and 29 February."""
    from dateutil.relativedelta import relativedelta

    from ancrage.people.models import Person

    person = PersonFactory(birth_date=birth)
    expected = relativedelta(on, birth).years
    age = (
        Person.objects.filter(pk=person.pk)
        .annotate(on=Value(on, output_field=DateField()))
        .annotate(age=age_on_sql("birth_date", "on"))
        .values_list("age", flat=True)
        .get()
    )
    assert int(age) == expected
    brackets = [k for k, _label, low, high in report.AGE_BRACKETS if low <= expected < high]
    assert report.bracket_of(int(age)) == brackets[0]


def test_the_age_is_null_without_a_birth_date():
    from ancrage.people.models import Person

    person = PersonFactory(birth_date=None)
    age = (
        Person.objects.filter(pk=person.pk)
        .annotate(on=Value(D(2026, 1, 1), output_field=DateField()))
        .annotate(age=age_on_sql("birth_date", "on"))
        .values_list("age", flat=True)
        .get()
    )
    assert age is None
    assert report.bracket_of(None) is None


@pytest.mark.parametrize(
    "values",
    [[3], [1, 2], [1, 2, 3, 4], [5, 5, 5, 9], [0, 7, 7, 7, 100], [-3, 2], [10, 11, 11, 30, 30, 31]],
)
def test_the_median_read_from_counts_is_that_of_the_values(values):
    from collections import Counter
    from statistics import median

    assert report.median_of_counts(Counter(values)) == int(median(values))


def test_the_median_of_random_delays_is_that_of_the_values():
    import random
    from collections import Counter
    from statistics import median

    rng = random.Random(7)
    for size in range(1, 60):
        values = [rng.randint(0, 40) for _ in range(size)]
        assert report.median_of_counts(Counter(values)) == int(median(values))
    assert report.median_of_counts({}) is None


@pytest.mark.django_db(transaction=True)
def test_export_neutralises_formula_cells(client, half_year):
    """A territory renamed by the administrator into a formula reaches the funder's file as
    text; the counts stay numbers."""
    from openpyxl import load_workbook

    EfopTerritory.objects.filter(name="72 Sud").update(name='=HYPERLINK("http://x.test","72")')
    EfopTerritory.objects.filter(name="44 Centre").update(name="-44 Centre")
    login(client, half_year.users[Role.O2R_LEAD])
    _page, xlsx = export_through_job(client, reverse("insertion:report_xlsx"), PERIOD)
    book = load_workbook(BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(book["Territoires"].iter_rows(min_row=3, max_row=4))
    names = sorted((row[0].value, row[0].data_type) for row in rows)
    assert names == [("'-44 Centre", "s"), ('\'=HYPERLINK("http://x.test","72")', "s")]
    for row in rows:
        assert all(cell.data_type != "f" for cell in row)
    assert any(cell.data_type == "n" and cell.value == 5 for row in rows for cell in row)


@pytest.mark.django_db(transaction=True)
def test_the_exports_through_a_job_are_the_files_the_page_gave(client, half_year):
    """The job's files hold what the report module renders for the same period and user: the
    cells of every sheet, the text of every page."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from ancrage.insertion import jobs

    lead = half_year.users[Role.O2R_LEAD]
    login(client, lead)
    choice = jobs.chosen(jobs.report_form(lead, PERIOD))
    figures = jobs.figures(choice)

    def cells(content):
        book = load_workbook(BytesIO(content))
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}

    def text(content):
        return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]

    _page, xlsx = export_through_job(client, reverse("insertion:report_xlsx"), PERIOD)
    assert cells(b"".join(xlsx.streaming_content)) == cells(report.to_xlsx(figures))
    _page, pdf = export_through_job(client, reverse("insertion:report_pdf"), PERIOD)
    expected = report.to_pdf(
        figures,
        title="Rapport d'activité O2R",
        programme=choice.scope.programme,
        period_label=choice.period_label,
    )
    assert text(b"".join(pdf.streaming_content)) == text(expected)


@pytest.mark.django_db(transaction=True)
def test_an_export_of_a_period_ending_before_it_starts_fails_with_its_reason(
    client, half_year, settings
):
    login(client, half_year.users[Role.O2R_LEAD])
    page, file = export_through_job(
        client, reverse("insertion:report_xlsx"), {"start": "2026-06-30", "end": "2026-01-01"}
    )
    assert (
        "Au (dates libres) : La fin de la période doit suivre son début." in page.content.decode()
    )
    assert "Relancer" in page.content.decode()
    assert file.status_code == 404
    assert not (settings.MEDIA_ROOT / "jobs").exists()
