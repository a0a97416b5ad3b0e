"""Large years: the allocation runs as a background job with its report, and the FEC import page
alone takes a body above the general request limit, up to the FEC's own limit, with a clear
French message above it."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import AllocatedAmount
from ancrage.kernel.access import Role
from ancrage.kernel.models import Job
from tests.accounting.factories import add_sections, balanced_entry, fec_file
from tests.conftest import login, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_allocation_runs_as_a_background_job_with_its_report(client, world):
    sections = add_sections(world)
    create_default_categories(world.organisation)
    finance = world.users[Role.FINANCE]
    rows = [
        *balanced_entry(1, "20260105", "606100", "120,00", code=sections["village"].code),
        *balanced_entry(2, "20260210", "625100", "80,00", code=""),
    ]
    import_fec(world.organisation, finance, fec_file(rows, analytic=True), "fec.txt")
    login(client, finance)
    started = client.post(reverse("accounting:allocate"), {"annee": "2026"})
    job = Job.objects.get(kind="accounting_allocation")
    assert started["Location"] == reverse("web:job", args=[job.pk])
    assert not AllocatedAmount.objects.exists()  # nothing before the worker
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.failure
    assert AllocatedAmount.objects.get().amount == 120
    with default_storage.open(job.file, "rb") as report:
        text = report.read().decode("utf-8")
    assert "1 lignes réparties, 1 non réparties" in text
    assert "compte 625100 (aucune règle pour ce compte)" in text


def fec_post(client, world, length):
    """A POST to the import page declaring `length` bytes (only the header is checked first)."""
    return client.post(
        reverse("accounting:import_start"),
        {"organisation": world.organisation.pk, "file": SimpleUploadedFile("fec.txt", b"x")},
        CONTENT_LENGTH=str(length),
    )


@override_settings(REQUEST_BODY_MAX_BYTES=10_000, DOCUMENT_MAX_BYTES=8_000, FEC_MAX_BYTES=50_000)
def test_only_the_fec_import_takes_a_body_above_the_general_limit(client, world):
    login(client, world.users[Role.FINANCE])
    # above the general limit elsewhere: refused before it is read
    refused = client.post(reverse("accounting:allocate"), {"annee": "2026"}, CONTENT_LENGTH="20000")
    assert refused.status_code == 413
    # the import page reads it (the form then checks the file itself) and starts the import
    rows = [row for n in range(1, 80) for row in balanced_entry(n, "20260105", "606100", "1,00")]
    content = fec_file(rows)
    assert 10_000 < len(content) < 50_000
    started = client.post(
        reverse("accounting:import_start"),
        {"organisation": world.organisation.pk, "file": SimpleUploadedFile("fec.txt", content)},
    )
    assert started.status_code == 302 and Job.objects.filter(kind="fec_import").exists()
    # above the FEC's own limit (and the form's allowance): refused, saying the limit
    too_big = fec_post(client, world, 50_000 + 1024 * 1024 + 1)
    assert too_big.status_code == 413
    assert "ne peut pas dépasser 48,8" in too_big.content.decode()


@override_settings(FEC_MAX_BYTES=100)
def test_an_fec_over_its_limit_is_refused_at_the_field_in_french(client, world):
    login(client, world.users[Role.FINANCE])
    response = client.post(
        reverse("accounting:import_start"),
        {
            "organisation": world.organisation.pk,
            "file": SimpleUploadedFile("fec.txt", b"JournalCode\t" * 20),
        },
    )
    assert response.status_code == 422
    assert "il ne peut pas dépasser 100" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()
