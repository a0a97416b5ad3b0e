"""The finance officer imports an FEC from the import page, follows the background job until it
is done, recomputes the year's allocation and reads the cost per section, then follows a figure
to the FEC lines behind it, in a real browser; the job is run by the real worker in the test
process (see tests/e2e/test_jobs.py for why)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ancrage.accounting.models import FecImport
from ancrage.kernel.models import Job
from tests.accounting.factories import balanced_entry, fec_file
from tests.conftest import run_worker

pytestmark = pytest.mark.e2e


def test_finance_imports_an_fec_and_reads_the_cost_per_section(
    browser_page, demo_data, log_in, settings, screenshot, tmp_path
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "gestionnaire")
    expect(page).to_have_url(re.compile(r"/$"))
    page.route(re.compile(r"/taches/"), lambda route: route.continue_())
    day = timezone.localdate().replace(day=1).strftime("%Y%m%d")
    fec = tmp_path / "FEC-complement.txt"
    fec.write_bytes(
        fec_file(
            balanced_entry(1, day, "606300", "1234,56", code="O2R-44", label="Matériel d'atelier"),
            analytic=True,
            encoding="cp1252",
        )
    )

    page.get_by_role("link", name="Comptabilité analytique").click()
    page.get_by_role("link", name="Écritures (FEC)").click()
    page.get_by_label("Fichier des écritures comptables (FEC)").set_input_files(str(fec))
    page.get_by_role("button", name="Importer").click()
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    status = page.locator("#job-status")
    expect(status).to_contain_text("État : En attente")

    run_worker()

    expect(status).to_contain_text("État : Terminée", timeout=15_000)
    job = Job.objects.get(kind="fec_import")
    assert job.state == Job.State.DONE
    assert FecImport.objects.filter(filename="FEC-complement.txt").exists()

    page.goto("/comptabilite/repartition/")
    page.get_by_role("button", name=re.compile(r"^Recalculer la répartition")).click()
    expect(page.locator(".messages")).to_contain_text("Répartition")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coûts par section")
    screenshot(page, "accounting-cost-per-section.png")
    row = page.get_by_role("row", name=re.compile(r"^O2R-44 "))
    month = timezone.localdate().month
    row.get_by_role("cell").nth(month - 1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("O2R-44")
    expect(page.get_by_role("cell", name="FEC-complement.txt, 2")).to_be_visible()
    expect(page.get_by_text("Matériel d'atelier").first).to_be_visible()
    screenshot(page, "accounting-trace.png")
