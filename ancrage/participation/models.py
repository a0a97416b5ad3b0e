"""Children's voice: the youth space's setting per establishment (the age from which a young
person has an account), what a young person writes to her referent, and the concerns she
raises (each one a safeguarding report)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.people.models import Person

# The age from which a young person has an account, where the establishment sets nothing.
DEFAULT_YOUTH_ACCOUNT_AGE = 16


class YouthSpaceSetting(models.Model):
    """The age from which the young people of an establishment have their own space."""

    establishment = models.OneToOneField(
        "organisation.Establishment",
        on_delete=models.CASCADE,
        related_name="youth_space_setting",
        verbose_name=_("établissement"),
    )
    youth_account_age = models.PositiveSmallIntegerField(
        _("âge d'ouverture de l'espace jeune"),
        default=DEFAULT_YOUTH_ACCOUNT_AGE,
        validators=[MinValueValidator(11), MaxValueValidator(21)],
        help_text=_("16 ans par défaut ; entre 11 et 21 ans."),
    )

    class Meta:
        verbose_name = _("réglage de l'espace jeune")
        verbose_name_plural = _("réglages de l'espace jeune")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(youth_account_age__gte=11, youth_account_age__lte=21),
                name="youth_account_age_in_range",
            )
        ]

    def __str__(self):
        return f"{self.establishment} · {self.youth_account_age}"


class YouthMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The messages of the young people this user may see."""
        return self.filter(person__in=Person.objects.visible_to(user).values("pk"))


class YouthMessage(models.Model):
    """What a young person writes to her referent from her space."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="youth_messages",
        verbose_name=_("jeune"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # her referent when she wrote (the head of service of her village reads it otherwise)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="youth_messages_received",
        verbose_name=_("destinataire"),
    )
    text = models.TextField(_("message"), max_length=4000)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    objects = YouthMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("message d'un jeune")
        verbose_name_plural = _("messages des jeunes")

    def __str__(self):
        return f"{self.person.reference} · {self.sent_at:%d/%m/%Y}"


class Concern(models.Model):
    """A concern a young person raised in her space: the safeguarding report it became, and
    what she may know of it (received, by whom it is handled), never the investigation."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="youth_concerns",
        verbose_name=_("jeune"),
    )
    about_self = models.BooleanField(_("au sujet de sa propre sécurité"))
    incident = models.OneToOneField(
        "safeguarding.Incident",
        on_delete=models.PROTECT,
        related_name="youth_concern",
        verbose_name=_("signalement"),
    )
    raised_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("inquiétude d'un jeune")
        verbose_name_plural = _("inquiétudes des jeunes")

    def __str__(self):
        return f"{self.person.reference} · {self.raised_at:%d/%m/%Y}"
