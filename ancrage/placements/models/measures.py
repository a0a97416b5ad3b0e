"""Protection measures (the legal frame of a child's care) and the documents behind them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import CreatedRecord, end_not_before_start
from ancrage.organisation.models import departement_code


class ProtectionMeasureQuerySet(models.QuerySet):
    def in_force(self, day=None):
        """Measures covering `day`; a measure's end date is its last day (a renewal starts the
        day after)."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class ProtectionMeasure(CreatedRecord):
    """The legal frame of a child's care: who decided, on what basis, until when."""

    class LegalBasis(models.TextChoices):
        JUDICIAL_PLACEMENT = (
            "judicial_placement",
            _("Placement judiciaire (Code civil, art. 375 et s.)"),
        )
        ADMINISTRATIVE_AGREEMENT = (
            "administrative_agreement",
            _("Accueil provisoire (accord avec la famille)"),
        )
        YOUNG_ADULT_SUPPORT = "young_adult_support", _("Accompagnement jeune majeur (18-21 ans)")

    class Authority(models.TextChoices):
        JUVENILE_JUDGE = "juvenile_judge", _("Juge des enfants")
        DEPARTMENT_PRESIDENT = "department_president", _("Président du conseil départemental")

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="measures", verbose_name=_("enfant")
    )
    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("village"),
    )
    legal_basis = models.CharField(_("fondement"), max_length=30, choices=LegalBasis)
    authority = models.CharField(_("autorité qui décide"), max_length=30, choices=Authority)
    departement = models.CharField(
        _("département (ASE gardienne)"), max_length=3, validators=[departement_code]
    )
    ase_referent_name = models.CharField(_("référent ASE"), max_length=150, blank=True)
    ase_referent_contact = models.CharField(
        _("contact du référent ASE"), max_length=200, blank=True
    )
    start_date = models.DateField(_("début"), validators=[InRange("event")])
    end_date = models.DateField(_("fin"), null=True, blank=True, validators=[InRange("event")])
    review_date = models.DateField(
        _("échéance ou révision"), null=True, blank=True, validators=[InRange("event")]
    )
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renouvelle la mesure"),
    )
    # The measures the seed writes have no author: the field stays optional.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("créé par"),
    )

    objects = ProtectionMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("mesure de protection")
        verbose_name_plural = _("mesures de protection")
        constraints = [
            date_in_window("protectionmeasure_review_date_in_window", "review_date"),
            date_in_window("protectionmeasure_end_date_in_window", "end_date"),
            date_in_window("protectionmeasure_start_date_in_window", "start_date"),
            end_not_before_start("measure_dates_in_order"),
            end_not_before_start("measure_review_after_start", end="review_date"),
        ]

    def __str__(self):
        return f"{self.get_legal_basis_display()} · {self.start_date:%d/%m/%Y}"


class MeasureDocument(models.Model):
    """The judgment or the ASE decision behind a measure: a PDF or an image, stored outside the
    web root and served only through the access checks."""

    class Kind(models.TextChoices):
        JUDGMENT = "judgment", _("Jugement")
        ASE_DECISION = "ase_decision", _("Décision de l'ASE")
        OTHER = "other", _("Autre pièce")

    measure = models.ForeignKey(
        ProtectionMeasure, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("nature"), max_length=20, choices=Kind)
    file = models.FileField(_("fichier"), upload_to="measures/%Y/%m/")
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("pièce de la mesure")
        verbose_name_plural = _("pièces de la mesure")

    def __str__(self):
        return self.original_name
