"""Admission requests: the ASE asks a village to take in a sibling group (the waiting list)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.organisation.models import departement_code


class AdmissionRequest(models.Model):
    """The ASE asks a village to take in a sibling group."""

    class Urgency(models.IntegerChoices):
        EMERGENCY = 1, _("Urgence")
        PRIORITY = 2, _("Prioritaire")
        NORMAL = 3, _("Normale")

    class Status(models.TextChoices):
        WAITING = "waiting", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="admission_requests",
        verbose_name=_("village"),
    )
    children = models.ManyToManyField(
        "people.Person", related_name="admission_requests", verbose_name=_("enfants")
    )
    received_on = models.DateField(_("reçue le"), default=timezone.localdate)
    urgency = models.PositiveSmallIntegerField(
        _("urgence"), choices=Urgency, default=Urgency.NORMAL
    )
    departement = models.CharField(
        _("département demandeur"), max_length=3, validators=[departement_code]
    )
    ase_referent_name = models.CharField(_("référent ASE"), max_length=150, blank=True)
    ase_referent_contact = models.CharField(
        _("contact du référent ASE"), max_length=200, blank=True
    )
    needs = models.TextField(
        _("besoins des enfants"), blank=True, help_text=_("Santé, handicap, scolarité…")
    )
    visit_arrangements = models.TextField(_("droits de visite et d'hébergement prévus"), blank=True)
    wished_start_date = models.DateField(
        _("arrivée souhaitée"), null=True, blank=True, validators=[InRange("event")]
    )
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.WAITING)
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        # The waiting list: most urgent first, then the oldest.
        ordering = ["urgency", "received_on", "pk"]
        verbose_name = _("demande d'admission")
        verbose_name_plural = _("demandes d'admission")
        constraints = [
            date_in_window("admissionrequest_wished_start_date_in_window", "wished_start_date"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="admission_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", decided_on__isnull=True)
                | (~Q(status="waiting") & Q(decided_on__isnull=False)),
                name="admission_decided_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.establishment} · {self.received_on:%d/%m/%Y}"
