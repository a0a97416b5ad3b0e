"""Remobilisation activities, individual or collective, and who attended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.beneficiary import Beneficiary
from ancrage.insertion.models.programme import Programme, ScopedQuerySet
from ancrage.kernel.dates import InRange, date_in_window


class ActivityQuerySet(ScopedQuerySet):
    scope_kind = "activity"


class Activity(models.Model):
    """A remobilisation activity, individual or collective, and who attended."""

    class Format(models.TextChoices):
        INDIVIDUAL = "individual", _("Individuelle")
        COLLECTIVE = "collective", _("Collective")

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Atelier")
        SESSION = "session", _("Séance")
        INTERVIEW = "interview", _("Entretien")
        OUTING = "outing", _("Sortie")

    # The programme of its attendees (a service may run two): the report counts it there.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="activities")
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    format = models.CharField(_("forme"), max_length=20, choices=Format)
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"), validators=[InRange("event")])
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    attendees = models.ManyToManyField(Beneficiary, through="Attendance", related_name="activities")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activité de remobilisation")
        verbose_name_plural = _("activités de remobilisation")
        constraints = [
            date_in_window("activity_date_in_window", "date"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="activity_has_duration"
            ),
        ]
        indexes = [models.Index(fields=["team", "-date"], name="activity_team_date_idx")]

    def __str__(self):
        return f"{self.title} · {self.date:%d/%m/%Y}"


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="attendance"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "beneficiary"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} @ {self.activity_id}"
