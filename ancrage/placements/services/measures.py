"""Protection measures (a renewal ends the measure it renews) and the documents attached to them,
checked by their content and stored under a random name outside the web root."""

from __future__ import annotations

import secrets
import unicodedata

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ancrage.kernel import calendar
from ancrage.people.models import Person
from ancrage.placements.models import MeasureDocument, ProtectionMeasure


@transaction.atomic
def record_measure(
    *, child: Person, by, renews: ProtectionMeasure | None = None, **fields
) -> ProtectionMeasure:
    """Record a protection measure (or its renewal, which ends the previous one the day before)."""
    measure = ProtectionMeasure(child=child, created_by=by, renews=renews, **fields)
    measure.full_clean()
    check_support_limit(child, measure)
    if renews is not None:
        if renews.child_id != child.pk:
            raise ValidationError({"renews": _("Cette mesure concerne un autre enfant.")})
        if measure.start_date <= renews.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "Le renouvellement commence après le début de la mesure renouvelée."
                    )
                }
            )
        renews.end_date = calendar.add_days(measure.start_date, -1)
        renews.save(update_fields=["end_date"])
    measure.save()
    return measure


def check_support_limit(child: Person, measure: ProtectionMeasure) -> None:
    """No measure runs past the last day of the support to young adults, the day before the 21st
    birthday (CASF L222-5; docs/decisions.md 2026-12-05): its end and its review date are on
    that day at the latest."""
    if child.birth_date is None:
        return
    last_day = calendar.young_adult_support_last_day(child.birth_date)
    errors = {}
    for name in ("start_date", "end_date", "review_date"):
        value = getattr(measure, name)
        if value is not None and value > last_day:
            errors[name] = _(
                "L'accompagnement s'arrête la veille des 21 ans (le %(d)s) : "
                "une mesure ne peut pas aller au-delà."
            ) % {"d": last_day.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)


# The content types a measure's document may have, detected from the file's first bytes, and the
# extension its stored name gets.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}


def detect_document_type(uploaded_file) -> str | None:
    """The file's type as its content says (PDF, PNG or JPEG), never as its name or the
    browser's declared type say; None for anything else."""
    uploaded_file.seek(0)
    try:
        matches = puremagic.magic_stream(uploaded_file)
    except (puremagic.PureError, ValueError):  # unknown content, or an empty file
        return None
    finally:
        uploaded_file.seek(0)
    if not matches:
        return None
    # Several signatures can tie for the best confidence ("%PDF" is also an FDF form's start).
    best = matches[0].confidence
    for match in matches:
        if match.confidence == best and match.mime_type in DOCUMENT_TYPES:
            return match.mime_type
    return None


def _clean_file_name(name: str) -> str:
    """The name as the user knew it, without a path or control characters, to show and to offer
    back on download (never used to store the file)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 199 - len(extension)] + dot + extension) if dot else name[:200]
    return name or _("document")


@transaction.atomic
def attach_document(measure: ProtectionMeasure, kind: str, uploaded_file, by) -> MeasureDocument:
    """Attach the judgment, the ASE decision or another document to a measure: a PDF or an
    image (PNG, JPEG) as its content shows, of `DOCUMENT_MAX_BYTES` at most, stored under a
    random name outside the web root."""
    if kind not in MeasureDocument.Kind.values:
        raise ValidationError({"kind": _("Choisissez la nature de la pièce.")})
    if uploaded_file is None:
        raise ValidationError({"file": _("Choisissez le fichier à joindre.")})
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            {
                "file": _("Ce fichier fait %(size)s : une pièce ne peut pas dépasser %(limit)s.")
                % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)}
            }
        )
    content_type = detect_document_type(uploaded_file)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Ce fichier n'est ni un PDF ni une image PNG ou JPEG (son contenu a été "
                    "vérifié, pas seulement son nom). Enregistrez ou numérisez la pièce dans "
                    "l'un de ces formats."
                )
            }
        )
    document = MeasureDocument(
        measure=measure,
        kind=kind,
        original_name=_clean_file_name(uploaded_file.name),
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by,
    )
    # A random name: the stored file reveals nothing and cannot be guessed or collide.
    document.file.save(
        secrets.token_hex(16) + DOCUMENT_TYPES[content_type], uploaded_file, save=False
    )
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document
