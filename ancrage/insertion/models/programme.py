"""The O2R programme: the agreement with the préfet, the call's figures (amount, years, the
accompaniment's months), the priority publics, and the queryset that scopes every O2R record to
the user's team (a counsellor) or service (the O2R lead)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.models import ends_after_start
from ancrage.kernel.scopes import reach
from ancrage.kernel.versions import Versioned

MINIMUM_AGREEMENT_EUROS = 150_000
AGREEMENT_YEARS = 3
ACCOMPANIMENT_MONTHS = 9
EXTENDED_ACCOMPANIMENT_MONTHS = 12
NO_CONTACT_MONTHS = 5
ALERT_DAYS_BEFORE_LIMIT = 30


class ScopedQuerySet(models.QuerySet):
    """O2R records of a team and its service: a counsellor reaches their team's, the O2R lead
    their service's, as the permission table grants `scope_kind`."""

    scope_kind = "beneficiary"

    def visible_to(self, user):
        where = reach(user, self.scope_kind)
        if not where:
            return self.none()
        return self.filter(where.filter(unit="team_id", establishment="service_id"))


class PriorityPublic(models.TextChoices):
    UNDER_26 = "under_26", _("Moins de 26 ans en rupture")
    AGED_55_PLUS = "aged_55_plus", _("55 ans et plus")
    LONG_TERM_JOBSEEKER = "long_term_jobseeker", _("Demandeur d'emploi de longue durée (DELD)")
    RURAL_ISOLATED = "rural_isolated", _("Rural isolé des institutions")
    MENTAL_HEALTH = "mental_health", _("Santé mentale ou addictions")
    ALLOPHONE = "allophone", _("Allophone ou illettrisme")
    NO_STABLE_HOUSING = "no_stable_housing", _("Sans logement stable")
    WOMAN = "woman", _("Femme")
    QPV = "qpv", _("Résident d'un QPV")
    ZRR = "zrr", _("Résident d'une ZRR")
    LEFT_CHILD_PROTECTION = "left_child_protection", _("Sorti de la protection de l'enfance")


# Flags worked out from the birth date on the consent date, where the programme's call makes
# them a priority in the beneficiary's département: never typed.
AGE_FLAGS = (PriorityPublic.UNDER_26, PriorityPublic.AGED_55_PLUS)
# Worked out from the person's recorded sex: never typed.
DERIVED_FLAGS = (*AGE_FLAGS, PriorityPublic.WOMAN)
TYPED_FLAGS = tuple(flag for flag in PriorityPublic if flag not in DERIVED_FLAGS)


class Programme(models.Model):
    """An O2R agreement with the préfet de région, answering a call, carried by one
    organisation or by a consortium (every member co-responsible, one lead)."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    call = models.CharField(_("appel à manifestation d'intérêt"), max_length=300)
    region = models.CharField(_("région"), max_length=100)
    departements = models.CharField(
        _("départements"), max_length=100, help_text=_("Codes séparés par des virgules.")
    )
    efop_territories = models.ManyToManyField(
        "organisation.EfopTerritory",
        related_name="o2r_programmes",
        verbose_name=_("territoires EFOP"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    agreement_amount = models.DecimalField(
        _("montant de la convention (€)"), max_digits=12, decimal_places=2
    )
    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="o2r_programmes",
        verbose_name=_("porteur"),
    )
    consortium = models.ForeignKey(
        "organisation.Consortium",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="o2r_programmes",
        verbose_name=_("consortium"),
    )
    services = models.ManyToManyField(
        "organisation.Establishment", related_name="o2r_programmes", verbose_name=_("services O2R")
    )
    target_publics = models.JSONField(_("publics cibles"), default=list, blank=True)
    # {age public: [département codes]}: where the call makes that age public a priority (the
    # Pays de la Loire call: under 26 in 44, 49, 53 and 72; 55 and over in 53 and 72). A target
    # age public without an entry is a priority in all of the programme's départements.
    priority_departements = models.JSONField(
        _("départements prioritaires par public"), default=dict, blank=True
    )

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("programme O2R")
        verbose_name_plural = _("programmes O2R")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, consortium__isnull=False)
                | Q(organisation__isnull=False, consortium__isnull=True),
                name="programme_one_carrier",
            ),
            models.CheckConstraint(
                condition=Q(agreement_amount__gte=MINIMUM_AGREEMENT_EUROS),
                name="programme_minimum_amount",
            ),
            ends_after_start("programme_period_order", start="start_date", end="end_date"),
        ]

    def __str__(self):
        return self.name

    def target_public_labels(self):
        return [PriorityPublic(flag).label for flag in self.target_publics]

    def departement_codes(self) -> list[str]:
        return [code.strip() for code in self.departements.split(",") if code.strip()]

    def gives_priority(self, public, departement: str | None) -> bool:
        """Whether the call makes `public` a priority in `departement` (a code)."""
        if public not in self.target_publics:
            return False
        where = self.priority_departements.get(public)
        return departement in (where if where else self.departement_codes())


class Target(Versioned, models.Model):
    """What a member promised for one year of the agreement (the chef de file enters them from
    the agreement); the programme's target is the sum of its members'. Empty: no target."""

    class Indicator(models.TextChoices):
        REACHED = "reached", _("Personnes repérées")
        REMOBILISED = "remobilised", _("Personnes remobilisées")
        ACCOMPANIED = "accompanied", _("Personnes accompagnées")
        POSITIVE_EXITS = "positive_exits", _("Sorties positives")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("membre"),
    )
    year = models.PositiveSmallIntegerField(_("année de la convention"))
    reached = models.PositiveIntegerField(Indicator.REACHED.label, null=True, blank=True)
    remobilised = models.PositiveIntegerField(Indicator.REMOBILISED.label, null=True, blank=True)
    accompanied = models.PositiveIntegerField(Indicator.ACCOMPANIED.label, null=True, blank=True)
    positive_exits = models.PositiveIntegerField(
        Indicator.POSITIVE_EXITS.label, null=True, blank=True
    )

    class Meta:
        ordering = ["programme", "year", "organisation__name"]
        verbose_name = _("objectif de la convention")
        verbose_name_plural = _("objectifs de la convention")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "year"], name="target_once_per_member_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1, year__lte=AGREEMENT_YEARS), name="target_year_in_agreement"
            ),
        ]

    def __str__(self):
        return f"{self.programme} · {self.year}"
