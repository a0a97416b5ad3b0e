"""Family strengthening: a family referred to the programme, its household (parents and children,
persons of the registry) and the decision to support it.

Every read of a family goes through `FamilyCase.objects.visible_to(user)`: a family worker sees
the families of their team, the programme's head (head of service or director of the
family-strengthening service) all of the service's, and village staff a family only when one of
its children is placed with them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.kernel import calendar
from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.scopes import reach
from ancrage.kernel.versions import Versioned
from ancrage.placements.models import Stay


class FamilyCaseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The families of the user's team or service; for village staff, the families one of
        whose children lives in their house today or has stayed in their village."""
        where = reach(user, "family_case", action)
        if not where:
            return self.none()
        condition = where.filter(unit="team_id", establishment="service_id")
        placed = None
        if where.units:
            placed = Stay.objects.current().filter(unit_id__in=sorted(where.units))
        if where.establishments:
            stayed = Stay.objects.filter(unit__establishment_id__in=sorted(where.establishments))
            placed = stayed if placed is None else (placed | stayed)
        if placed is not None:
            condition |= Q(
                pk__in=FamilyMember.objects.filter(
                    role=FamilyMember.Role.CHILD, person_id__in=placed.values("child_id")
                ).values("case_id")
            )
        return self.filter(condition)

    def of_programme(self, user, action: str = "view", kind: str = "family_case"):
        """The families of the user's team or service only (not those seen through a child
        placed in a village): the programme's own work, as `kind` grants `action` on it."""
        where = reach(user, kind, action)
        if not where:
            return self.none()
        return self.filter(where.filter(unit="team_id", establishment="service_id"))


class FamilyCase(Versioned, models.Model):
    """A family referred to the programme: who referred it, why, the parents' consent, the
    decision to support it (or not, with the reason) and the worker assigned."""

    class Referrer(models.TextChoices):
        ASE = "ase", _("Aide sociale à l'enfance (ASE) du département")
        PMI = "pmi", _("Protection maternelle et infantile (PMI)")
        SCHOOL = "school", _("École ou établissement scolaire")
        SOCIAL_WORKER = "social_worker", _("Travailleur social (service social de secteur…)")
        FAMILY = "family", _("La famille elle-même")
        JUDGE_AED = "judge_aed", _("Mesure d'aide éducative à domicile (AED)")
        JUDGE_AEMO = "judge_aemo", _("Mesure judiciaire d'AEMO (juge des enfants)")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        REFERRED = "referred", _("Orientée, décision à prendre")
        SUPPORTED = "supported", _("Accompagnée")
        DECLINED = "declined", _("Non retenue")
        ENDED = "ended", _("Accompagnement terminé")

    class EndReason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("Objectifs atteints")
        MOVED = "moved", _("La famille a déménagé")
        WITHDREW = "withdrew", _("La famille a mis fin à l'accompagnement")
        CHILD_PLACED = "child_placed", _("Un enfant a été placé")
        OTHER = "other", _("Autre")

    service = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    name = models.CharField(_("nom de la famille"), max_length=150)
    referrer = models.CharField(_("orientée par"), max_length=20, choices=Referrer)
    referrer_detail = models.CharField(
        _("précisions sur l'orienteur"),
        max_length=200,
        blank=True,
        help_text=_("Le service, l'école, le magistrat… (sans nom de personne suivie)."),
    )
    referred_on = models.DateField(_("orientée le"), validators=[InRange("past")])
    reasons = models.TextField(_("motifs de l'orientation"))
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    parents_consent = models.BooleanField(_("les parents ont donné leur accord"), default=False)
    consent_on = models.DateField(
        _("accord recueilli le"), null=True, blank=True, validators=[InRange("past")]
    )
    status = models.CharField(_("état"), max_length=20, choices=Status, default=Status.REFERRED)
    decided_on = models.DateField(
        _("décision prise le"), null=True, blank=True, validators=[InRange("past")]
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_cases",
        verbose_name=_("intervenant·e référent·e"),
    )
    ended_on = models.DateField(
        _("fin de l'accompagnement le"), null=True, blank=True, validators=[InRange("past")]
    )
    end_reason = models.CharField(_("motif de fin"), max_length=20, choices=EndReason, blank=True)
    outcome = models.TextField(_("bilan établi avec la famille"), blank=True)
    admission = models.ForeignKey(
        "placements.AdmissionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande d'admission dans un village"),
    )
    # Six months after the end (kernel.calendar.add_months), kept by save() for SQL filters.
    follow_up_due = models.DateField(_("suivi à 6 mois le"), null=True, blank=True, editable=False)
    followed_up_on = models.DateField(
        _("suivi à 6 mois fait le"), null=True, blank=True, validators=[InRange("past")]
    )
    follow_up_notes = models.TextField(_("ce que devient la famille"), blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suivi fait par"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FamilyCaseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("famille accompagnée")
        verbose_name_plural = _("familles accompagnées")
        indexes = [models.Index(fields=["team", "status"], name="family_case_team_status_idx")]
        constraints = [
            date_in_window("family_case_referred_on_in_window", "referred_on"),
            date_in_window("family_case_consent_on_in_window", "consent_on"),
            date_in_window("family_case_decided_on_in_window", "decided_on"),
            # A decision has a day; a refusal has its reason; a support needs the parents'
            # consent and a worker.
            models.CheckConstraint(
                condition=Q(status="referred", decided_on__isnull=True)
                | (~Q(status="referred") & Q(decided_on__isnull=False)),
                name="family_case_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="family_case_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="supported")
                | Q(parents_consent=True, consent_on__isnull=False, worker__isnull=False),
                name="family_case_supported_has_consent_and_worker",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("referred_on")),
                name="family_case_decided_after_referral",
            ),
            # The support ends with its day, its reason and the outcome assessed with the
            # family, and only then.
            models.CheckConstraint(
                condition=(
                    Q(status="ended", ended_on__isnull=False)
                    & ~Q(end_reason="")
                    & ~Q(outcome="")
                    & Q(ended_on__gte=models.F("decided_on"))
                )
                | (~Q(status="ended") & Q(ended_on__isnull=True, end_reason="", outcome="")),
                name="family_case_ended_has_reason_and_outcome",
            ),
            date_in_window("family_case_ended_on_in_window", "ended_on"),
            date_in_window("family_case_followed_up_on_in_window", "followed_up_on"),
            # The follow-up comes after the end, with what the family has become.
            models.CheckConstraint(
                condition=Q(followed_up_on__isnull=True, follow_up_notes="")
                | (
                    Q(status="ended", followed_up_on__gte=models.F("ended_on"))
                    & ~Q(follow_up_notes="")
                ),
                name="family_case_follow_up_after_end_with_notes",
            ),
        ]

    def __str__(self):
        return _("Famille %(name)s") % {"name": self.name}

    def save(self, *args, **kwargs):
        self.follow_up_due = calendar.add_months(self.ended_on, 6) if self.ended_on else None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "follow_up_due"}
        super().save(*args, **kwargs)


class FamilyMember(models.Model):
    """A person of the household: a parent (or another adult at home) or a child."""

    class Role(models.TextChoices):
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Enfant")
        OTHER_ADULT = "other_adult", _("Autre adulte du foyer")

    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="family_cases"
    )
    role = models.CharField(_("place dans le foyer"), max_length=20, choices=Role)

    class Meta:
        ordering = ["case", "role", "pk"]
        verbose_name = _("membre du foyer")
        verbose_name_plural = _("membres du foyer")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="family_member_unique"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"


class SupportPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The plans of the families of the user's team or service (`family_plan`)."""
        where = reach(user, "family_plan")
        if not where:
            return self.none()
        return self.filter(where.filter(unit="case__team_id", establishment="case__service_id"))


class SupportPlan(models.Model):
    """The family's support plan: its versions, its reviews and their rhythm."""

    case = models.OneToOneField(FamilyCase, on_delete=models.CASCADE, related_name="plan")
    review_every_months = models.PositiveSmallIntegerField(
        _("rythme des révisions (mois)"), default=3
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan d'accompagnement de la famille")
        verbose_name_plural = _("plans d'accompagnement des familles")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_every_months__gte=1, review_every_months__lte=12),
                name="support_plan_review_rhythm_1_to_12_months",
            ),
        ]

    def __str__(self):
        return _("Plan d'accompagnement · %(family)s") % {"family": self.case}


class PlanVersion(Versioned, models.Model):
    """One version of the plan; a validated version never changes again (the progress of the
    goals and actions of the version in force excepted)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        VALIDATED = "validated", _("Validée")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT)
    validated_on = models.DateField(
        _("validée le"), null=True, blank=True, validators=[InRange("past")]
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("version du plan")
        verbose_name_plural = _("versions du plan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="draft"), name="plan_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", validated_on__isnull=True)
                | Q(status="validated", validated_on__isnull=False),
                name="plan_validated_has_date",
            ),
            date_in_window("plan_version_validated_on_in_window", "validated_on"),
        ]

    def __str__(self):
        return f"{self.plan} · v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.VALIDATED


class Progress(models.TextChoices):
    PLANNED = "planned", _("À engager")
    IN_PROGRESS = "in_progress", _("En cours")
    REACHED = "reached", _("Atteint")
    ABANDONED = "abandoned", _("Abandonné")


class Goal(Versioned, models.Model):
    """A goal of one version of the plan, in one of the programme's domains."""

    class Domain(models.TextChoices):
        PARENTING = "parenting", _("Parentalité et soins du quotidien")
        HEALTH = "health", _("Santé")
        SCHOOLING = "schooling", _("Scolarité")
        HOUSING = "housing", _("Logement")
        BUDGET = "budget", _("Budget et démarches administratives")
        SOCIAL_TIES = "social_ties", _("Liens sociaux")
        SAFETY = "safety", _("Sécurité de l'enfant")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domaine"), max_length=20, choices=Domain)
    title = models.CharField(_("objectif"), max_length=200)
    description = models.TextField(_("précisions"), blank=True)
    progress = models.CharField(
        _("avancement"), max_length=15, choices=Progress, default=Progress.PLANNED
    )
    progress_note = models.CharField(_("où en est-on"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "domain", "pk"]
        verbose_name = _("objectif du plan")
        verbose_name_plural = _("objectifs du plan")

    def __str__(self):
        return self.title


class GoalAction(Versioned, models.Model):
    """Who does what for a goal, by when: the parents first."""

    class Actor(models.TextChoices):
        PARENTS = "parents", _("Les parents")
        CHILD = "child", _("L'enfant")
        WORKER = "worker", _("L'intervenant·e")
        PARTNER = "partner", _("Un partenaire (PMI, école, CCAS…)")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    actor = models.CharField(_("qui agit"), max_length=20, choices=Actor, default=Actor.PARENTS)
    due_date = models.DateField(_("échéance"), null=True, blank=True, validators=[InRange("event")])
    progress = models.CharField(
        _("avancement"), max_length=15, choices=Progress, default=Progress.PLANNED
    )

    class Meta:
        ordering = ["goal", models.F("due_date").asc(nulls_last=True), "pk"]
        verbose_name = _("action du plan")
        verbose_name_plural = _("actions du plan")
        constraints = [date_in_window("goal_action_due_date_in_window", "due_date")]

    def __str__(self):
        return self.description


class PlanReview(models.Model):
    """A review of the plan with the family: who took part, what the parents and the children
    said (their words), what was decided; it gives the next validated version."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("tenue le"), validators=[InRange("past")])
    participants = models.TextField(_("participants"))
    parents_views = models.TextField(_("ce que disent les parents (leurs mots)"))
    children_views = models.TextField(_("ce que disent les enfants (leurs mots)"), blank=True)
    children_declined_to_speak = models.BooleanField(
        _("les enfants n'ont pas souhaité s'exprimer (ou sont trop jeunes)"), default=False
    )
    decisions = models.TextField(_("décisions"))
    # RESTRICT: a version that a review produced is never deleted alone, but goes with its
    # family's plan
    resulting_version = models.OneToOneField(
        PlanVersion, on_delete=models.RESTRICT, related_name="review"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("révision du plan")
        verbose_name_plural = _("révisions du plan")
        constraints = [
            date_in_window("plan_review_held_on_in_window", "held_on"),
            models.CheckConstraint(
                condition=Q(children_declined_to_speak=True, children_views="")
                | (Q(children_declined_to_speak=False) & ~Q(children_views="")),
                name="plan_review_children_words_or_declined",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.held_on:%d/%m/%Y}"


class HomeVisitQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The visits to the families of the user's team or service (`home_visit`)."""
        where = reach(user, "home_visit", action)
        if not where:
            return self.none()
        return self.filter(where.filter(unit="case__team_id", establishment="case__service_id"))


class HomeVisit(Versioned, models.Model):
    """A visit at the family's home: planned, then held (who was there, how long, what was
    observed) or cancelled (by whom)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        HELD = "held", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")

    class CancelledBy(models.TextChoices):
        FAMILY = "family", _("La famille")
        WORKER = "worker", _("L'intervenant·e ou le service")
        OTHER = "other", _("Autre (intempéries, imprévu…)")

    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="visits")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="home_visits",
        verbose_name=_("intervenant·e"),
    )
    starts_at = models.DateTimeField(_("le"), validators=[InRange("event")])
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=60)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PLANNED)
    cancelled_by = models.CharField(
        _("annulée par"), max_length=10, choices=CancelledBy, blank=True
    )
    present = models.CharField(_("personnes présentes"), max_length=300, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("visite à domicile")
        verbose_name_plural = _("visites à domicile")
        indexes = [models.Index(fields=["worker", "starts_at"], name="home_visit_worker_idx")]
        constraints = [
            date_in_window("home_visit_starts_at_in_window", "starts_at", is_datetime=True),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_by__gt="")
                | (~Q(status="cancelled") & Q(cancelled_by="")),
                name="home_visit_cancelled_says_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="home_visit_duration_5_to_600_minutes",
            ),
        ]

    def __str__(self):
        return _("Visite à domicile · %(family)s") % {"family": self.case}


class FamilyConcern(models.Model):
    """An observation about a child's safety, from the family's file: a safeguarding incident of
    the family's service (`safeguarding.Incident`, the existing workflow: qualified and handled
    by the service's head), optionally with an information préoccupante to the département's
    CRIP proposed by its author. Who reads it is the incident's scope, not the family's."""

    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="concerns")
    incident = models.OneToOneField(
        "safeguarding.Incident", on_delete=models.CASCADE, related_name="family_concern"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "-created_at", "-pk"]
        verbose_name = _("préoccupation pour un enfant de la famille")
        verbose_name_plural = _("préoccupations pour les enfants de la famille")

    def __str__(self):
        return _("Préoccupation · %(family)s") % {"family": self.case}
