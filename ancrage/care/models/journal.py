"""The daily journal (cahier de liaison): short dated entries about a house or one of its
children, at a visibility level (house team, clinical, safeguarding), corrected by their author
within 24 hours and annotated afterwards.

Every read goes through `JournalEntry.objects.visible_to(user)`, which follows the permission
table (kinds `journal`, `journal_clinical`, `journal_safeguarding`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.models import end_not_before_start
from ancrage.kernel.scopes import reach
from ancrage.people.models import Person

MAX_ENTRY_LENGTH = 2000


class JournalLevel(models.TextChoices):
    HOUSE_TEAM = "house_team", _("Équipe de la maison")
    CLINICAL = "clinical", _("Clinique")
    SAFEGUARDING = "safeguarding", _("Bientraitance")


# The kind of the permission table that governs each level.
LEVEL_KIND = {
    JournalLevel.HOUSE_TEAM: "journal",
    JournalLevel.CLINICAL: "journal_clinical",
    JournalLevel.SAFEGUARDING: "journal_safeguarding",
}


class JournalEntryQuerySet(models.QuerySet):
    def visible_to(self, user, among=None):
        """The entries this user may read, level by level from the permission table (with
        `among`, a query of the ids of the children the caller's entries can be about, the
        person scope is asked about those alone: `Person.objects.visible_to`):

        - house roles: the entries of their house at the levels they read, house entries and
          entries about a child they may see today (a child who left drops out);
        - establishment roles: the same for every house of their village;
        - the national director: entries about a child opened by a running break-the-glass;
        - the author of an entry keeps reading it (a house parent's safeguarding note);
        - nobody else.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        visible_children = Person.objects.visible_to(user, among=among).values("pk")
        about = Q(child__isnull=True) | Q(child__in=visible_children)
        # The levels read over the same places share one condition.
        readers: dict[tuple[Q, Q], list[str]] = {}
        for level, kind in LEVEL_KIND.items():
            where = reach(user, kind, "view")
            if where:
                places = (
                    where.filter(unit="house_id", establishment="house__establishment_id"),
                    where.filter(organisation="house__establishment__organisation_id"),
                )
                readers.setdefault(places, []).append(level)
        condition = Q(pk__in=[])
        for (houses, organisation), levels in readers.items():
            # Organisation-wide, nominative only: entries about a child whose file is open.
            condition |= Q(level__in=levels) & (
                (houses & about) | (organisation & Q(child__in=visible_children))
            )
        if any(reach(user, kind, "write") for kind in LEVEL_KIND.values()):
            condition |= Q(author=user)
        return self.filter(condition)


class JournalEntry(models.Model):
    """One short observation, about a house (no child) or one child of the house."""

    house = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="journal_entries",
        verbose_name=_("maison"),
    )
    child = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="journal_entries",
        verbose_name=_("enfant"),
    )
    level = models.CharField(
        _("visibilité"), max_length=20, choices=JournalLevel, default=JournalLevel.HOUSE_TEAM
    )
    text = models.TextField(_("observation"), max_length=MAX_ENTRY_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="journal_entries",
        verbose_name=_("auteur"),
    )
    written_at = models.DateTimeField(_("écrit le"), default=timezone.now)
    edited_at = models.DateTimeField(_("corrigé le"), null=True, blank=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        indexes = [
            models.Index(fields=["child", "-written_at", "-id"], name="journal_child_at_idx"),
            models.Index(fields=["house", "-written_at", "-id"], name="journal_house_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=JournalLevel.values), name="journal_level_known"
            ),
            end_not_before_start(
                "journal_edited_after_written", start="written_at", end="edited_at"
            ),
        ]

    def __str__(self):
        return f"{self.house} · {self.written_at:%d/%m/%Y %H:%M}"


class JournalAnnotation(models.Model):
    """A note added under an entry; annotations only append, with their author and time."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="annotations")
    text = models.TextField(_("annotation"), max_length=MAX_ENTRY_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="journal_annotations",
        verbose_name=_("auteur"),
    )
    written_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("annotation du journal")
        verbose_name_plural = _("annotations du journal")

    def __str__(self):
        return f"{self.entry_id} · {self.written_at:%d/%m/%Y %H:%M}"
