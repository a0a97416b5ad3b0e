"""An FEC is read as a stream, never whole in memory: the stored upload is read in chunks (its
fingerprint and encoding, then its lines), the encodings real files come in are recognised
whatever the chunks cut through, a file refused after batches were written leaves nothing, and
the upload's limit is enforced on what is read, not only on what is declared."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ancrage.accounting import books as books_service
from ancrage.accounting import fec
from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import FecImport, LedgerLine
from ancrage.kernel.access import Role
from ancrage.kernel.uploads import check_text_upload
from tests.accounting.factories import add_sections, balanced_entry, fec_file, fec_row

pytestmark = pytest.mark.django_db


class ChunksOnly(io.BytesIO):
    """A stored file that refuses to be read whole: every read names a size of a chunk."""

    def read(self, size=-1):
        assert size is not None and 0 < size <= max(fec.CHUNK, 8192), "read whole"
        return super().read(size)

    def read1(self, size=-1):
        assert size is not None and 0 < size <= max(fec.CHUNK, 8192), "read whole"
        return super().read1(size)

    def getvalue(self):
        raise AssertionError("read whole")


@pytest.fixture
def books(world):
    add_sections(world)
    create_default_categories(world.organisation)
    return world


@pytest.mark.parametrize(
    ("encoding", "recorded"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")],
)
def test_fec_is_read_in_chunks_in_the_encodings_real_files_come_in(
    books, monkeypatch, encoding, recorded
):
    # chunks of 5 bytes: an "é" of UTF-8 (two bytes) is cut in two more than once
    monkeypatch.setattr(fec, "CHUNK", 5)
    rows = [
        row
        for n in range(1, 40)
        for row in balanced_entry(n, "20260105", "606100", "12,34", label="Goûter – café")
    ]
    fec_import = import_fec(
        books.organisation,
        books.users[Role.FINANCE],
        ChunksOnly(fec_file(rows, encoding=encoding)),
        "fec.txt",
    )
    assert fec_import.encoding == recorded
    assert fec_import.line_count == 78 == fec_import.lines.count()
    labels = fec_import.lines.filter(account_number="606100").values_list("label", flat=True)
    assert set(labels) == {"Goûter – café"}


def test_a_byte_cp1252_leaves_undefined_reads_as_latin_1(books):
    latin = fec_file(
        balanced_entry(1, "20260105", "606100", "1,00", label="Réf\x81"), encoding="latin-1"
    )
    assert fec.sniff(io.BytesIO(latin)).encoding == "latin-1"
    fec_import = import_fec(books.organisation, books.users[Role.FINANCE], latin, "fec.txt")
    assert fec_import.encoding == "latin-1"


def test_a_file_refused_after_batches_were_written_leaves_nothing(books, monkeypatch):
    monkeypatch.setattr(books_service, "BATCH", 2)  # batches written before the bad line
    rows = [row for n in range(1, 20) for row in balanced_entry(n, "20260105", "606100", "1,00")]
    rows += [
        fec_row(99, "20260106", "606100", "Papier", debit="100,00"),
        fec_row(99, "20260106", "401000", "Fournisseur", credit="90,00"),
    ]
    with pytest.raises(ValidationError) as refusal:
        import_fec(
            books.organisation, books.users[Role.FINANCE], ChunksOnly(fec_file(rows)), "fec.txt"
        )
    assert refusal.value.messages == [
        "Ligne 40 : l'écriture AC 99 est déséquilibrée : débit 100,00 €, crédit 90,00 €."
    ]
    assert not FecImport.objects.exists() and not LedgerLine.objects.exists()


def test_the_upload_limit_holds_on_what_is_read_not_only_on_what_is_declared():
    upload = SimpleUploadedFile("fec.txt", b"JournalCode\t" * 30)  # 360 bytes
    upload.size = 10  # a body that says less than it holds
    with pytest.raises(ValidationError) as refusal:
        check_text_upload(upload, max_bytes=100)
    assert "il ne peut pas dépasser 100" in refusal.value.messages[0]
    check_text_upload(upload, max_bytes=1000)  # within the limit: accepted, left at its start
    assert upload.read(11) == b"JournalCode"
