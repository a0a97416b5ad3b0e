"""The association's co-placement figure, kept once per day and per state of the stays and the
sibling groups: every write to a stay or a sibling-group membership moves the state on (one
counter row, updated in the writer's transaction), so a figure stored for an earlier state is
never read again (see `services.stays.association_co_placement`)."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class CoPlacementState(models.Model):
    """One row: how many times stays or sibling-group memberships were written (counted from
    the first write after the database was made)."""

    value = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("état des accueils (co-placement)")

    def __str__(self):
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0

    @classmethod
    def move_on(cls) -> None:
        """A stay or a membership was written: figures stored before are stale (one UPDATE in
        the writer's transaction; it holds the row until the commit, so two writers of stays
        take turns, which admissions and moves, a few a day, afford)."""
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})
        CoPlacementFigure.objects.all().delete()


class CoPlacementFigure(models.Model):
    """The association's rate on `day` as computed at state `state` (see `CoPlacementState`)."""

    day = models.DateField(_("jour"))
    state = models.PositiveBigIntegerField(_("version"))
    together = models.PositiveIntegerField(_("enfants avec toute leur fratrie accueillie"))
    with_siblings = models.PositiveIntegerField(_("enfants ayant une fratrie accueillie"))

    class Meta:
        verbose_name = _("taux de co-placement de l'association")
        constraints = [
            models.UniqueConstraint(fields=["day", "state"], name="co_placement_figure_unique")
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} : {self.together}/{self.with_siblings}"


def stays_written(**kwargs) -> None:
    """Receiver of the writes of stays and sibling-group memberships (placements/apps.py)."""
    CoPlacementState.move_on()
