"""Referrals of a young person (16 or over) from a village to the O2R service, with their
consent to share their data with it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.beneficiary import Beneficiary
from ancrage.kernel.scopes import reach


class VillageReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals sent to the user's O2R service: the service of a counsellor's team, the
        O2R lead's service."""
        where = reach(user, "beneficiary")
        if not where:
            return self.none()
        return self.filter(service_id__in=sorted(where.establishments_worked_in))


class VillageReferral(models.Model):
    """A young person (16 or over) of a village referred to the O2R service with their consent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Accueilli")

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="o2r_referrals"
    )
    village = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service O2R"),
    )
    # The young person's consent to share their data with the service, one of their consents
    # (`people.Consent`, kind "partage avec un partenaire"): withdrawn, the referral is no
    # longer welcomed.
    consent = models.OneToOneField(
        "people.Consent",
        on_delete=models.PROTECT,
        related_name="village_referral",
        verbose_name=_("consentement au partage"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("état"), max_length=20, choices=Status, default=Status.PENDING)
    beneficiary = models.OneToOneField(
        Beneficiary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="village_referral",
    )

    objects = VillageReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "service"],
                condition=Q(status="pending"),
                name="referral_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.service_id}"
