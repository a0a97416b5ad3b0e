"""Writes of the daily journal: one transaction each, refusals as French ValidationErrors keyed
by form field. An entry is corrected by its author within 24 hours of writing it; after that it
can only be annotated."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.care.models.journal import (
    LEVEL_KIND,
    MAX_ENTRY_LENGTH,
    JournalAnnotation,
    JournalEntry,
    JournalLevel,
)
from ancrage.kernel import calendar
from ancrage.kernel.scopes import reach
from ancrage.placements.models import Stay

EDIT_WINDOW_HOURS = 24


def clock():
    """The clock of the journal's rules (tests pass `now=` instead)."""
    return timezone.now()


def writable_levels(user, house) -> list[str]:
    """The levels at which `user` may write in this house's journal: their own house for house
    staff, any house of their village for the village team."""
    levels = []
    for level in JournalLevel.values:
        where = reach(user, LEVEL_KIND[level], "write")
        if house.pk in where.units or house.establishment_id in where.establishments:
            levels.append(level)
    return levels


def _clean_text(text: str, field="text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Écrivez l'observation.")})
    if len(text) > MAX_ENTRY_LENGTH:
        raise ValidationError(
            {field: _("%(n)s caractères au plus : soyez bref.") % {"n": MAX_ENTRY_LENGTH}}
        )
    return text


@transaction.atomic
def write_entry(*, house, text: str, level: str, by, child=None, now=None) -> JournalEntry:
    """Add an entry to a house's journal, about the house or one child living there today."""
    text = _clean_text(text)
    if level not in writable_levels(by, house):
        raise ValidationError(
            {"level": _("Vous ne pouvez pas écrire à ce niveau de visibilité dans cette maison.")}
        )
    at = now or clock()
    if child is not None:
        lives_here = (
            Stay.objects.current(timezone.localdate(at)).filter(child=child, unit=house).exists()
        )
        if not lives_here:
            raise ValidationError({"child": _("Cet enfant ne vit pas dans cette maison.")})
    return JournalEntry.objects.create(
        house=house, child=child, level=level, text=text, author=by, written_at=at
    )


def editable(entry: JournalEntry, user, now=None) -> bool:
    at = now or clock()
    return entry.author_id == user.pk and calendar.within_hours(
        entry.written_at, at, EDIT_WINDOW_HOURS
    )


@transaction.atomic
def edit_entry(entry: JournalEntry, *, text: str, by, now=None) -> JournalEntry:
    """Correct an entry: its author only, within 24 hours of writing it."""
    at = now or clock()
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.author_id != by.pk:
        raise ValidationError({"text": _("Seul l'auteur peut corriger une observation.")})
    if not calendar.within_hours(entry.written_at, at, EDIT_WINDOW_HOURS):
        raise ValidationError(
            {
                "text": _(
                    "Une observation ne se corrige plus après 24 heures : ajoutez une annotation."
                )
            }
        )
    entry.text = _clean_text(text)
    entry.edited_at = at
    entry.save(update_fields=["text", "edited_at"])
    return entry


@transaction.atomic
def annotate_entry(entry: JournalEntry, *, text: str, by, now=None) -> JournalAnnotation:
    """Append an annotation to an entry the user reads, with their name and the time."""
    text = _clean_text(text)
    if entry.level not in writable_levels(by, entry.house) and entry.author_id != by.pk:
        raise ValidationError({"text": _("Vous ne pouvez pas annoter cette observation.")})
    return JournalAnnotation.objects.create(
        entry=entry, text=text, author=by, written_at=now or clock()
    )


def no_house_message() -> str:
    return _("Cet enfant ne vit dans aucune maison aujourd'hui : le journal est en lecture seule.")
