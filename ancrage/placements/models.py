"""Stays: a child lives in one family house from a date to a date."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StayQuerySet(models.QuerySet):
    def current(self, day=None):
        """Stays covering `day` (today by default); the end date is the day of departure."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gt=day))


class Stay(models.Model):
    class ExitReason(models.TextChoices):
        RETURN_TO_FAMILY = "return_to_family", _("Retour en famille")
        OTHER_PLACEMENT = "other_placement", _("Autre lieu de placement")
        MOVE = "move", _("Changement de maison")
        MAJORITY = "majority", _("Majorité")
        AUTONOMY = "autonomy", _("Départ en autonomie")
        OTHER = "other", _("Autre")

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="stays", verbose_name=_("enfant")
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="stays",
        verbose_name=_("maison"),
    )
    start_date = models.DateField(_("arrivée"))
    end_date = models.DateField(_("départ"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=30, choices=ExitReason, blank=True
    )

    objects = StayQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("séjour")
        verbose_name_plural = _("séjours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="stay_dates_in_order",
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(exit_reason=""))
                | (Q(end_date__isnull=False) & ~Q(exit_reason="")),
                name="stay_end_and_reason_together",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "end_date"], name="stay_unit_end_idx"),
            models.Index(fields=["child", "start_date"], name="stay_child_start_idx"),
        ]

    def __str__(self):
        return f"{self.child} · {self.unit} · {self.start_date:%d/%m/%Y}"
