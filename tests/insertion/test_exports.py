"""The report's exports a DREETS officer can use: a CSV per table (UTF-8, ";"), the workbook's
definitions, the PDF's charts and page numbers; masked cells read "s" with the footnote."""

import csv
import io
import zipfile

import pytest

from ancrage.insertion import jobs, report
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import FOOTNOTE
from tests.insertion.test_consolidated import consortium  # noqa: F401

pytestmark = pytest.mark.django_db


def figures(world, period="2026t2"):
    form = jobs.report_form(world.users[Role.O2R_LEAD], jobs.report_params({"period": period}))
    assert form.is_valid(), form.errors
    return jobs.figures(jobs.chosen(form))


def test_exports_a_csv_per_table_utf8_semicolon_with_the_footnote(consortium):  # noqa: F811
    published = figures(consortium)
    archive = zipfile.ZipFile(io.BytesIO(report.to_csv_zip(published)))
    names = archive.namelist()
    assert len(names) == len(report.tables_of(published)) + 1  # and the definitions
    assert names[0] == "01-etapes.csv" and "definitions.csv" in names
    raw = archive.read(names[0])
    assert raw.startswith("\ufeff".encode())  # UTF-8 with its mark: a spreadsheet reads it
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Période", "2026-04-01", "2026-06-30"]
    assert rows[1][0] == "Étape" and rows[1][-1] == "Programme"
    contacts = next(row for row in rows if row[0] == "Contacts")
    # member B's 3 contacts masked, and A's 9 or the programme's 12 with them (12 - 9 = 3)
    assert contacts[2] == "s" and contacts[1:].count("s") == 2
    assert set(contacts[1:]) <= {"9", "s", "12"}
    assert rows[-1] == [str(FOOTNOTE)]


def test_exports_the_pdf_has_charts_and_page_numbers(consortium):  # noqa: F811
    from pypdf import PdfReader

    content = report.to_pdf(
        figures(consortium), title="Rapport d'activité O2R", programme=consortium.programme
    )
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) > 1
    texts = [page.extract_text() for page in pages]
    assert f"Page 1 / {len(pages)}" in texts[0]
    assert f"Page {len(pages)} / {len(pages)}" in texts[-1]
    assert "Étapes du parcours" in "".join(texts)
    whole = " ".join(texts)
    # the charts' figures beside them, the content tables with the footnote's mask
    assert "Sorties par motif : les chiffres" in whole
    for title in ["Sorties par motif et territoire EFOP", "Par département", "Motif d"]:
        assert title in whole, title
    assert "secret statistique" in whole
