"""The funder (DREETS, the préfet's services) reads the O2R activity report of the programmes
of its organisation, through the disclosure control, and nothing nominative."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse

from ancrage.insertion.queries.report import report_programmes, report_scope
from ancrage.kernel.access import Role
from tests.conftest import export_through_job, login
from tests.insertion.test_report import PERIOD, half_year  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


QUARTER = {"period": "2026t1"}  # the half year's first quarter (everything but the exits)


def test_consolidated_the_funder_reads_every_member_of_the_organisations_programmes(o2r_files):
    funder = o2r_files.users[Role.FUNDER]
    programmes = report_programmes(funder)
    assert programmes == [o2r_files.programme]
    scope = report_scope(funder, o2r_files.programme)
    assert scope.consolidated
    assert scope.own_service_ids == []
    assert scope.members == [
        ("Villages d'enfants Ancrage", [o2r_files.o2r_team.establishment_id]),
        ("Insertion Solidaire 44", [o2r_files.partner_team.establishment_id]),
    ]


def test_a_funder_of_another_organisation_covers_no_programme(o2r_files):
    from tests.accounts.factories import MembershipFactory, UserFactory
    from tests.organisation.factories import OrganisationFactory

    elsewhere = UserFactory(username="financeur-ailleurs")
    MembershipFactory(
        user=elsewhere,
        role=Role.FUNDER,
        organisation=OrganisationFactory(name="Autre association"),
        start_date=datetime.date(2024, 1, 1),
    )
    elsewhere.refresh_from_db()
    assert report_programmes(elsewhere) == []


def test_consolidated_the_funder_reads_the_programme_with_a_column_per_member(
    client,
    half_year,  # noqa: F811
    django_assert_num_queries,
):
    login(client, half_year.users[Role.FUNDER])
    # 36 before the situation and pathway tables: 6 grouped queries more per report (3 reports);
    # 54 before the content tables: 6 more per report (report.content_tables)
    # one more each for the remobilised and the overruns (no longer one query); no stored summary
    # yet: looked up, the programme's count of changes, the summary stored
    with django_assert_num_queries(75):
        page = client.get(reverse("insertion:report"), QUARTER)
    assert page.status_code == 200
    figures = page.context["report"]
    assert figures.members == ["Villages d'enfants Ancrage", "Insertion Solidaire 44"]
    steps = figures.columns()["steps"]
    assert [(parts, whole) for _label, parts, whole in steps] == [
        (["s", 0], "s"),
        ([17, 0], 17),
        ([7, 0], 7),
        (["s", 0], "s"),
        ([5, 0], 5),
        ([5, 0], 5),
        ([0, 0], 0),
        ([0, 0], 0),
    ]
    content = page.content.decode()
    assert "secret statistique" in content
    assert "Insertion Solidaire 44" in content
    # the funder's navigation leads to the report only
    assert f'href="{reverse("insertion:report")}"' in content
    for name in ("home", "beneficiaries", "contacts", "outreach_list", "activities"):
        assert f'href="{reverse(f"insertion:{name}")}"' not in content


def test_the_funder_cannot_choose_free_dates(client, half_year):  # noqa: F811
    """Two reports one day apart would isolate a person: outside the operator, only the fixed
    periods (the free date fields are not even offered)."""
    login(client, half_year.users[Role.FUNDER])
    page = client.get(reverse("insertion:report"), PERIOD)
    form = page.context["form"]
    assert "start" not in form.fields and "end" not in form.fields
    assert "Du (dates libres)" not in page.content.decode()
    # what was typed is ignored: the default period, a whole agreement year
    assert "de la convention (du " in page.context["choice"].period_label


@pytest.mark.django_db(transaction=True)
def test_the_funder_downloads_both_exports(client, half_year):  # noqa: F811
    from openpyxl import load_workbook
    from pypdf import PdfReader

    login(client, half_year.users[Role.FUNDER])
    xlsx = export_through_job(client, reverse("insertion:report_xlsx"), QUARTER)[1]
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(b"".join(xlsx.streaming_content)))
    steps = [row[:4] for row in book["Étapes"].iter_rows(min_row=2, max_row=4, values_only=True)]
    assert steps == [
        ("Étape", "Villages d'enfants Ancrage", "Insertion Solidaire 44", "Programme"),
        ("Actions de repérage", "s", 0, "s"),
        ("Personnes rencontrées", 17, 0, 17),
    ]
    pdf = export_through_job(client, reverse("insertion:report_pdf"), QUARTER)[1]
    assert pdf.status_code == 200
    text = " ".join(
        p.extract_text() for p in PdfReader(BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "secret statistique" in text
    assert "AMI DREETS Pays de la Loire O2R 2025" in text
    assert "Chef de file" in text


NOMINATIVE = [
    "insertion:beneficiary",
    "insertion:eligibility",
    "insertion:accompaniment_open",
    "insertion:beneficiaries",
    "insertion:contacts",
    "insertion:outreach_list",
    "insertion:activities",
    "insertion:referrals",
    "insertion:home",
]


@pytest.mark.parametrize("name", NOMINATIVE)
def test_the_funder_gets_no_beneficiary_page(client, o2r_files, name):
    login(client, o2r_files.users[Role.FUNDER])
    kwargs = (
        {"pk": o2r_files.beneficiary.pk}
        if name.endswith(("beneficiary", "eligibility", "accompaniment_open"))
        else {}
    )
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code in (403, 404)
    assert o2r_files.beneficiary.person.last_name not in response.content.decode()


def test_the_funder_cannot_open_a_beneficiarys_person_page(client, o2r_files):
    login(client, o2r_files.users[Role.FUNDER])
    response = client.get(
        reverse("web:person", kwargs={"reference": o2r_files.beneficiary_person.reference})
    )
    assert response.status_code in (403, 404)
