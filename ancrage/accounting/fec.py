"""Reading an FEC (fichier des écritures comptables, article A47 A-1 of the livre des procédures
fiscales): 18 columns in a fixed order, tab or `|` separated, dates AAAAMMJJ, amounts with a
decimal comma, in the encodings real exports come in (UTF-8 with or without BOM, Windows-1252,
Latin-1). One optional 19th column, `CodeAnalytique`, carries an analytic section's code.

`parse(content)` reads everything and returns the lines, or raises `FecErrors` with the French
report, row by row: a file is taken whole or not at all."""

from __future__ import annotations

from collections import defaultdict
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


def decode(content: bytes) -> str:
    """UTF-8 (a BOM dropped) when the bytes are valid UTF-8; else Windows-1252, the encoding of
    French accounting packages on Windows; Latin-1 for the five bytes Windows-1252 leaves
    undefined."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


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
    """The lines of the file, or `FecErrors` (wrong header or column count, unknown date,
    non-numeric amount, missing required value, unbalanced entry)."""
    text = decode(content)
    rows = text.splitlines()
    if not rows:
        raise FecErrors([(None, _("Le fichier est vide."))])
    header = rows[0]
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
    width = len(expected)
    errors: list[tuple[int | None, str]] = []
    lines: list[FecLine] = []
    entries: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    broken: set[tuple[str, str]] = set()
    total = len(rows) - 1
    for number, row in enumerate(rows[1:], start=2):
        if progress and number % 5000 == 0:
            progress(number, total)
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
        lines.append(
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
    for (journal, number), (debit, credit, first_line) in entries.items():
        if len(errors) >= MAX_ERRORS:
            break
        if debit != credit and (journal, number) not in broken:
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
    if not lines and not errors:
        errors.append((None, _("Le fichier ne contient aucune écriture.")))
    if errors:
        raise FecErrors(sorted(errors, key=lambda error: error[0] or 0))
    return lines
