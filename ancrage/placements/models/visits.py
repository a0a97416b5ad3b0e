"""Family visit rights set by the judge and the visits held under them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import end_not_before_start, ends_after_start


class VisitRightQuerySet(models.QuerySet):
    def in_force(self, day=None):
        """Rights covering `day` (today by default); the end date is the last day of the right."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))

    def not_ended(self, day=None):
        """Rights in force on `day` or starting later."""
        day = day or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


class VisitRight(models.Model):
    """What the judge set for a parent or relative: free, accompanied, mediated (with a named
    third party) or suspended visits, and how often. `end_date` is the last day of the right."""

    class Mode(models.TextChoices):
        FREE = "free", _("Libre")
        ACCOMPANIED = "accompanied", _("Accompagné")
        MEDIATED = "mediated", _("Médiatisé (en présence d'un tiers)")
        SUSPENDED = "suspended", _("Suspendu")

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="visit_rights",
        verbose_name=_("enfant"),
    )
    relative = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parent ou proche"),
    )
    mode = models.CharField(_("modalité"), max_length=20, choices=Mode)
    third_party = models.CharField(
        _("tiers présent"),
        max_length=150,
        blank=True,
        help_text=_("Obligatoire pour une visite médiatisée."),
    )
    frequency = models.CharField(
        _("fréquence fixée par le juge"),
        max_length=150,
        blank=True,
        help_text=_("Par exemple : un samedi sur deux."),
    )
    overnight = models.BooleanField(_("droit d'hébergement"), default=False)
    start_date = models.DateField(_("depuis le"), validators=[InRange("event")])
    end_date = models.DateField(_("jusqu'au"), null=True, blank=True, validators=[InRange("event")])

    objects = VisitRightQuerySet.as_manager()

    class Meta:
        ordering = ["child", "relative"]
        verbose_name = _("droit de visite")
        verbose_name_plural = _("droits de visite")
        constraints = [
            date_in_window("visitright_end_date_in_window", "end_date"),
            date_in_window("visitright_start_date_in_window", "start_date"),
            models.CheckConstraint(
                condition=~Q(mode="mediated") | ~Q(third_party=""),
                name="visit_right_mediated_names_third_party",
            ),
            end_not_before_start("visit_right_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.relative} → {self.child} · {self.get_mode_display()}"

    def in_force_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class VisitQuerySet(models.QuerySet):
    def planned_from(self, moment):
        """Visits still planned that start at `moment` or later."""
        return self.filter(status=Visit.Status.PLANNED, starts_at__gte=moment)


class Visit(models.Model):
    """One planned visit or contact, and what happened."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        HELD = "held", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")

    class CancelledBy(models.TextChoices):
        FAMILY = "family", _("La famille")
        CHILD = "child", _("L'enfant")
        VILLAGE = "village", _("Le village")
        ASE = "ase", _("L'ASE")
        JUDGE = "judge", _("Le juge")

    right = models.ForeignKey(VisitRight, on_delete=models.PROTECT, related_name="visits")
    starts_at = models.DateTimeField(_("début"), validators=[InRange("event")])
    ends_at = models.DateTimeField(_("fin"), validators=[InRange("event")])
    place = models.CharField(_("lieu"), max_length=150, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PLANNED)
    cancelled_by = models.CharField(
        _("annulée par"), max_length=10, choices=CancelledBy, blank=True
    )
    observations = models.TextField(_("observations"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("visite")
        verbose_name_plural = _("visites")
        constraints = [
            date_in_window("visit_ends_at_in_window", "ends_at", is_datetime=True),
            date_in_window("visit_starts_at_in_window", "starts_at", is_datetime=True),
            ends_after_start("visit_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_by__gt="")
                | (~Q(status="cancelled") & Q(cancelled_by="")),
                name="visit_cancelled_by_whom",
            ),
        ]

    def __str__(self):
        return f"{self.right} · {self.starts_at:%d/%m/%Y %H:%M}"
