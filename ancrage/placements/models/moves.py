"""The judge's notices that moves, changes of placement and separations of siblings create."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.models import CreatedRecord
from ancrage.placements.models.stays import Stay


class JudgeNotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_on__isnull=True)

    def overdue(self, day=None):
        return self.pending().filter(due_date__lt=day or timezone.localdate())


class JudgeNotification(CreatedRecord):
    """A task the sibling rule or a change of placement creates: inform the judge in time."""

    class Kind(models.TextChoices):
        SEPARATION = "separation", _("Informer le juge d'une séparation de fratrie (48 h)")
        PLACEMENT_CHANGE = (
            "placement_change",
            _("Aviser le juge d'un changement de lieu de placement (1 mois avant)"),
        )
        EMERGENCY_PLACEMENT_CHANGE = (
            "emergency_placement_change",
            _("Aviser le juge d'un changement de lieu de placement en urgence (48 h)"),
        )

    DELAYS = {
        Kind.SEPARATION: timedelta(hours=48),
        Kind.EMERGENCY_PLACEMENT_CHANGE: timedelta(hours=48),
    }

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="judge_notifications",
        verbose_name=_("enfant"),
    )
    establishment = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="judge_notifications"
    )
    kind = models.CharField(_("objet"), max_length=30, choices=Kind)
    due_date = models.DateField(_("à faire au plus tard le"))
    event_date = models.DateField(_("date de l'événement"))
    stay = models.ForeignKey(
        Stay, on_delete=models.PROTECT, null=True, related_name="judge_notifications"
    )
    sent_on = models.DateField(_("fait le"), null=True, blank=True)

    objects = JudgeNotificationQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("information du juge")
        verbose_name_plural = _("informations du juge")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.child} · {self.due_date:%d/%m/%Y}"
