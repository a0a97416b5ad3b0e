"""Children's voice: the youth space's setting per establishment (the age from which a young
person has an account)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
