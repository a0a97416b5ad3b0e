"""The funder (DREETS, the préfet's services) reads the O2R activity report of the programmes
of its organisation, through the disclosure control, and nothing nominative."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse

from ancrage.insertion.queries.programme import report_service_ids
from ancrage.kernel.access import Role
from tests.conftest import export_through_job, login
from tests.insertion.test_report import PERIOD, half_year  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_funder_report_covers_every_service_of_the_organisations_programmes(o2r_files):
    funder = o2r_files.users[Role.FUNDER]
    partner_service = o2r_files.partner_team.establishment_id
    assert report_service_ids(funder) == {
        o2r_files.o2r_team.establishment_id,
        partner_service,
    }


def test_a_funder_of_another_organisation_covers_no_service(o2r_files):
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
    assert report_service_ids(elsewhere) == set()


def test_the_funder_reads_the_report_through_the_disclosure_control(
    client,
    half_year,  # noqa: F811
    django_assert_num_queries,
):
    login(client, half_year.users[Role.FUNDER])
    with django_assert_num_queries(15):
        page = client.get(reverse("insertion:report"), PERIOD)
    assert page.status_code == 200
    figures = page.context["report"]
    assert [n for _label, n in figures.steps] == ["s", 17, 7, "s", 5, 5, "s", 0]
    content = page.content.decode()
    assert "secret statistique" in content
    # the funder's navigation leads to the report only
    assert f'href="{reverse("insertion:report")}"' in content
    for name in ("home", "beneficiaries", "contacts", "outreach_list", "activities"):
        assert f'href="{reverse(f"insertion:{name}")}"' not in content


@pytest.mark.django_db(transaction=True)
def test_the_funder_downloads_both_exports(client, half_year):  # noqa: F811
    from openpyxl import load_workbook
    from pypdf import PdfReader

    login(client, half_year.users[Role.FUNDER])
    xlsx = export_through_job(client, reverse("insertion:report_xlsx"), PERIOD)[1]
    assert xlsx.status_code == 200
    steps = [
        row[:2]
        for row in load_workbook(BytesIO(b"".join(xlsx.streaming_content)))["Étapes"].iter_rows(
            min_row=3, values_only=True
        )
    ]
    assert steps[0] == ("Actions de repérage", "s")
    pdf = export_through_job(client, reverse("insertion:report_pdf"), PERIOD)[1]
    assert pdf.status_code == 200
    text = " ".join(
        p.extract_text() for p in PdfReader(BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "secret statistique" in text


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
