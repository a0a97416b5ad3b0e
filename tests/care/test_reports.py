"""The rapport de situation: written in three areas plus autonomy, rendered as a PDF (header,
page X / Y, pseudonymous reference in the footer and never the name there), sending date
recorded (closing the deadline), downloads audited."""

import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from pypdf import PdfReader

from ancrage.care.models import SituationReport
from ancrage.care.queries.deadlines import collect
from ancrage.care.services import reports as services
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.placements.models import Stay
from tests.care.factories_ppe import MeasureFactory, SituationReportFactory
from tests.conftest import login

TODAY = datetime.date.today()


def test_writing_a_report_needs_the_three_areas(client, world, head):
    login(client, head)
    response = client.post(
        f"/personnes/{world.child.reference}/rapports/nouveau/",
        {"development_health": "Bonne santé", "family_relations": "", "schooling_social": "CM2"},
    )
    assert response.status_code == 422
    assert "family_relations" in response.context["form"].errors
    assert not SituationReport.objects.exists()
    response = client.post(
        f"/personnes/{world.child.reference}/rapports/nouveau/",
        {
            "development_health": "Bonne santé",
            "family_relations": "Visites médiatisées",
            "schooling_social": "CM2",
        },
    )
    assert response.status_code == 302


def pdf_pages(content):
    reader = PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


def test_pdf_has_header_page_numbers_and_reference_but_no_name_in_the_footer(client, world, head):
    long_text = "\n\n".join(f"Paragraphe {i} sur la santé et le développement." for i in range(90))
    report = SituationReportFactory(
        child=world.child, written_by=head, development_health=long_text
    )
    login(client, head)
    response = client.get(f"/rapports-de-situation/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-situation-{world.child.reference}-{report.pk}.pdf"'
    )
    pages = pdf_pages(b"".join(response.streaming_content))
    assert len(pages) >= 2
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} / {total}" in text
        assert world.child.reference in text
        assert world.organisation.name in text
        footer = text[text.index(world.child.reference) :]
        assert "Martin" not in footer.split(f"page {number}")[0]
    assert "Rapport de situation" in pages[0]
    assert "Relations avec la famille et les tiers" in "".join(pages)
    assert "Léa Martin" in pages[0]  # the body names the child; the footer does not


def test_pdf_download_is_audited(client, world, head):
    report = SituationReportFactory(child=world.child, written_by=head)
    login(client, head)
    client.get(f"/rapports-de-situation/{report.pk}/pdf/")
    assert AccessEvent.objects.filter(
        what="care.report_pdf", person=world.child, user=head
    ).exists()


def test_recording_the_sending_closes_the_report_deadline(client, world, head):
    world.child.birth_date = TODAY - relativedelta(years=10)
    world.child.save()
    measure = MeasureFactory(
        child=world.child,
        establishment=world.village,
        start_date=TODAY - datetime.timedelta(days=370),
    )
    report = SituationReportFactory(child=world.child, written_by=head)
    login(client, head)
    response = client.post(
        f"/rapports-de-situation/{report.pk}/envoi/", {"sent_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.sent_on == TODAY
    rows = collect(Stay.objects.current().filter(child=world.child))
    first = next(
        r
        for r in rows
        if r.deadline.kind == "report"
        and r.deadline.due == measure.start_date + relativedelta(months=12)
    )
    assert first.status == "done" and first.deadline.done_on == TODAY


@pytest.mark.parametrize(
    ("sent_on", "message"),
    [(TODAY + datetime.timedelta(days=1), "futur"), (TODAY - datetime.timedelta(days=3), "écrit")],
    ids=["in-the-future", "before-it-was-written"],
)
def test_sending_date_refused_at_the_field(client, world, head, sent_on, message):
    report = SituationReportFactory(child=world.child, written_by=head)
    login(client, head)
    response = client.post(
        f"/rapports-de-situation/{report.pk}/envoi/", {"sent_on": sent_on.isoformat()}
    )
    assert response.status_code == 422
    assert message in str(response.context["sent_form"].errors["sent_on"])


def test_a_report_is_sent_once(world, head):
    report = SituationReportFactory(child=world.child, written_by=head)
    services.record_sending(report, TODAY, head)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="déjà"):
        services.record_sending(report, TODAY, head)


def test_clinician_reads_but_does_not_write_reports(client, world, head):
    report = SituationReportFactory(child=world.child, written_by=head)
    login(client, world.users[Role.CLINICIAN])
    assert client.get(f"/rapports-de-situation/{report.pk}/").status_code == 200
    assert client.get(f"/personnes/{world.child.reference}/rapports/nouveau/").status_code == 403


def test_report_page_query_count_is_pinned(client, world, head, django_assert_num_queries):
    report = SituationReportFactory(child=world.child, written_by=head)
    login(client, head)
    client.get("/")
    with django_assert_num_queries(6):
        response = client.get(f"/rapports-de-situation/{report.pk}/")
    assert response.status_code == 200
