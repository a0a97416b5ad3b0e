"""The O2R lead starts the report's XLSX export from the report page, follows the job page (its
htmx-polled bar) until the job is done and downloads a valid workbook, in a real browser; the job
is run by the real worker of the database backend (`ancrage worker --batch`).

The worker runs in the test process, as in tests/kernel/test_jobs.py: the live server is a thread
of this process and, on SQLite, the test database lives in its memory, where no `ancrage worker`
subprocess could reach it. On SQLite the live server's thread also shares the test thread's
database connection, which two threads must not use at once: the job page's polls therefore go
through a Playwright route, handled in the test thread, so no poll is answered while the worker
runs; the polls waiting meanwhile are answered as soon as it stops, and the page updates itself
without being reloaded."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ancrage.kernel.models import Job
from tests.conftest import run_worker

pytestmark = pytest.mark.e2e

SHEETS = [
    "Étapes",
    "Sorties",
    "Territoires",
    "Publics prioritaires",
    "Âge et sexe",
    "File active",
    "File active, âge et sexe",
    "Sorties des entrants",
    "Sorties file active",
    "Délais",
    "Situation des entrants",
    "Situation file active",
    "Remobilisation, activités",
    "Remobilisation, personnes",
    "Accompagnements",
    "Rémunération de stagiaire",
    "Départements",
    "Sorties par territoire",
    "Repérage, suivis, freins",
    "Objectifs",
    "Définitions",
]


def test_o2r_lead_exports_the_report_as_a_job_and_downloads_the_workbook(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "chef.file.o2r")
    expect(page).to_have_url(re.compile(r"/$"))
    page.route(re.compile(r"/taches/"), lambda route: route.continue_())

    page.goto("/o2r/rapport/")
    page.get_by_role("button", name="Préparer le tableur (XLSX)").click()

    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport d'activité O2R (tableur XLSX)"
    )
    status = page.locator("#job-status")
    expect(status).to_contain_text("État : En attente")
    job = Job.objects.get()
    assert (job.kind, job.state, job.started_by.username) == (
        "o2r_report_xlsx",
        Job.State.QUEUED,
        "chef.file.o2r",
    )

    run_worker()

    # No reload: the polled section swaps itself to the finished state.
    expect(status).to_contain_text("État : Terminée", timeout=15_000)
    expect(status.locator("progress.job")).to_have_attribute("value", "100")
    screenshot(page, "job-done.png")
    with page.expect_download() as download_info:
        status.get_by_role("link", name=re.compile(r"^Télécharger .+\.xlsx$")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    assert workbook.sheetnames == SHEETS
    assert workbook["Étapes"]["A1"].value == "Période"
    job.refresh_from_db()
    assert (job.state, job.attempts, job.done, job.total) == (Job.State.DONE, 1, 3, 3)
