"""The social and professional situation at entry (décret 2024-584): recorded on the file, and
described by the report for the entrants and the active file, under the disclosure control."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ancrage.insertion import report
from ancrage.insertion.models import Beneficiary
from ancrage.insertion.services.beneficiary import record_situation
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK, intervals, protect
from ancrage.kernel.versions import StaleEdit
from tests.conftest import login
from tests.insertion.test_consolidated import END, START, consortium, members_of  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def situated(consortium):  # noqa: F811
    """Member A's 4 women entrants: no diploma, RSA; its 5 men: baccalauréat, no resource, a
    licence; member B's 3 women: no diploma, AAH, RQTH. The active file's people: unknown."""
    for b in Beneficiary.objects.filter(consent_on=D(2026, 4, 15)).select_related("person"):
        if b.service_id == consortium.o2r_team.establishment_id and b.person.sex == "F":
            record_situation(b, diploma_level="infra_3", resources="rsa")
        elif b.service_id == consortium.o2r_team.establishment_id:
            record_situation(b, diploma_level="4", resources="none", driving_licence="yes")
        else:
            record_situation(b, diploma_level="infra_3", resources="aah", rqth="yes")
    return consortium


def table(figures, name, attribute="situation"):
    return dict(next(rows for n, _t, rows in getattr(figures, attribute) if n == name))


def test_situation_figures_equal_the_fixture_worked_out_by_hand(situated):
    parts, whole = report.member_reports(members_of(situated), START, END)
    a, b = parts
    assert table(a, "diploma_level")["Infra 3 : aucun diplôme"] == 4
    assert table(a, "diploma_level")["Niveau 4 : baccalauréat"] == 5
    assert table(a, "diploma_level")["Total"] == 9
    assert table(b, "diploma_level")["Infra 3 : aucun diplôme"] == 3
    assert table(whole, "diploma_level")["Infra 3 : aucun diplôme"] == 7
    assert table(whole, "resources") == {
        "RSA": 4,
        "ASS": 0,
        "AAH": 3,
        "Allocation chômage (ARE)": 0,
        "Allocation du contrat d'engagement jeune": 0,
        "Revenus d'activité": 0,
        "Autres ressources": 0,
        "Aucune ressource": 5,
        "Non renseigné": 0,
        "Total": 12,
    }
    assert table(whole, "rqth")["Oui"] == 3 and table(whole, "rqth")["Non renseigné"] == 9
    assert table(a, "driving_licence")["Oui"] == 5
    # the active file's 9 people (entered before April): nothing recorded
    assert table(whole, "diploma_level", "active_situation")["Non renseigné"] == 9


def test_situation_tables_are_protected_and_nothing_can_be_recomputed(situated):
    members = members_of(situated)
    published = report.build_consolidated(members, START, END)
    a = published.reports[0]
    assert table(a, "diploma_level")["Infra 3 : aucun diplôme"] == MASK  # 4 women
    assert table(a, "diploma_level")["Niveau 4 : baccalauréat"] in (5, MASK)
    assert table(published.programme, "rqth")["Oui"] == MASK  # 3
    # the proof: every masked cell keeps an interval reaching 5, whatever is published
    parts, whole = report.member_reports(members, START, END)
    publication = protect(*report.consolidated_disclosure(parts, whole))
    for ref, (low, high) in intervals(publication).items():
        assert high - low >= 1 - 1e-6, ref
        if publication.values[ref] < 5:
            assert high >= 5 - 1e-6, ref


def test_situation_on_the_report_page_and_in_the_workbook(client, situated):
    from io import BytesIO

    from openpyxl import load_workbook

    login(client, situated.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:report"), {"period": "2026t2"})
    assert "Situation socioprofessionnelle" in page.content.decode()
    book = load_workbook(BytesIO(report.to_xlsx(page.context["report"])))
    assert "Situation des entrants" in book.sheetnames
    assert "Situation file active" in book.sheetnames


def test_situation_a_duration_needs_a_situation_and_stale_saves_are_refused(o2r_files):
    b = o2r_files.beneficiary
    with pytest.raises(ValidationError) as error:
        record_situation(b, employment_duration="over_24")
    assert "employment_duration" in error.value.message_dict
    seen = Beneficiary.objects.get(pk=b.pk).lock_version
    record_situation(b, expected_version=seen, employment_situation="jobseeker")
    with pytest.raises(StaleEdit):
        record_situation(b, expected_version=seen, housing="none")
    b.refresh_from_db()
    assert (b.employment_situation, b.housing) == ("jobseeker", "")


def test_situation_page_records_it(client, o2r_files, django_assert_num_queries):
    login(client, o2r_files.users[Role.O2R_COUNSELLOR])
    url = reverse("insertion:situation", args=[o2r_files.beneficiary.pk])
    with django_assert_num_queries(9):
        page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    answer = client.post(
        url,
        {
            "diploma_level": "3",
            "employment_situation": "jobseeker",
            "employment_duration": "12_24",
            "housing": "family",
            "lock_version": form.initial["lock_version"],
            "seen": form["seen"].value(),
        },
    )
    assert answer.status_code == 302
    b = Beneficiary.objects.get(pk=o2r_files.beneficiary.pk)
    assert (b.diploma_level, b.employment_duration, b.housing) == ("3", "12_24", "family")
    refused = client.post(url, {"diploma_level": "9", "lock_version": b.lock_version})
    assert refused.status_code == 422
