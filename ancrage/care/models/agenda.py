"""A child's appointments (health, school, court hearing, ASE meeting, family visit, other) and
the personal ICS feed of each staff member.

Appointments are read through `Appointment.objects.visible_to(user)`: those of the children the
user may see. The feed's secret token is never stored, only its SHA-256 hash.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import CreatedRecord, ends_after_start
from ancrage.kernel.versions import Versioned
from ancrage.people.models import Person


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The appointments of the children this user may see (Person.objects.visible_to)."""
        return self.filter(child__in=Person.objects.visible_to(user).values("pk"))

    def planned(self):
        return self.filter(status=Appointment.Status.PLANNED)

    def between(self, start, end):
        return self.filter(starts_at__gte=start, starts_at__lt=end)


class Appointment(Versioned, CreatedRecord):
    class Kind(models.TextChoices):
        HEALTH = "health", _("Santé")
        SCHOOL = "school", _("Scolarité")
        COURT = "court", _("Audience au tribunal")
        ASE_MEETING = "ase_meeting", _("Rencontre ASE")
        FAMILY_VISIT = "family_visit", _("Visite en famille")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévu")
        CANCELLED = "cancelled", _("Annulé")

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("enfant"),
    )
    kind = models.CharField(_("type de rendez-vous"), max_length=20, choices=Kind)
    starts_at = models.DateTimeField(_("début"), validators=[InRange("event")])
    ends_at = models.DateTimeField(_("fin"), validators=[InRange("event")])
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    with_whom = models.CharField(_("avec qui"), max_length=200, blank=True)
    accompanied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompanied_appointments",
        verbose_name=_("accompagné par"),
    )
    # Sensitive (health, court): shown on the pages to the roles that read notes, never in a feed.
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status, default=Status.PLANNED, db_index=True
    )
    cancellation_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)
    # no reverse accessor on the user
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créé par"),
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        indexes = [
            models.Index(fields=["child", "starts_at"], name="appointment_child_at_idx"),
            models.Index(fields=["accompanied_by", "starts_at"], name="appointment_staff_at_idx"),
        ]
        constraints = [
            date_in_window("appointment_ends_at_in_window", "ends_at", is_datetime=True),
            date_in_window("appointment_starts_at_in_window", "starts_at", is_datetime=True),
            ends_after_start("appointment_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancellation_reason=""),
                name="appointment_reason_only_when_cancelled",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.starts_at:%d/%m/%Y %H:%M}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A staff member's personal ICS feed: the hash of its secret token. Regenerating replaces
    the hash (the old link stops working); revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_fetched_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)
    fetch_count = models.PositiveIntegerField(_("nombre de lectures"), default=0)

    class Meta:
        verbose_name = _("agenda personnel (ICS)")
        verbose_name_plural = _("agendas personnels (ICS)")

    def __str__(self):
        return f"{self.user} · {self.created_at:%d/%m/%Y}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class CalendarFeedFetch(models.Model):
    """One reading of a feed by a calendar application: who (the feed's owner) and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_fetches"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    events = models.PositiveIntegerField(_("événements servis"), default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("lecture de l'agenda ICS")
        verbose_name_plural = _("lectures de l'agenda ICS")
        indexes = [models.Index(fields=["user", "-at"], name="feed_fetch_user_at_idx")]

    def __str__(self):
        return f"{self.user} · {self.at:%d/%m/%Y %H:%M}"
