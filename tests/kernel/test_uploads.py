"""Uploads (kernel.uploads): a file is stored only if its content is a PDF, PNG or JPEG, is not
also another type, carries no active content, and (an image) once re-encoded without its
metadata; the name it is shown under is made of its kind and date. Every file here is crafted in
the test."""

import io
import struct
import zipfile
import zlib
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from ancrage.kernel.uploads import (
    DocumentFileField,
    check_media_upload,
    check_upload,
    display_name,
)
from tests.media_files import box, element, mp4, webm
from tests.placements.factories import tiny_pdf, tiny_png


def pdf(catalog_extra: bytes = b"", *extra_objects: bytes) -> bytes:
    """A one-page PDF whose catalog carries `catalog_extra`, then `extra_objects` (from 4 0 R)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    body, offsets = b"%PDF-1.7\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """A PDF 1.5 whose page links to object 4, kept compressed in an object stream (5) and
    indexed by a cross-reference stream (6): a byte search of the file cannot see it."""
    header = b"4 0 "
    stream = zlib.compress(header + hidden)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Annots [4 0 R] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(stream))
        + stream
        + b"\nendstream",
    }
    body, offsets = b"%PDF-1.7\n", {}
    for number, content in objects.items():
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    offsets[6] = len(body)
    rows = struct.pack(">BIH", 0, 0, 65535)
    for number in range(1, 7):
        if number == 4:
            rows += struct.pack(">BIH", 2, 5, 0)  # in object stream 5, first object
        else:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
    body += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(rows)
        + rows
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    return body


def jpeg(exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a GPS position (47.2° N, 1.55° W: Nantes) and a camera model."""
    exif = Image.Exif()
    exif[0x0110] = "Telephone de test"  # Model
    gps = {1: "N", 2: (47.0, 13.0, 0.0), 3: "W", 4: (1.0, 33.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif.tobytes()


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(content, name="piece.pdf") -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content), max_bytes=1024 * 1024)
    return " ".join(error.value.messages)


ACTIVE = "contenu actif"


def test_a_plain_pdf_png_and_jpeg_pass():
    assert check_upload(upload("a.pdf", tiny_pdf())).content == tiny_pdf()
    assert check_upload(upload("a.png", tiny_png())).content_type == "image/png"
    assert check_upload(upload("a.jpg", jpeg())).content_type == "image/jpeg"
    # a destination to open at (no action) is no active content, written in place or apart
    assert check_upload(upload("a.pdf", pdf(b"/OpenAction [3 0 R /Fit]"))).content_type
    assert check_upload(upload("a.pdf", pdf(b"/OpenAction 4 0 R", b"[3 0 R /Fit]"))).content_type


def test_upload_refuses_pdf_with_javascript():
    assert ACTIVE in refusal(pdf(b"/Names << /JavaScript 4 0 R >>", b"<< /Names [] >>"))
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    assert ACTIVE in refusal(pdf(b"/OpenAction 4 0 R", action))
    # a name spelled with an escape (#61 is "a") is read as the parser reads it
    assert ACTIVE in refusal(pdf(b"/Names << /J#61vaScript 4 0 R >>", b"<< /Names [] >>"))
    # written by a real PDF library, in its own way
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('x');"))
    out = io.BytesIO()
    writer.write(out)
    assert ACTIVE in refusal(out.getvalue())


def test_upload_refuses_pdf_with_javascript_hidden_in_an_object_stream():
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (1) >> >>"
    assert b"JavaScript" not in pdf_with_object_stream(link)
    assert ACTIVE in refusal(pdf_with_object_stream(link))
    harmless = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /Dest [3 0 R /Fit] >>"
    assert check_upload(upload("a.pdf", pdf_with_object_stream(harmless))).content_type


def test_upload_refuses_pdf_with_open_action():
    assert ACTIVE in refusal(pdf(b"/OpenAction 4 0 R", b"<< /S /URI /URI (http://x.test) >>"))
    assert ACTIVE in refusal(pdf(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"))


def test_upload_refuses_pdf_with_automatic_actions():
    page_action = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /AA << /O 5 0 R >> >>"
    assert ACTIVE in refusal(pdf(b"", page_action, b"<< /S /Named /N /Print >>"))


def test_upload_refuses_pdf_with_launch():
    launch = b"<< /S /Launch /F (cmd.exe) >>"
    assert ACTIVE in refusal(pdf(b"/OpenAction 4 0 R", launch))
    annotation = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (x) >> >>"
    assert ACTIVE in refusal(pdf(b"", annotation))


def test_upload_refuses_pdf_with_embedded_file():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("settings.py", b"SECRET_KEY = 'x'\n")
    out = io.BytesIO()
    writer.write(out)
    assert ACTIVE in refusal(out.getvalue())


def test_upload_refuses_pdf_with_a_scripted_form():
    assert ACTIVE in refusal(pdf(b"/AcroForm << /Fields [] /XFA 4 0 R >>", b"<< >>"))
    field = b"<< /FT /Tx /T (nom) /AA << /K << /S /JavaScript /JS (1) >> >> >>"
    assert ACTIVE in refusal(pdf(b"/AcroForm << /Fields [4 0 R] >>", field))


def test_upload_refuses_a_damaged_pdf():
    assert "illisible" in refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog")


def test_upload_refuses_jpeg_zip_polyglot():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.html", "<script>alert(1)</script>")
    message = refusal(jpeg() + archive.getvalue(), name="photo.jpg")
    assert "autre type de contenu" in message
    # a PDF that is also an archive
    assert "autre type de contenu" in refusal(tiny_pdf() + archive.getvalue())


def test_upload_refuses_pdf_html_polyglot():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
    body = tiny_pdf()
    assert "autre type de contenu" in refusal(body[:9] + b"%" + html + body[9:])
    # markup first, the PDF after it (a PDF reader looks for %PDF in the first kilobyte)
    assert refusal(html + body)
    # an image with a PDF in its first kilobyte
    assert "autre type de contenu" in refusal(jpeg() + body, name="photo.jpg")


def test_upload_refuses_what_is_neither_pdf_nor_image():
    for content in (b"Ceci n'est pas un PDF.\n", b"GIF89a\x01\x00\x01\x00", b"PK\x03\x04zip", b""):
        with pytest.raises(ValidationError):
            check_upload(upload("piece.pdf", content))


def test_upload_reencodes_jpeg_without_its_gps_position():
    original = jpeg(gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the file has a position
    checked = check_upload(upload("photo.jpg", original, "image/jpeg"))
    image = Image.open(io.BytesIO(checked.content))
    assert image.format == "JPEG" and image.size == (8, 8)
    assert not image.getexif()
    assert b"Telephone de test" not in checked.content and b"Exif" not in checked.content


def test_upload_reencodes_png():
    checked = check_upload(upload("scan.png", tiny_png(), "image/png"))
    image = Image.open(io.BytesIO(checked.content))
    assert (image.format, image.size) == ("PNG", (1, 1))


def test_upload_refuses_a_declared_size_over_the_limit_before_reading():
    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read before the declared size was checked")

    uploaded = SimpleUploadedFile("big.pdf", b"")
    uploaded.file, uploaded.size = Unread(), 10_000
    with pytest.raises(ValidationError, match="ne peut pas dépasser"):
        check_upload(uploaded, max_bytes=9_999)
    # a size declared smaller than the content: only the limit + 1 bytes are read, then refused
    lying = upload("big.pdf", tiny_pdf())
    lying.size = 10
    with pytest.raises(ValidationError, match="ne peut pas dépasser"):
        check_upload(lying, max_bytes=len(tiny_pdf()) - 1)


def test_upload_display_name_is_built_from_kind_and_date():
    day = date(2026, 12, 5)
    assert display_name("Ordonnance", day, ".pdf") == "ordonnance-2026-12-05.pdf"
    assert display_name("Décision de l'ASE", day, ".jpg") == "decision-de-l-ase-2026-12-05.jpg"


def test_upload_field_shows_the_refusal_at_the_field():
    class Form(forms.Form):
        file = DocumentFileField(label="Fichier")

    launch = pdf(b"/OpenAction 4 0 R", b"<< /S /Launch /F (x) >>")
    form = Form(data={}, files={"file": upload("../../etc/passwd.pdf", launch)})
    assert not form.is_valid()
    assert ACTIVE in form.errors["file"][0]
    form = Form(data={}, files={})
    assert form.errors["file"] == ["Choisissez le fichier à joindre."]
    form = Form(data={}, files={"file": upload("../../etc/passwd.pdf", tiny_pdf())})
    assert form.is_valid()
    assert form.cleaned_data["file"].content == tiny_pdf()


# Videos (check_media_upload) ---------------------------------------------------------------------


def media_refusal(content, name) -> str:
    with pytest.raises(ValidationError) as refused:
        check_media_upload(upload(name, content, "application/octet-stream"))
    return refused.value.messages[0]


def test_a_parsed_mp4_and_webm_pass_as_videos_kept_as_they_are():
    for content, name, content_type, extension in (
        (mp4(), "sortie.mp4", "video/mp4", ".mp4"),
        (mp4(b"mp42"), "sortie.m4v", "video/mp4", ".mp4"),
        (webm(), "sortie.webm", "video/webm", ".webm"),
    ):
        checked = check_media_upload(upload(name, content, "application/octet-stream"))
        assert (checked.content_type, checked.extension) == (content_type, extension)
        assert checked.content == content


def test_media_upload_still_takes_a_photo_reencoded():
    checked = check_media_upload(upload("photo.png", tiny_png(), "image/png"))
    assert checked.content_type == "image/png"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (mp4()[:-5], "coupe.mp4"),  # the last box runs past the end
        (mp4(extra=box(b"evil", b"x")), "boite.mp4"),  # a top-level box no MP4 has
        (mp4(b"qt  "), "film.mp4"),  # a QuickTime movie
        (mp4(b"M4A "), "son.mp4"),  # audio only
        (mp4(movie=box(b"mvhd", bytes(100))), "piste.mp4"),  # no track
        (webm(b"matroska"), "film.webm"),  # a Matroska file, not a WebM
        (webm(children=element(0x1549A966, b"")), "pistes.webm"),  # no Tracks
        (
            webm(
                children=element(0x1549A966, b"")
                + element(0x1654AE6B, b"")
                + element(0x1941A469, b"MZ carried file")
            ),
            "jointe.webm",
        ),  # a file carried inside
        (webm()[:-3], "coupe.webm"),
    ],
    ids=[
        "mp4-truncated",
        "mp4-unknown-box",
        "quicktime",
        "audio-only",
        "mp4-no-track",
        "matroska",
        "webm-no-tracks",
        "webm-attachment",
        "webm-truncated",
    ],
)
def test_media_upload_refuses_a_video_whose_container_does_not_parse(content, name):
    assert "vidéo" in media_refusal(content, name)


def test_media_upload_refuses_content_that_does_not_match_its_extension():
    assert "ne correspond pas à son extension" in media_refusal(mp4(), "sortie.webm")
    assert "ne correspond pas à son extension" in media_refusal(webm(), "sortie.mp4")
    assert "ne correspond pas à son extension" in media_refusal(tiny_png(), "photo.mp4")
    assert "ne correspond pas à son extension" in media_refusal(mp4(), "sortie.png")


def test_media_upload_refuses_a_video_carrying_a_page_or_an_archive():
    page = box(b"free", b"<html><script>alert(1)</script></html>")
    assert "autre type de contenu" in media_refusal(mp4(extra=page), "page.mp4")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "x")
    assert "autre type de contenu" in media_refusal(
        mp4(extra=box(b"free", archive.getvalue())), "archive.mp4"
    )


def test_media_upload_refuses_a_pdf_or_anything_else():
    assert "PNG ou JPEG" in media_refusal(tiny_pdf(), "piece.pdf")


def test_media_upload_refuses_a_video_over_the_limit(settings):
    settings.MEDIA_MAX_BYTES = len(mp4()) - 1
    assert "ne peut pas dépasser" in media_refusal(mp4(), "sortie.mp4")
