"""Documents of a protection measure (the judgment, the ASE decision): a PDF or an image as the
content shows, within the size limit, stored under a random name outside the web root, and
handed out only through the access checks, each download recorded."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.placements.models import MeasureDocument
from ancrage.placements.services import attach_document, record_exit
from tests.conftest import login
from tests.placements.factories import tiny_pdf, tiny_png, upload


@pytest.fixture
def measure(case_files):
    return case_files.measure


@pytest.fixture
def director(world):
    return world.users[Role.ESTABLISHMENT_DIRECTOR]


def stored_files(settings):
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_a_real_pdf_and_png_are_accepted(client, world, measure, director, settings):
    login(client, director)
    url = f"/mesures/{measure.pk}/pieces/ajouter/"
    response = client.post(
        url, {"kind": "judgment", "file": upload("Jugement 2026.pdf", tiny_pdf())}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/personnes/{world.child.reference}/#mesure"
    # the browser's word on the type is ignored: the content says PNG
    response = client.post(
        url,
        {
            "kind": "ase_decision",
            "file": upload("décision ASE.jpg", tiny_png(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    pdf, png = MeasureDocument.objects.filter(uploaded_by=director).order_by("pk")
    today = timezone.localdate().isoformat()
    # the name shown is made of the kind and the day, not of what the browser sent
    assert (pdf.content_type, pdf.original_name, pdf.size) == (
        "application/pdf",
        f"jugement-{today}.pdf",
        len(tiny_pdf()),
    )
    assert (png.content_type, png.original_name, png.kind) == (
        "image/png",
        f"decision-de-l-ase-{today}.png",
        "ase_decision",
    )
    assert png.file.name.endswith(".png")
    # the image is stored re-encoded: the same picture, a new file
    with png.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert (image.format, image.size) == ("PNG", (1, 1))
    with pdf.file.open("rb") as handle:
        assert handle.read() == tiny_pdf()


def test_upload_never_keeps_the_name_the_browser_sent(client, world, measure, director, settings):
    login(client, director)
    for name in ("../../etc/passwd.pdf", "..\\..\\ancrage\\settings.py", "/etc/shadow"):
        response = client.post(
            f"/mesures/{measure.pk}/pieces/ajouter/",
            {"kind": "other", "file": upload(name, tiny_pdf())},
        )
        assert response.status_code == 302
    today = timezone.localdate().isoformat()
    for document in MeasureDocument.objects.filter(uploaded_by=director):
        assert document.original_name == f"autre-piece-{today}.pdf"
        assert Path(document.file.path).is_relative_to(settings.MEDIA_ROOT)
        for part in ("passwd", "etc", "settings", "shadow", ".."):
            assert part not in document.file.name and part not in document.original_name
    response = client.get(f"/pieces/{document.pk}/")
    assert response["Content-Disposition"] == f'attachment; filename="autre-piece-{today}.pdf"'


def test_upload_refuses_active_content_at_the_field_and_saves_nothing(
    client, world, measure, director, settings
):
    before = stored_files(settings)
    login(client, director)
    body = tiny_pdf().replace(b"/Pages 2 0 R", b"/Pages 2 0 R /OpenAction << /S /Launch /F (x) >>")
    response = client.post(
        f"/mesures/{measure.pk}/pieces/ajouter/",
        {"kind": "judgment", "file": upload("jugement.pdf", body)},
    )
    assert response.status_code == 200
    assert "contenu actif" in response.context["form"].errors["file"][0]
    assert MeasureDocument.objects.filter(uploaded_by=director).count() == 0
    assert stored_files(settings) == before


def test_upload_refuses_an_oversized_body_before_reading_it(
    client, world, measure, director, settings
):
    settings.REQUEST_BODY_MAX_BYTES = 2000
    before = stored_files(settings)
    login(client, director)
    response = client.post(
        f"/mesures/{measure.pk}/pieces/ajouter/",
        {"kind": "judgment", "file": upload("jugement.pdf", tiny_pdf() + b"%" * 3000)},
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()
    assert response["Connection"] == "close"
    assert MeasureDocument.objects.filter(uploaded_by=director).count() == 0
    assert stored_files(settings) == before


def test_the_stored_name_is_random_and_reveals_nothing(world, measure, director, settings):
    first = attach_document(
        measure, "judgment", upload("jugement-martin-lea.pdf", tiny_pdf()), director
    )
    second = attach_document(
        measure, "judgment", upload("jugement-martin-lea.pdf", tiny_pdf()), director
    )
    assert first.file.name != second.file.name
    for document in (first, second):
        name = Path(document.file.name).name
        assert "martin" not in name.lower() and len(name) == 32 + len(".pdf")
        assert Path(document.file.path).is_relative_to(settings.MEDIA_ROOT)


def test_a_text_file_renamed_pdf_is_refused(client, world, measure, director, settings):
    before = stored_files(settings)
    login(client, director)
    response = client.post(
        f"/mesures/{measure.pk}/pieces/ajouter/",
        {"kind": "judgment", "file": upload("jugement.pdf", b"Ceci n'est pas un PDF.\n")},
    )
    assert response.status_code == 200
    assert "n'est ni un PDF ni une image PNG ou JPEG" in response.context["form"].errors["file"][0]
    assert 'id="id_file_error"' in response.content.decode()
    assert MeasureDocument.objects.filter(uploaded_by=director).count() == 0
    assert stored_files(settings) == before


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"GIF89a\x01\x00\x01\x00", b"PK\x03\x04zip"],
    ids=["html", "gif", "zip"],
)
def test_only_pdf_png_and_jpeg_are_accepted(world, measure, director, content):
    with pytest.raises(ValidationError) as error:
        attach_document(measure, "other", upload("piece.png", content, "image/png"), director)
    assert "file" in error.value.message_dict


def test_a_pdf_over_the_limit_is_refused(client, world, measure, director, settings):
    settings.DOCUMENT_MAX_BYTES = len(tiny_pdf()) - 1
    before = stored_files(settings)
    login(client, director)
    response = client.post(
        f"/mesures/{measure.pk}/pieces/ajouter/",
        {"kind": "judgment", "file": upload("jugement.pdf", tiny_pdf())},
    )
    assert response.status_code == 200
    assert "une pièce ne peut pas dépasser" in response.context["form"].errors["file"][0]
    assert MeasureDocument.objects.filter(uploaded_by=director).count() == 0
    assert stored_files(settings) == before
    settings.DOCUMENT_MAX_BYTES = len(tiny_pdf())
    attach_document(measure, "judgment", upload("jugement.pdf", tiny_pdf()), director)


def test_the_download_is_an_attachment_of_the_right_type(client, world, case_files):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.get(f"/pieces/{world.document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf()
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="jugement-{today}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_download_writes_an_access_event(client, world, case_files):
    user = world.users[Role.HOUSE_PARENT]
    login(client, user)
    client.get(f"/pieces/{world.document.pk}/")
    event = AccessEvent.objects.get(user=user)
    assert (event.person, event.action, event.what) == (
        world.child,
        AccessEvent.Action.VIEW,
        "placements.document",
    )
    assert event.what_label == "Téléchargement d'une pièce de la mesure"


def test_a_document_of_an_out_of_scope_child_answers_404(client, world, case_files):
    user = world.users[Role.HEAD_OF_SERVICE]
    login(client, user)
    assert client.get(f"/pieces/{world.other_document.pk}/").status_code == 404
    assert client.get(f"/mesures/{world.other_measure.pk}/pieces/ajouter/").status_code == 404
    assert not AccessEvent.objects.filter(user=user).exists()


def test_a_child_who_left_the_house_takes_her_documents_out_of_its_scope(client, world, case_files):
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get(f"/pieces/{world.document.pk}/").status_code == 200
    record_exit(
        child=world.child,
        exit_date=datetime.date.today(),
        reason="return_to_family",
        by=world.users[Role.HEAD_OF_SERVICE],
    )
    assert client.get(f"/pieces/{world.document.pk}/").status_code == 404


def test_a_missing_file_answers_404_not_an_error(client, world, case_files):
    world.document.file.storage.delete(world.document.file.name)
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get(f"/pieces/{world.document.pk}/").status_code == 404


def test_documents_are_listed_on_the_person_page_with_download_links(client, world, case_files):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    page = client.get(f"/personnes/{world.child.reference}/").content.decode()
    assert f'href="/pieces/{world.document.pk}/"' in page
    assert "Jugement" in page and f"jugement-{timezone.localdate().isoformat()}.pdf" in page
    assert f'href="/mesures/{world.measure.pk}/pieces/ajouter/"' in page
    # the clinician may read them, not add any
    login(client, world.users[Role.CLINICIAN])
    page = client.get(f"/personnes/{world.child.reference}/").content.decode()
    assert f'href="/pieces/{world.document.pk}/"' in page
    assert "/pieces/ajouter/" not in page


def test_the_family_aide_sees_no_measure_nor_document(client, world, case_files):
    login(client, world.users[Role.FAMILY_AIDE])
    page = client.get(f"/personnes/{world.child.reference}/").content.decode()
    assert "Mesure de protection" not in page and "/pieces/" not in page
    assert client.get(f"/pieces/{world.document.pk}/").status_code == 403


def test_documents_stored_before_keep_no_part_of_the_browsers_name(world, case_files):
    """The migration renames what was stored under the browser's name (kind and upload day)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "ancrage.placements.migrations.0004_document_names_from_kind_and_date"
    )
    MeasureDocument.objects.filter(pk=world.document.pk).update(original_name="passwd.pdf")
    migration.rename(apps, None)
    world.document.refresh_from_db()
    day = timezone.localdate(world.document.uploaded_at).isoformat()
    assert world.document.original_name == f"jugement-{day}.pdf"
