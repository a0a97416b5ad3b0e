"""Reading an FEC (fichier des écritures comptables, article A47 A-1 of the livre des procédures
fiscales): 18 columns in a fixed order, tab or `|` separated, dates AAAAMMJJ, amounts with a
decimal comma, in the encodings real exports come in (UTF-8 with or without BOM, Windows-1252,
Latin-1). One optional 19th column, `CodeAnalytique`, carries an analytic section's code.

A file is read as a stream, never whole in memory: `sniff(binary)` reads its bytes once in chunks
(its fingerprint, its encoding, its number of lines), then `Reader(text)` yields its lines one by
one and, at the end (`finish()`), raises `FecErrors` with the French report, row by row; the
importer writes inside one transaction, so a file is taken whole or not at all. `parse(content)`
does both for bytes in memory (small files, tests)."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ANALYTIC_COLUMN = "CodeAnalytique"
# Required in every row (the others may be empty).
REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "PieceDate", "ValidDate")
# How many errors the report lists before it stops (the file is refused either way).
MAX_ERRORS = 200
CHUNK = 1024 * 1024
# The five bytes Windows-1252 leaves undefined: a file holding one is read as Latin-1.
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


class FecErrors(Exception):
    """The file is refused: `errors` is the report, (line number or None, French message)."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors

    def messages(self) -> list[str]:
        return [
            _("Ligne %(line)s : %(message)s") % {"line": line, "message": message}
            if line
            else message
            for line, message in self.errors
        ]


@dataclass
class FecLine:
    line_number: int
    journal_code: str
    journal_label: str
    entry_number: str
    entry_date: date
    account_number: str
    account_label: str
    auxiliary_number: str
    auxiliary_label: str
    piece_reference: str
    piece_date: date
    label: str
    debit: Decimal
    credit: Decimal
    lettering: str
    lettering_date: date | None
    validation_date: date
    currency_amount: Decimal | None
    currency: str
    analytic_code: str = ""


@dataclass(frozen=True)
class Sniffed:
    sha256: str
    encoding: str  # a Python codec: utf-8-sig, cp1252 or latin-1
    lines: int  # line breaks: the progress' total

    @property
    def label(self) -> str:
        """The encoding as the import records it."""
        return {"utf-8-sig": "utf-8", "cp1252": "windows-1252"}.get(self.encoding, self.encoding)


def sniff(binary) -> Sniffed:
    """One pass over the bytes, in chunks: the fingerprint, the encoding (UTF-8, a BOM dropped,
    when the bytes are valid UTF-8; else Windows-1252, the encoding of French accounting
    packages on Windows; Latin-1 when a byte Windows-1252 leaves undefined occurs) and the
    number of lines. The file is left at its start."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = cp1252 = True
    lines = 0
    binary.seek(0)
    while chunk := binary.read(CHUNK):
        digest.update(chunk)
        lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if cp1252 and CP1252_UNDEFINED.search(chunk):
            cp1252 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    binary.seek(0)
    encoding = "utf-8-sig" if utf8 else "cp1252" if cp1252 else "latin-1"
    return Sniffed(digest.hexdigest(), encoding, lines)


def text_of(binary, sniffed: Sniffed):
    """The file's text, read as it goes (universal newlines)."""
    return io.TextIOWrapper(binary, encoding=sniffed.encoding, newline=None)


def parse_date(text: str) -> date | None:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    """An amount with a decimal comma (a point is accepted too), spaces as thousands
    separators; empty is zero."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return Decimal(0)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) >= 10**12:
        return None
    return value


def _euros(value: Decimal) -> str:
    return formats.number_format(value, 2, force_grouping=True)


def parse(content: bytes, progress=None) -> list[FecLine]:
    """The lines of a file held in memory, or `FecErrors`."""
    binary = io.BytesIO(content)
    sniffed = sniff(binary)
    reader = Reader(text_of(binary, sniffed), progress, sniffed.lines)
    lines = list(reader)
    reader.finish()
    return lines


class Reader:
    """The lines of an FEC read from a text stream, one at a time (wrong header or column
    count, unknown date, non-numeric amount, missing required value: in `errors`, the line
    skipped); `finish()` adds the unbalanced entries and raises `FecErrors` when anything is
    wrong. Only the running balance of each entry is kept, never the lines."""

    def __init__(self, stream, progress=None, total: int = 0):
        self.stream = stream
        self.progress = progress
        self.total = total
        self.errors: list[tuple[int | None, str]] = []
        self.count = 0
        self.entries: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
        self.broken: set[tuple[str, str]] = set()

    def _header(self, header: str):
        separator = "\t" if "\t" in header else "|" if "|" in header else None
        if separator is None:
            raise FecErrors(
                [
                    (
                        1,
                        _(
                            "séparateur non reconnu : les colonnes sont séparées par une "
                            "tabulation ou « | »."
                        ),
                    )
                ]
            )
        names = [name.strip() for name in header.split(separator)]
        expected = list(COLUMNS)
        if len(names) == len(COLUMNS) + 1 and names[-1].lower() == ANALYTIC_COLUMN.lower():
            expected.append(ANALYTIC_COLUMN)
        if [n.lower() for n in names] != [n.lower() for n in expected]:
            missing = [c for c in COLUMNS if c.lower() not in {n.lower() for n in names}]
            if missing:
                message = _(
                    "en-tête incomplet : il manque la colonne %(columns)s "
                    "(%(count)s colonnes au lieu de 18)."
                ) % {
                    "columns": ", ".join(missing),
                    "count": len(names),
                }
            else:
                message = _(
                    "en-tête non conforme : les 18 colonnes du FEC doivent venir dans l'ordre "
                    "JournalCode, JournalLib, EcritureNum… Idevise."
                )
            raise FecErrors([(1, message)])
        return separator, expected

    def __iter__(self) -> Iterator[FecLine]:
        rows = iter(self.stream)
        header = next(rows, "")
        if not header.strip():
            raise FecErrors([(None, _("Le fichier est vide."))])
        separator, expected = self._header(header.rstrip("\r\n"))
        width = len(expected)
        errors, entries, broken = self.errors, self.entries, self.broken
        for number, row in enumerate(rows, start=2):
            if self.progress and number % 5000 == 0:
                self.progress(number, self.total)
            if not row.strip():
                continue
            if len(errors) >= MAX_ERRORS:
                break
            cells = [cell.strip() for cell in row.split(separator)]
            if len(cells) != width:
                if len(cells) >= 3:
                    broken.add((cells[0], cells[2]))
                errors.append(
                    (
                        number,
                        _("%(count)s colonnes au lieu de %(width)s.")
                        % {"count": len(cells), "width": width},
                    )
                )
                continue
            values = dict(zip(expected, cells, strict=True))
            row_errors = []
            for name in REQUIRED:
                if not values[name]:
                    row_errors.append(_("la colonne %(name)s est vide.") % {"name": name})
            dates = {}
            for name in ("EcritureDate", "PieceDate", "DateLet", "ValidDate"):
                if values[name]:
                    dates[name] = parse_date(values[name])
                    if dates[name] is None:
                        row_errors.append(
                            _("%(name)s « %(value)s » n'est pas une date (AAAAMMJJ).")
                            % {"name": name, "value": values[name][:20]}
                        )
            amounts = {}
            for name in ("Debit", "Credit", "Montantdevise"):
                amounts[name] = parse_amount(values[name])
                if amounts[name] is None:
                    row_errors.append(
                        _("%(name)s « %(value)s » n'est pas un montant (par exemple 1234,56).")
                        % {"name": name, "value": values[name][:20]}
                    )
            if not row_errors and (amounts["Debit"] < 0 or amounts["Credit"] < 0):
                row_errors.append(_("Debit et Credit ne peuvent pas être négatifs."))
            if row_errors:
                errors.extend((number, message) for message in row_errors)
                # its entry cannot be checked for balance: the line's own errors say enough
                broken.add((values["JournalCode"], values["EcritureNum"]))
                continue
            entry = entries[(values["JournalCode"], values["EcritureNum"])]
            entry[0] += amounts["Debit"]
            entry[1] += amounts["Credit"]
            entry[2] = entry[2] or number
            self.count += 1
            yield (
                FecLine(
                    line_number=number,
                    journal_code=values["JournalCode"][:20],
                    journal_label=values["JournalLib"][:100],
                    entry_number=values["EcritureNum"][:40],
                    entry_date=dates["EcritureDate"],
                    account_number=values["CompteNum"][:40],
                    account_label=values["CompteLib"][:200],
                    auxiliary_number=values["CompAuxNum"][:40],
                    auxiliary_label=values["CompAuxLib"][:200],
                    piece_reference=values["PieceRef"][:60],
                    piece_date=dates["PieceDate"],
                    label=values["EcritureLib"][:200],
                    debit=amounts["Debit"],
                    credit=amounts["Credit"],
                    lettering=values["EcritureLet"][:20],
                    lettering_date=dates.get("DateLet"),
                    validation_date=dates["ValidDate"],
                    currency_amount=amounts["Montantdevise"] if values["Montantdevise"] else None,
                    currency=values["Idevise"][:3],
                    analytic_code=values.get(ANALYTIC_COLUMN, "")[:20].upper(),
                )
            )

    def finish(self):
        """The unbalanced entries; `FecErrors` when the file is refused."""
        errors = self.errors
        for (journal, number), (debit, credit, first_line) in self.entries.items():
            if len(errors) >= MAX_ERRORS:
                break
            if debit != credit and (journal, number) not in self.broken:
                errors.append(
                    (
                        first_line,
                        _(
                            "l'écriture %(journal)s %(number)s est déséquilibrée : débit "
                            "%(debit)s €, crédit %(credit)s €."
                        )
                        % {
                            "journal": journal,
                            "number": number,
                            "debit": _euros(debit),
                            "credit": _euros(credit),
                        },
                    )
                )
        if not self.count and not errors:
            errors.append((None, _("Le fichier ne contient aucune écriture.")))
        if errors:
            raise FecErrors(sorted(errors, key=lambda error: error[0] or 0))
