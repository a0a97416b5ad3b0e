"""The child's project (PPE): one per child, in versions; a draft is edited, validating it
freezes it, each review produces a new validated version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.versions import Versioned
from ancrage.people.models import Person


class PPEQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(child__in=Person.objects.visible_to(user))


class PPE(models.Model):
    """The child's project: who is their referent, and its versions."""

    child = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="ppe", verbose_name=_("enfant")
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ppe_referent_of",
        verbose_name=_("référent de l'enfant"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PPEQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet pour l'enfant")
        verbose_name_plural = _("projets pour l'enfant")

    def __str__(self):
        return f"PPE · {self.child.reference}"


class PPEVersion(Versioned, models.Model):
    """One version of the project. Validated versions never change again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        VALIDATED = "validated", _("Validée")

    class WordsMissing(models.TextChoices):
        """Why the child's words on this version could not be collected."""

        AGE = "age", _("Trop jeune pour donner son avis")
        REFUSAL = "refusal", _("N'a pas souhaité s'exprimer")
        SITUATION = "situation", _("Sa situation ne l'a pas permis")

    ppe = models.ForeignKey(PPE, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT)
    validated_on = models.DateField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trusted_person_name = models.CharField(_("personne de confiance"), max_length=150, blank=True)
    trusted_person_relation = models.CharField(_("lien avec l'enfant"), max_length=100, blank=True)
    trusted_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne de confiance (fiche)"),
    )
    sibling_relations = models.TextField(_("relations avec les frères et sœurs"), blank=True)
    health_check_date = models.DateField(_("bilan de santé d'entrée le"), null=True, blank=True)
    health_check_by = models.CharField(_("réalisé par"), max_length=150, blank=True)
    health_check_summary = models.TextField(_("synthèse du bilan de santé"), blank=True)
    # The child's words on this version, collected before it is validated (or why they could
    # not be): never copied into the next version, each version asks again.
    child_views = models.TextField(_("ce que l'enfant dit de son projet (ses mots)"), blank=True)
    child_views_missing = models.CharField(
        _("pourquoi ses mots n'ont pas pu être recueillis"),
        max_length=10,
        choices=WordsMissing,
        blank=True,
    )
    child_views_missing_detail = models.TextField(_("précisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ppe", "-number"]
        verbose_name = _("version du PPE")
        verbose_name_plural = _("versions du PPE")
        constraints = [
            models.UniqueConstraint(fields=["ppe", "number"], name="ppe_version_number_unique"),
            models.UniqueConstraint(
                fields=["ppe"], condition=Q(status="draft"), name="ppe_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", validated_on__isnull=True)
                | Q(status="validated", validated_on__isnull=False),
                name="ppe_validated_has_date",
            ),
            # The child's words or the reason they are missing, never both.
            models.CheckConstraint(
                condition=Q(child_views="") | Q(child_views_missing=""),
                name="ppe_child_views_or_reason",
            ),
        ]
        indexes = [models.Index(fields=["ppe", "status"], name="ppe_version_status_idx")]

    def __str__(self):
        return f"{self.ppe} · v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.VALIDATED

    @property
    def has_child_words(self) -> bool:
        """The child's words, or why they could not be collected, are recorded."""
        return bool(self.child_views or self.child_views_missing)


class Objective(Versioned, models.Model):
    """An objective of one version, in one of the five domains of the PPE."""

    class Domain(models.TextChoices):
        HEALTH = "health", _("Santé")
        SCHOOLING = "schooling", _("Scolarité et formation")
        EMOTIONAL = "emotional", _("Sécurité affective et relations")
        DAILY_LIFE = "daily_life", _("Vie quotidienne et loisirs")
        AUTONOMY = "autonomy", _("Autonomie")

    version = models.ForeignKey(PPEVersion, on_delete=models.CASCADE, related_name="objectives")
    domain = models.CharField(_("domaine"), max_length=20, choices=Domain)
    title = models.CharField(_("objectif"), max_length=200)
    description = models.TextField(_("précisions"), blank=True)

    class Meta:
        ordering = ["version", "domain", "pk"]
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")

    def __str__(self):
        return self.title


class Action(Versioned, models.Model):
    """Who does what for an objective, by when."""

    class Actor(models.TextChoices):
        CHILD = "child", _("L'enfant")
        PARENTS = "parents", _("Les parents")
        HOUSE_STAFF = "house_staff", _("L'équipe de la maison")
        ASE = "ase", _("L'ASE")
        PARTNER = "partner", _("Un partenaire")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        ABANDONED = "abandoned", _("Abandonnée")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    actor = models.CharField(_("qui agit"), max_length=20, choices=Actor)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=15, choices=Status, default=Status.PLANNED)

    class Meta:
        # dated actions first, by date, then the undated ones: the same order on SQLite and
        # PostgreSQL (they disagree on where NULL sorts)
        ordering = ["objective", models.F("due_date").asc(nulls_last=True), "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.description


class Review(models.Model):
    """A PPE review (or the autonomy interview) and what the child said."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Révision du PPE")
        AUTONOMY_INTERVIEW = "autonomy_interview", _("Entretien d'autonomie")

    ppe = models.ForeignKey(PPE, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind, default=Kind.REGULAR)
    planned_date = models.DateField(_("date prévue"))
    held_on = models.DateField(_("tenue le"), validators=[InRange("event")])
    participants = models.TextField(_("participants"))
    child_wishes = models.TextField(_("ce que l'enfant souhaite (ses mots)"), blank=True)
    child_disagreements = models.TextField(
        _("ce avec quoi l'enfant n'est pas d'accord (ses mots)"), blank=True
    )
    child_declined_to_speak = models.BooleanField(
        _("l'enfant n'a pas souhaité s'exprimer"), default=False
    )
    decisions = models.TextField(_("décisions"))
    next_review_date = models.DateField(_("prochaine révision"), null=True, blank=True)
    resulting_version = models.OneToOneField(
        PPEVersion,
        on_delete=models.PROTECT,
        related_name="review",
        verbose_name=_("version issue de la révision"),
    )
    report = models.ForeignKey(
        "care.SituationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("rapport de situation"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("révision du PPE")
        verbose_name_plural = _("révisions du PPE")
        constraints = [
            date_in_window("review_held_on_in_window", "held_on"),
            # The child's words, or the record that they did not wish to speak: one or the other.
            models.CheckConstraint(
                condition=(
                    Q(child_declined_to_speak=True) & Q(child_wishes="") & Q(child_disagreements="")
                )
                | (
                    Q(child_declined_to_speak=False)
                    & (~Q(child_wishes="") | ~Q(child_disagreements=""))
                ),
                name="review_child_words_or_declined",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.held_on:%d/%m/%Y}"


class PlannedReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(review__isnull=True)


class PlannedReview(models.Model):
    """A review planned ahead (by the head of service or the director, or from the next review
    date recorded at the previous one); holding it records the Review and closes it."""

    ppe = models.ForeignKey(PPE, on_delete=models.CASCADE, related_name="planned_reviews")
    planned_date = models.DateField(_("date prévue"), validators=[InRange("event")])
    participants = models.TextField(_("participants prévus"), blank=True)
    review = models.OneToOneField(
        Review,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned",
        verbose_name=_("révision tenue"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlannedReviewQuerySet.as_manager()

    class Meta:
        ordering = ["ppe", "planned_date", "pk"]
        verbose_name = _("révision prévue")
        verbose_name_plural = _("révisions prévues")
        indexes = [models.Index(fields=["ppe", "planned_date"], name="planned_review_date_idx")]
        constraints = [
            date_in_window("plannedreview_planned_date_in_window", "planned_date"),
        ]

    def __str__(self):
        return f"{self.ppe} · {self.planned_date:%d/%m/%Y}"

    @property
    def is_held(self) -> bool:
        return self.review_id is not None
