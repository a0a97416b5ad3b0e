"""The FEC import through its page and the real worker: the file checked at upload, taken whole
by the background job, or refused with its row-by-row report and nothing written."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ancrage.accounting.books import create_default_categories
from ancrage.accounting.models import FecImport, LedgerLine
from ancrage.kernel.access import Role
from ancrage.kernel.models import Job
from tests.accounting.factories import balanced_entry, fec_file, fec_row
from tests.conftest import login, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def upload(client, world, content, name="FEC2026.txt"):
    return client.post(
        reverse("accounting:import_start"),
        {
            "organisation": world.organisation.pk,
            "file": SimpleUploadedFile(name, content, content_type="text/plain"),
        },
    )


def test_finance_imports_an_fec_through_a_background_job(client, world):
    create_default_categories(world.organisation)
    login(client, world.users[Role.FINANCE])
    rows = [
        *balanced_entry(1, "20260105", "606100", "120,00"),
        *balanced_entry(2, "20260210", "641100", "2 500,00", label="Salaires de février"),
    ]
    started = upload(client, world, fec_file(rows, encoding="cp1252"))
    assert started.status_code == 302
    job = Job.objects.get()
    assert started["Location"] == reverse("web:job", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.failure
    fec_import = FecImport.objects.get()
    assert fec_import.line_count == 4 and fec_import.encoding == "windows-1252"
    assert fec_import.filename == "FEC2026.txt"
    page = client.get(reverse("accounting:imports")).content.decode()
    assert "FEC2026.txt" in page
    # the file waiting for the worker is gone
    assert not default_storage.exists(job.params["path"])


def test_a_refused_fec_fails_its_job_with_the_row_report_and_writes_nothing(client, world):
    login(client, world.users[Role.FINANCE])
    rows = [
        fec_row(1, "20260231", "606100", "Papier", debit="10,00"),
        fec_row(1, "20260105", "401000", "Fournisseur", credit="10,00"),
        fec_row(2, "20260106", "606100", "Papier", debit="100,00"),
        fec_row(2, "20260106", "401000", "Fournisseur", credit="90,00"),
    ]
    assert upload(client, world, fec_file(rows)).status_code == 302
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "Ligne 2 : EcritureDate « 20260231 » n'est pas une date (AAAAMMJJ)." in job.failure
    assert "Ligne 4 : l'écriture AC 2 est déséquilibrée" in job.failure
    assert not FecImport.objects.exists() and not LedgerLine.objects.exists()


def test_a_file_that_is_not_text_is_refused_at_upload(client, world):
    login(client, world.users[Role.FINANCE])
    response = upload(client, world, b"%PDF-1.4\x00\x01binary", name="fec.txt")
    assert response.status_code == 422
    assert "n'est pas un fichier texte" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()
