"""The services of the books: the categories of charges and income (classes 6 and 7 of the French
chart of accounts) and their eligibility, and the FEC import, all or nothing."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
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


def import_fec(organisation, by, content: bytes, filename: str, progress=None) -> FecImport:
    """Take an FEC file whole, or nothing: the format (fec.parse), analytic codes that name a
    section of the organisation, a file never imported before. Accounts of classes 6 and 7 get
    their category."""
    fingerprint = hashlib.sha256(content).hexdigest()
    earlier = FecImport.objects.filter(organisation=organisation, sha256=fingerprint).first()
    if earlier is not None:
        raise ValidationError(
            _("Ce fichier a déjà été importé le %(day)s.")
            % {"day": formats.date_format(earlier.imported_at, "d/m/Y")}
        )
    try:
        lines = fec.parse(content, progress)
    except fec.FecErrors as refused:
        _fail(refused.errors)
    codes = dict(Section.objects.filter(organisation=organisation).values_list("code", "pk"))
    unknown = [
        (
            line.line_number,
            _("code analytique « %(code)s » inconnu.") % {"code": line.analytic_code},
        )
        for line in lines
        if line.analytic_code and line.analytic_code not in codes
    ]
    if unknown:
        _fail(unknown[: fec.MAX_ERRORS])
    categories = CostCategory.objects.filter(organisation=organisation)
    by_account: dict[str, CostCategory | None] = {}
    encoding = _encoding(content)
    total = len(lines)
    with transaction.atomic():
        fec_import = FecImport.objects.create(
            organisation=organisation,
            imported_by=by,
            filename=filename[:200],
            sha256=fingerprint,
            encoding=encoding,
            line_count=total,
            first_date=min(line.entry_date for line in lines),
            last_date=max(line.entry_date for line in lines),
        )
        for start in range(0, total, BATCH):
            batch = []
            for line in lines[start : start + BATCH]:
                account = line.account_number
                category = None
                if account[:1] in ("6", "7"):
                    if account not in by_account:
                        by_account[account] = categories.for_account(account)
                    category = by_account[account]
                batch.append(LedgerLine(fec_import=fec_import, category=category, **vars(line)))
            LedgerLine.objects.bulk_create(batch)
            if progress:
                progress(start + len(batch), total)
    return fec_import


def _encoding(content: bytes) -> str:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def eligible(amount_lines, funder) -> Decimal:
    """The sum of the lines' amounts whose category is eligible for `funder` (an O2R programme
    or an agreement)."""
    field = "ineligible_programmes" if isinstance(funder, Programme) else "ineligible_agreements"
    excluded = set(CostCategory.objects.filter(**{field: funder}).values_list("pk", flat=True))
    return sum(
        (line.amount for line in amount_lines if line.category_id not in excluded),
        Decimal(0),
    )
