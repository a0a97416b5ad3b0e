"""The village director starts a retention dry run from the runs page, follows its job until
it is done, reads the files concerned (references, no names) and approves it; the run's job
archives them. The director also records an access request, reviews it and downloads its
export. The worker runs in the test process (see tests/e2e/test_jobs.py for why)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ancrage.privacy.models import FileStatus, RetentionRun
from tests.conftest import run_worker

pytestmark = pytest.mark.e2e


def test_director_runs_a_retention_dry_run_and_approves_it(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "directrice")
    expect(page).to_have_url(re.compile(r"/$"))
    page.route(re.compile(r"/taches/"), lambda route: route.continue_())

    page.get_by_role("link", name="Conservation des données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Règles de conservation")
    page.get_by_role("link", name="Passages").click()
    page.get_by_role("button", name="Lancer une simulation").click()
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Simulation du passage de conservation"
    )

    run_worker()

    status = page.locator("#job-status")
    expect(status).to_contain_text("État : Terminée", timeout=15_000)
    page.get_by_role("link", name="Retour").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Passage de conservation du")
    run = RetentionRun.objects.get()
    assert run.state == RetentionRun.State.PROPOSED
    due = [line for line in run.plan if not line["protected_by"]]
    if due:
        expect(page.get_by_role("cell", name=due[0]["reference"])).to_be_visible()
    screenshot(page, "retention-dry-run.png")

    page.get_by_role("button", name="Approuver et exécuter").click()
    # anonymising cannot be undone: the page says what will happen, then it is confirmed
    expect(page.get_by_role("heading", name="Ce qui va se passer")).to_be_visible()
    page.get_by_role("button", name="Approuver et exécuter").click()
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    run_worker()
    expect(page.locator("#job-status")).to_contain_text("État : Terminée", timeout=15_000)
    run.refresh_from_db()
    assert run.state == RetentionRun.State.DONE
    assert run.approved_by.username == "directrice"
    assert FileStatus.objects.count() == len(run.results["files"])


def test_director_records_an_access_request_and_exports_it(
    browser_page, demo_data, log_in, settings, screenshot
):
    import io
    import zipfile

    from django.utils import timezone

    from ancrage.kernel.models import Job
    from ancrage.placements.models import Stay

    settings.RELAX_TWO_FACTOR = True
    child = Stay.objects.filter(unit__establishment__name__contains="Carquefou").first().child
    page = browser_page
    log_in(page, "directrice")
    expect(page).to_have_url(re.compile(r"/$"))
    page.route(re.compile(r"/taches/"), lambda route: route.continue_())

    page.goto("/protection-des-donnees/demandes/")
    page.get_by_role("link", name="Enregistrer une demande").click()
    page.get_by_label("Référence du dossier de la personne").fill(child.reference)
    page.get_by_label("Qui fait la demande").fill("La personne elle-même")
    page.get_by_label("Reçue le").fill(timezone.localdate().isoformat())
    page.get_by_label("Pièce d'identité vérifiée").fill("Carte nationale d'identité")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(child.reference)

    page.get_by_role("button", name="Examiner et autoriser la réponse (direction)").click()
    page.get_by_role("button", name=re.compile("Préparer l'export")).click()
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    run_worker()
    expect(page.locator("#job-status")).to_contain_text("État : Terminée", timeout=15_000)
    screenshot(page, "subject-access-export.png")
    job = Job.objects.get(kind="subject_access_export")
    assert job.state == Job.State.DONE
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger demande-acces-")).click()
    with open(download.value.path(), "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    assert sorted(archive.namelist()) == ["donnees.json", "synthese.pdf"]
