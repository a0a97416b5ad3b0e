"""The FEC import: all or nothing, with a row-by-row French report; the encodings real files
come in; classes 6 and 7 mapped to categories; an ineligible category left out of a funder's
eligible costs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ancrage.accounting import fec
from ancrage.accounting.books import create_default_categories, eligible, import_fec
from ancrage.accounting.models import Agreement, CostCategory, FecImport, LedgerLine
from ancrage.kernel.access import Role
from tests.accounting.factories import add_sections, balanced_entry, fec_file, fec_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(world, o2r_files):
    add_sections(world)
    create_default_categories(world.organisation, programmes=[world.programme])
    return world


def refused(world, content):
    with pytest.raises(ValidationError) as refusal:
        import_fec(world.organisation, world.users[Role.FINANCE], content, "fec.txt")
    assert not FecImport.objects.exists() and not LedgerLine.objects.exists()
    return refusal.value.messages


def test_fec_missing_column_refused(books):
    header_without_idevise = fec.COLUMNS[:-1]
    content = (
        "\t".join(header_without_idevise) + "\n" + fec_row(1, "20260105", "606", "x")
    ).encode()
    messages = refused(books, content)
    assert messages == [
        "Ligne 1 : en-tête incomplet : il manque la colonne Idevise (17 colonnes au lieu de 18)."
    ]
    # a row with a cell missing is reported at its line
    rows = balanced_entry(1, "20260105", "606100", "10,00")
    rows[1] = rows[1].rsplit("\t", 1)[0]
    assert refused(books, fec_file(rows)) == ["Ligne 3 : 17 colonnes au lieu de 18."]


def test_fec_unbalanced_entry_refused(books):
    rows = [
        *balanced_entry(1, "20260105", "606100", "120,00"),
        fec_row(2, "20260106", "606100", "Papier", debit="100,00"),
        fec_row(2, "20260106", "401000", "Fournisseur", credit="90,00"),
    ]
    assert refused(books, fec_file(rows)) == [
        "Ligne 4 : l'écriture AC 2 est déséquilibrée : débit 100,00 €, crédit 90,00 €."
    ]


def test_fec_31_february_refused(books):
    rows = balanced_entry(1, "20260231", "606100", "10,00")
    messages = refused(books, fec_file(rows))
    assert messages[0] == "Ligne 2 : EcritureDate « 20260231 » n'est pas une date (AAAAMMJJ)."
    assert len(messages) == 6  # three dates on each of the two lines


def test_fec_non_numeric_amount_refused(books):
    rows = balanced_entry(1, "20260105", "606100", "12O,00")
    assert "Ligne 2 : Debit « 12O,00 » n'est pas un montant (par exemple 1234,56)." in refused(
        books, fec_file(rows)
    )


def test_fec_unknown_analytic_code_refused(books):
    rows = balanced_entry(1, "20260105", "606100", "10,00", code="NULLE-PART")
    assert refused(books, fec_file(rows, analytic=True)) == [
        "Ligne 2 : code analytique « NULLE-PART » inconnu."
    ]


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", "\t"), ("utf-8-sig", "|"), ("cp1252", "\t"), ("latin-1", "|")],
)
def test_fec_read_in_the_encodings_real_files_come_in(books, encoding, separator):
    rows = balanced_entry(1, "20260105", "606100", "1 234,56", label="Fournitures éducatives")
    fec_import = import_fec(
        books.organisation,
        books.users[Role.FINANCE],
        fec_file(rows, encoding=encoding, separator=separator),
        "fec.txt",
    )
    line = fec_import.lines.get(account_number="606100")
    assert line.label == "Fournitures éducatives"
    assert line.amount == line.debit == Decimal("1234.56")
    assert line.category.code == "ACHATS"
    assert fec_import.lines.get(account_number="401000").category is None


def test_the_same_file_is_not_imported_twice(books):
    content = fec_file(balanced_entry(1, "20260105", "606100", "10,00"))
    import_fec(books.organisation, books.users[Role.FINANCE], content, "fec.txt")
    with pytest.raises(ValidationError, match="déjà été importé"):
        import_fec(books.organisation, books.users[Role.FINANCE], content, "fec.txt")


def test_longest_account_prefix_wins(books):
    categories = CostCategory.objects.filter(organisation=books.organisation)
    assert categories.for_account("633300").code == "FORMATION"
    assert categories.for_account("631200").code == "IMPOTS"
    assert categories.for_account("741000").code == "SUB-ETAT"
    assert categories.for_account("740000").code == "SUB-AUTRES"


def test_ineligible_category_excluded(books):
    o2r = books.sections["o2r"]
    rows = [
        *balanced_entry(1, "20260105", "606100", "500,00", code=o2r.code),
        *balanced_entry(2, "20260106", "633300", "300,00", code=o2r.code, label="Formation"),
    ]
    fec_import = import_fec(
        books.organisation, books.users[Role.FINANCE], fec_file(rows, analytic=True), "fec.txt"
    )
    charges = list(fec_import.lines.filter(account_number__startswith="6"))
    assert sum(line.amount for line in charges) == 800
    # training costs are not eligible for the O2R programme, but are for another funder
    assert eligible(charges, books.programme) == 500
    other_funder = Agreement.objects.create(
        organisation=books.organisation,
        funder="Fondation",
        name="Soutien",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal(10000),
    )
    assert eligible(charges, other_funder) == 800
