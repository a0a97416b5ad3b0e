"""Who runs what, and where: associations, their establishments and their units."""

from collections.abc import Callable

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.text import by_name

departement_code = RegexValidator(
    r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$",
    _("Saisissez un code de département valide (par exemple 44, 2A ou 974)."),
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        PUBLIC_BODY = "public_body", _("Organisme public")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind, default=Kind.ASSOCIATION)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("Le SIREN compte 9 chiffres."))],
    )

    class Meta:
        ordering = by_name("name")
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Consortium(models.Model):
    """Several organisations answering an O2R call together, one of them the lead (chef de file)."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_consortia",
        verbose_name=_("chef de file"),
    )
    members = models.ManyToManyField(
        Organisation, related_name="consortia", verbose_name=_("membres"), blank=True
    )

    class Meta:
        ordering = by_name("name")
        verbose_name = _("consortium")
        verbose_name_plural = _("consortiums")

    def __str__(self):
        return self.name


class EfopTerritory(models.Model):
    """A territoire emploi-formation-orientation professionnelle, such as "44 Centre"."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    departement = models.CharField(_("département"), max_length=3, validators=[departement_code])

    class Meta:
        ordering = by_name("name")
        verbose_name = _("territoire EFOP")
        verbose_name_plural = _("territoires EFOP")

    def __str__(self):
        return self.name


class Establishment(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village d'enfants")
        O2R_SERVICE = "o2r_service", _("Service O2R (repérage et remobilisation)")
        FAMILY_STRENGTHENING = "family_strengthening", _("Service de renforcement familial")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="establishments",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("type"), max_length=30, choices=Kind)
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(
        _("code postal"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Le code postal compte 5 chiffres."))],
    )
    commune = models.CharField(_("commune"), max_length=100)
    departement = models.CharField(_("département"), max_length=3, validators=[departement_code])
    efop_territory = models.ForeignKey(
        EfopTerritory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="establishments",
        verbose_name=_("territoire EFOP"),
    )

    class Meta:
        ordering = by_name("name")
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="establishment_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


# What a higher app knows about a unit that a change must respect (the children placed in a
# house, for its capacity and its closing): each check receives the unit about to be saved, and
# raises a ValidationError keyed by field. Registered in the apps' `ready()` (placements).
UNIT_CHECKS: list[Callable[["Unit"], None]] = []


def register_unit_check(check: Callable[["Unit"], None]) -> None:
    if check not in UNIT_CHECKS:
        UNIT_CHECKS.append(check)


class UnitQuerySet(models.QuerySet):
    def houses(self):
        return self.filter(kind=Unit.Kind.HOUSE)


class Unit(models.Model):
    """A family house of a village (with its capacity) or a team of an O2R service."""

    class Kind(models.TextChoices):
        HOUSE = "house", _("Maison familiale")
        O2R_TEAM = "o2r_team", _("Équipe O2R")
        TEAM = "team", _("Équipe")

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("établissement"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    name = models.CharField(_("nom"), max_length=120)
    capacity = models.PositiveSmallIntegerField(
        _("capacité"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Nombre d'enfants accueillis au plus (maisons familiales)."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = by_name("establishment__name", "name")
        verbose_name = _("unité")
        verbose_name_plural = _("unités")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="unit_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="unit_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.establishment.name})"

    def clean(self):
        # the admin's forms (the only page that edits a unit) call it before saving
        super().clean()
        for check in UNIT_CHECKS:
            check(self)
