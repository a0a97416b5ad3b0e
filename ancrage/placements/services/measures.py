"""Protection measures (a renewal ends the measure it renews) and the documents attached to them,
checked by their content and stored under a random name outside the web root."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel import calendar
from ancrage.kernel.uploads import check_upload, display_name
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


@transaction.atomic
def attach_document(measure: ProtectionMeasure, kind: str, uploaded_file, by) -> MeasureDocument:
    """Attach the judgment, the ASE decision or another document to a measure: a PDF without
    active content or an image (PNG, JPEG, re-encoded) as its content shows, of
    `DOCUMENT_MAX_BYTES` at most, stored under a random name outside the web root and shown
    under a name made of its kind and the day."""
    if kind not in MeasureDocument.Kind.values:
        raise ValidationError({"kind": _("Choisissez la nature de la pièce.")})
    if uploaded_file is None:
        raise ValidationError({"file": _("Choisissez le fichier à joindre.")})
    # Size, type by content, polyglots, active content, images re-encoded (kernel.uploads); the
    # form's field has already done it when the upload comes through the page.
    try:
        checked = check_upload(uploaded_file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    label = MeasureDocument.Kind(kind).label
    document = MeasureDocument(
        measure=measure,
        kind=kind,
        # Built from the kind and the day, never from the name the browser sent.
        original_name=display_name(label, timezone.localdate(), checked.extension),
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    # A random name: the stored file reveals nothing and cannot be guessed or collide.
    document.file.save(
        secrets.token_hex(16) + checked.extension, ContentFile(checked.content), save=False
    )
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document
