"""The services of the books: the categories of charges and income (classes 6 and 7 of the French
chart of accounts) and their eligibility, and the FEC import, all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ancrage.accounting import fec
from ancrage.accounting.models import CostCategory, FecImport, LedgerLine, Section
from ancrage.insertion.models import Programme

# The categories an organisation starts with (ANC 2018-06 chart for associations): code, name,
# nature, account prefixes. Training (6313 and 6333, the employer's contributions to vocational
# training) is its own category so that it can be made ineligible: the O2R call excludes
# training costs.
DEFAULT_CATEGORIES = (
    ("ACHATS", "Achats", "charge", "60"),
    ("SERV-EXT", "Services extérieurs", "charge", "61,62"),
    ("IMPOTS", "Impôts et taxes", "charge", "63"),
    ("FORMATION", "Formation professionnelle", "charge", "6313,6333"),
    ("PERSONNEL", "Salaires et charges sociales", "charge", "64"),
    ("GESTION", "Autres charges de gestion courante", "charge", "65"),
    ("FINANCIER", "Charges financières", "charge", "66"),
    ("EXCEPT", "Charges exceptionnelles", "charge", "67"),
    ("DOTATIONS", "Dotations aux amortissements et provisions", "charge", "68,69"),
    ("VENTES", "Prestations de services et ventes", "income", "70"),
    ("SUB-ETAT", "Subventions de l'État", "income", "741"),
    ("SUB-AUTRES", "Autres subventions d'exploitation", "income", "74"),
    ("PRODUITS", "Autres produits de gestion courante", "income", "75"),
    ("PROD-FIN", "Produits financiers", "income", "76"),
    ("PROD-EXC", "Produits exceptionnels", "income", "77,78,79"),
)
TRAINING = "FORMATION"
BATCH = 2000


@transaction.atomic
def create_default_categories(organisation, programmes=()) -> list[CostCategory]:
    """The standard categories for an organisation that has none; training is made ineligible
    for the given O2R programmes."""
    if CostCategory.objects.filter(organisation=organisation).exists():
        raise ValidationError(_("Cette organisation a déjà ses catégories."))
    created = CostCategory.objects.bulk_create(
        CostCategory(
            organisation=organisation,
            code=code,
            name=name,
            nature=nature,
            account_prefixes=prefixes,
        )
        for code, name, nature, prefixes in DEFAULT_CATEGORIES
    )
    training = CostCategory.objects.get(organisation=organisation, code=TRAINING)
    training.ineligible_programmes.set(programmes)
    return created


@transaction.atomic
def set_ineligibility(category: CostCategory, *, programmes, agreements) -> CostCategory:
    foreign = [a for a in agreements if a.organisation_id != category.organisation_id]
    if foreign:
        raise ValidationError(
            {"agreements": _("Une convention choisie finance une autre organisation.")}
        )
    category.ineligible_programmes.set(programmes)
    category.ineligible_agreements.set(agreements)
    return category


def _fail(errors: list[tuple[int | None, str]]):
    raise ValidationError(fec.FecErrors(errors).messages())


def import_fec(organisation, by, source, filename: str, progress=None) -> FecImport:
    """Take an FEC file whole, or nothing: the format (fec.Reader), analytic codes that name a
    section of the organisation, a file never imported before. Accounts of classes 6 and 7 get
    their category. `source`: the bytes, or a binary file read as a stream (a stored upload of
    hundreds of megabytes is never held in memory: one pass for its fingerprint and encoding,
    one pass that checks and writes in batches, rolled back when the file is refused)."""
    binary = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    sniffed = fec.sniff(binary)
    earlier = FecImport.objects.filter(organisation=organisation, sha256=sniffed.sha256).first()
    if earlier is not None:
        raise ValidationError(
            _("Ce fichier a déjà été importé le %(day)s.")
            % {"day": formats.date_format(earlier.imported_at, "d/m/Y")}
        )
    codes = dict(Section.objects.filter(organisation=organisation).values_list("code", "pk"))
    categories = CostCategory.objects.filter(organisation=organisation)
    by_account: dict[str, CostCategory | None] = {}
    unknown: list[tuple[int | None, str]] = []
    text = fec.text_of(binary, sniffed)
    reader = fec.Reader(text, progress, sniffed.lines)
    with transaction.atomic():
        # the count and dates are set once the file is read
        fec_import = FecImport.objects.create(
            organisation=organisation,
            imported_by=by,
            filename=filename[:200],
            sha256=sniffed.sha256,
            encoding=sniffed.label,
            line_count=0,
            first_date=timezone.localdate(),
            last_date=timezone.localdate(),
        )
        first = last = None
        count = 0
        batch = []
        try:
            for line in reader:
                if line.analytic_code and line.analytic_code not in codes:
                    if len(unknown) < fec.MAX_ERRORS:
                        unknown.append(
                            (
                                line.line_number,
                                _("code analytique « %(code)s » inconnu.")
                                % {"code": line.analytic_code},
                            )
                        )
                    continue
                if unknown or reader.errors:
                    continue  # the file is refused: read on for the report, write nothing
                account = line.account_number
                category = None
                if account[:1] in ("6", "7"):
                    if account not in by_account:
                        by_account[account] = categories.for_account(account)
                    category = by_account[account]
                batch.append(LedgerLine(fec_import=fec_import, category=category, **vars(line)))
                count += 1
                day = line.entry_date
                first = day if first is None or day < first else first
                last = day if last is None or day > last else last
                if len(batch) >= BATCH:
                    LedgerLine.objects.bulk_create(batch)
                    batch = []
            reader.finish()
        except fec.FecErrors as refused:
            _fail(sorted(refused.errors + unknown, key=lambda e: e[0] or 0)[: fec.MAX_ERRORS])
        finally:
            text.detach()  # the caller's file stays open
        if unknown:
            _fail(unknown)
        LedgerLine.objects.bulk_create(batch)
        fec_import.line_count, fec_import.first_date, fec_import.last_date = count, first, last
        fec_import.save(update_fields=["line_count", "first_date", "last_date"])
    return fec_import


def eligible(amount_lines, funder) -> Decimal:
    """The sum of the lines' amounts whose category is eligible for `funder` (an O2R programme
    or an agreement)."""
    field = "ineligible_programmes" if isinstance(funder, Programme) else "ineligible_agreements"
    excluded = set(CostCategory.objects.filter(**{field: funder}).values_list("pk", flat=True))
    return sum(
        (line.amount for line in amount_lines if line.category_id not in excluded),
        Decimal(0),
    )
