"""Protection measures, admission requests, stays in family houses, the sibling rule's
justifications and judge notifications, family visit rights and visits."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.organisation.models import departement_code


class ProtectionMeasureQuerySet(models.QuerySet):
    def in_force(self, day=None):
        """Measures covering `day`; a measure's end date is its last day (a renewal starts the
        day after)."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class ProtectionMeasure(models.Model):
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
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    review_date = models.DateField(_("échéance ou révision"), null=True, blank=True)
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renouvelle la mesure"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProtectionMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("mesure de protection")
        verbose_name_plural = _("mesures de protection")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="measure_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(review_date__isnull=True) | Q(review_date__gte=models.F("start_date")),
                name="measure_review_after_start",
            ),
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
    wished_start_date = models.DateField(_("arrivée souhaitée"), null=True, blank=True)
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


class StayQuerySet(models.QuerySet):
    def current(self, day=None):
        """Stays covering `day` (today by default); the end date is the day of departure."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gt=day))

    def overlapping(self, start, end=None):
        """Stays sharing at least one day with [start, end) (end None: open-ended)."""
        queryset = self.filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        if end is not None:
            queryset = queryset.filter(start_date__lt=end)
        return queryset


class Stay(models.Model):
    """A child lives in one house from `start_date` (arrival) to `end_date` (the day they leave,
    empty while they live there). Moves and exits close a stay; the history stays."""

    class ExitReason(models.TextChoices):
        RETURN_TO_FAMILY = "return_to_family", _("Retour en famille")
        OTHER_PLACEMENT = "other_placement", _("Autre lieu de placement")
        MOVE = "move", _("Changement de maison")
        MAJORITY = "majority", _("Majorité")
        AUTONOMY = "autonomy", _("Départ en autonomie")
        OTHER = "other", _("Autre")

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="stays", verbose_name=_("enfant")
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="stays",
        verbose_name=_("maison"),
    )
    measure = models.ForeignKey(
        ProtectionMeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stays",
        verbose_name=_("mesure"),
    )
    admission = models.ForeignKey(
        AdmissionRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stays",
        verbose_name=_("demande d'admission"),
    )
    start_date = models.DateField(_("arrivée"))
    end_date = models.DateField(_("départ"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=30, choices=ExitReason, blank=True
    )
    exit_note = models.TextField(_("précisions sur la sortie"), blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("séjour")
        verbose_name_plural = _("séjours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="stay_dates_in_order",
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(exit_reason=""))
                | (Q(end_date__isnull=False) & ~Q(exit_reason="")),
                name="stay_end_and_reason_together",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "end_date"], name="stay_unit_end_idx"),
            models.Index(fields=["child", "start_date"], name="stay_child_start_idx"),
        ]

    def __str__(self):
        return f"{self.child} · {self.unit} · {self.start_date:%d/%m/%Y}"


class SiblingSeparation(models.Model):
    """Why a child does not live with a placed brother or sister (Code civil art. 371-5): the
    recorded justification that any separating admission or move requires."""

    class Reason(models.TextChoices):
        NO_ROOM_TOGETHER = (
            "no_room_together",
            _("Pas de maison pouvant accueillir toute la fratrie"),
        )
        CHILD_INTEREST = "child_interest", _("Intérêt de l'un des enfants (évaluation)")
        JUDGE_DECISION = "judge_decision", _("Décision du juge")
        AGE_OR_NEEDS = "age_or_needs", _("Âge ou besoins incompatibles avec une même maison")
        CONFLICT = "conflict", _("Relations conflictuelles ou danger entre enfants")
        CHILD_WISH = "child_wish", _("Souhait exprimé par l'enfant")
        OTHER = "other", _("Autre motif")

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="separations",
        verbose_name=_("enfant"),
    )
    sibling = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("frère ou sœur")
    )
    stay = models.ForeignKey(
        Stay, on_delete=models.PROTECT, related_name="separations", verbose_name=_("séjour")
    )
    reason = models.CharField(_("motif"), max_length=30, choices=Reason)
    explanation = models.TextField(_("explication"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("séparation de fratrie justifiée")
        verbose_name_plural = _("séparations de fratrie justifiées")
        constraints = [
            models.CheckConstraint(
                condition=~Q(child=models.F("sibling")), name="separation_not_self"
            ),
            models.CheckConstraint(condition=~Q(explanation=""), name="separation_explained"),
        ]

    def __str__(self):
        return f"{self.child} / {self.sibling} · {self.get_reason_display()}"


class JudgeNotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_on__isnull=True)

    def overdue(self, day=None):
        return self.pending().filter(due_date__lt=day or timezone.localdate())


class JudgeNotification(models.Model):
    """A task the sibling rule or a change of placement creates: inform the judge in time."""

    class Kind(models.TextChoices):
        SEPARATION = "separation", _("Informer le juge d'une séparation de fratrie (48 h)")
        PLACEMENT_CHANGE = (
            "placement_change",
            _("Aviser le juge d'un changement de lieu de placement (1 mois avant)"),
        )
        EMERGENCY_PLACEMENT_CHANGE = (
            "emergency_placement_change",
            _("Aviser le juge d'un changement de lieu de placement en urgence (48 h)"),
        )

    DELAYS = {
        Kind.SEPARATION: timedelta(hours=48),
        Kind.EMERGENCY_PLACEMENT_CHANGE: timedelta(hours=48),
    }

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="judge_notifications",
        verbose_name=_("enfant"),
    )
    establishment = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="judge_notifications"
    )
    kind = models.CharField(_("objet"), max_length=30, choices=Kind)
    due_date = models.DateField(_("à faire au plus tard le"))
    event_date = models.DateField(_("date de l'événement"))
    stay = models.ForeignKey(
        Stay, on_delete=models.PROTECT, null=True, related_name="judge_notifications"
    )
    sent_on = models.DateField(_("fait le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JudgeNotificationQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("information du juge")
        verbose_name_plural = _("informations du juge")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.child} · {self.due_date:%d/%m/%Y}"


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
    start_date = models.DateField(_("depuis le"))
    end_date = models.DateField(_("jusqu'au"), null=True, blank=True)

    objects = VisitRightQuerySet.as_manager()

    class Meta:
        ordering = ["child", "relative"]
        verbose_name = _("droit de visite")
        verbose_name_plural = _("droits de visite")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode="mediated") | ~Q(third_party=""),
                name="visit_right_mediated_names_third_party",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="visit_right_dates_in_order",
            ),
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
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
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
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_by__gt="")
                | (~Q(status="cancelled") & Q(cancelled_by="")),
                name="visit_cancelled_by_whom",
            ),
        ]

    def __str__(self):
        return f"{self.right} · {self.starts_at:%d/%m/%Y %H:%M}"
