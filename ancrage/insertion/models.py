"""O2R: the programme, outreach (repérage), contacts, beneficiaries with their eligibility and
priority-public flags, remobilisation activities, the accompaniment of 9 months (12 with a
reason), exits and follow-ups, and referrals from the villages.

Every read of a beneficiary goes through `Beneficiary.objects.visible_to(user)`: a counsellor
sees their team's, the O2R lead their service's; members of a consortium never see each other's.
"""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.access import ROLE_SCOPE, Scope, role_can

MINIMUM_AGREEMENT_EUROS = 150_000
AGREEMENT_YEARS = 3
ACCOMPANIMENT_MONTHS = 9
EXTENDED_ACCOMPANIMENT_MONTHS = 12
NO_CONTACT_MONTHS = 5
ALERT_DAYS_BEFORE_LIMIT = 30


def scope_condition(user, kind, unit_field="team_id", service_field="service_id") -> Q | None:
    """The records of `kind` this user reaches: their team's (unit scope) or their service's
    (establishment scope); None when no role of theirs reads `kind`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    condition, any_role = Q(pk__in=[]), False
    for membership in user.active_memberships:
        if not role_can(membership.role, kind, "view"):
            continue
        scope = ROLE_SCOPE[membership.role]
        if scope is Scope.UNIT and membership.unit_id:
            condition |= Q(**{unit_field: membership.unit_id})
            any_role = True
        elif scope is Scope.ESTABLISHMENT and membership.establishment_id:
            condition |= Q(**{service_field: membership.establishment_id})
            any_role = True
    return condition if any_role else None


class ScopedQuerySet(models.QuerySet):
    scope_kind = "beneficiary"

    def visible_to(self, user):
        condition = scope_condition(user, self.scope_kind)
        return self.none() if condition is None else self.filter(condition)


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


# Flags worked out from the birth date at the eligibility date: never typed.
AGE_FLAGS = (PriorityPublic.UNDER_26, PriorityPublic.AGED_55_PLUS)
TYPED_FLAGS = tuple(flag for flag in PriorityPublic if flag not in AGE_FLAGS)


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
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="programme_period_order"
            ),
        ]

    def __str__(self):
        return self.name

    def target_public_labels(self):
        return [PriorityPublic(flag).label for flag in self.target_publics]


class OutreachQuerySet(ScopedQuerySet):
    scope_kind = "outreach"


class OutreachAction(models.Model):
    """An "aller vers" action: where and how the team went to meet people."""

    class Kind(models.TextChoices):
        STREET_WORK = "street_work", _("Travail de rue")
        EVENT = "event", _("Événement")
        PARTNER_HOURS = "partner_hours", _("Permanence chez un partenaire")
        PHONE = "phone", _("Téléphone")
        SOCIAL_NETWORKS = "social_networks", _("Réseaux sociaux")
        REFERRAL = "referral", _("Orientation par un partenaire")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="outreach_actions"
    )
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("type d'action"), max_length=20, choices=Kind)
    place = models.CharField(_("lieu"), max_length=200)
    commune = models.CharField(_("commune"), max_length=100)
    efop_territory = models.ForeignKey(
        "organisation.EfopTerritory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territoire EFOP"),
    )
    partners = models.CharField(_("partenaires associés"), max_length=300, blank=True)
    people_met = models.PositiveIntegerField(_("personnes rencontrées"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("action de repérage")
        verbose_name_plural = _("actions de repérage")
        indexes = [models.Index(fields=["team", "-date"], name="outreach_team_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.place} · {self.date:%d/%m/%Y}"


class Contact(models.Model):
    """A person met, possibly anonymous (a nickname), with the next step agreed."""

    class AgeBracket(models.TextChoices):
        UNDER_18 = "under_18", _("Moins de 18 ans")
        AGE_18_25 = "18_25", _("18 à 25 ans")
        AGE_26_34 = "26_34", _("26 à 34 ans")
        AGE_35_44 = "35_44", _("35 à 44 ans")
        AGE_45_54 = "45_54", _("45 à 54 ans")
        AGE_55_PLUS = "55_plus", _("55 ans et plus")
        UNKNOWN = "unknown", _("Inconnu")

    class NextStep(models.TextChoices):
        MEET_AGAIN = "meet_again", _("Nouvelle rencontre")
        APPOINTMENT = "appointment", _("Rendez-vous individuel")
        WORKSHOP = "workshop", _("Invitation à un atelier")
        REFER = "refer", _("Orientation vers un partenaire")
        NONE = "none", _("Pas de suite souhaitée")

    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    outreach_action = models.ForeignKey(
        OutreachAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("action de repérage"),
    )
    met_on = models.DateField(_("rencontré le"))
    nickname = models.CharField(_("prénom ou surnom"), max_length=100)
    age_bracket = models.CharField(
        _("tranche d'âge"), max_length=10, choices=AgeBracket, default=AgeBracket.UNKNOWN
    )
    sex = models.CharField(
        _("sexe"),
        max_length=1,
        choices=[("F", _("Féminin")), ("M", _("Masculin")), ("X", _("Non renseigné"))],
        default="X",
    )
    commune = models.CharField(_("commune"), max_length=100)
    efop_territory = models.ForeignKey(
        "organisation.EfopTerritory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territoire EFOP"),
    )
    next_step = models.CharField(
        _("suite prévue"), max_length=20, choices=NextStep, default=NextStep.MEET_AGAIN
    )
    next_step_on = models.DateField(_("date de la suite"), null=True, blank=True)
    note = models.TextField(_("observations"), blank=True)
    # Set when the contact becomes a beneficiary; the contact stays, as their history.
    beneficiary = models.ForeignKey(
        "Beneficiary", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-met_on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["team", "-met_on"], name="contact_team_date_idx"),
            # A beneficiary's first contact (the report's delays) in one index probe.
            models.Index(fields=["beneficiary", "met_on"], name="contact_beneficiary_date_idx"),
        ]

    def __str__(self):
        return f"{self.nickname} ({self.met_on:%d/%m/%Y})"


class BeneficiaryQuerySet(ScopedQuerySet):
    scope_kind = "beneficiary"

    def consortium_counts(self, user):
        """Beneficiaries per member organisation of the consortia led by the organisation of
        the user's O2R service (counts only: the lead names none of the other members')."""
        from ancrage.organisation.models import Organisation

        establishment_ids = [
            m.establishment_id
            for m in user.active_memberships
            if role_can(m.role, "o2r_report", "view") and m.establishment_id
        ]
        members = Organisation.objects.filter(
            consortia__lead__establishments__in=establishment_ids
        ).values("pk")
        return (
            self.filter(service__organisation_id__in=members)
            .values("service__organisation__name")
            .annotate(n=models.Count("pk"))
            .order_by("service__organisation__name")
        )


class Beneficiary(models.Model):
    """A person who agreed to be followed by the O2R service (their consent is recorded)."""

    class Status(models.TextChoices):
        REMOBILISATION = "remobilisation", _("Remobilisation")
        ACCOMPANIMENT = "accompaniment", _("Accompagnement")
        EXITED = "exited", _("Sorti")

    class Source(models.TextChoices):
        OUTREACH = "outreach", _("Repérage")
        VILLAGE = "village", _("Orientation par un village d'enfants")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="beneficiaries")
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="o2r_files")
    status = models.CharField(
        _("étape"), max_length=20, choices=Status, default=Status.REMOBILISATION
    )
    source = models.CharField(_("origine"), max_length=20, choices=Source, default=Source.OUTREACH)
    commune = models.CharField(_("commune"), max_length=100)
    efop_territory = models.ForeignKey(
        "organisation.EfopTerritory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territoire EFOP"),
    )
    consent_on = models.DateField(_("consentement recueilli le"))
    consent_how = models.CharField(_("forme du consentement"), max_length=200)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recueilli par"),
    )
    # Priority publics; under_26 and aged_55_plus are set by the eligibility check from the
    # birth date, never typed.
    under_26 = models.BooleanField(PriorityPublic.UNDER_26.label, default=False)
    aged_55_plus = models.BooleanField(PriorityPublic.AGED_55_PLUS.label, default=False)
    long_term_jobseeker = models.BooleanField(
        PriorityPublic.LONG_TERM_JOBSEEKER.label, default=False
    )
    rural_isolated = models.BooleanField(PriorityPublic.RURAL_ISOLATED.label, default=False)
    mental_health = models.BooleanField(PriorityPublic.MENTAL_HEALTH.label, default=False)
    allophone = models.BooleanField(PriorityPublic.ALLOPHONE.label, default=False)
    no_stable_housing = models.BooleanField(PriorityPublic.NO_STABLE_HOUSING.label, default=False)
    woman = models.BooleanField(PriorityPublic.WOMAN.label, default=False)
    qpv = models.BooleanField(PriorityPublic.QPV.label, default=False)
    zrr = models.BooleanField(PriorityPublic.ZRR.label, default=False)
    left_child_protection = models.BooleanField(
        PriorityPublic.LEFT_CHILD_PROTECTION.label, default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_names", "pk"]
        verbose_name = _("bénéficiaire")
        verbose_name_plural = _("bénéficiaires")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="beneficiary_once_per_programme"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="beneficiary_team_status_idx"),
            models.Index(fields=["service", "status"], name="beneficiary_service_status_idx"),
        ]

    def __str__(self):
        return str(self.person)

    def flag_labels(self):
        return [flag.label for flag in PriorityPublic if getattr(self, flag.value)]


class Eligibility(models.Model):
    """Why the person is in the O2R public, checked on a date by a counsellor, and the priority
    publics they belong to (the age ones worked out from the birth date that day)."""

    class Basis(models.TextChoices):
        NOT_REGISTERED = "not_registered", _("Non inscrit à France Travail")
        NO_SUITABLE_ACCOMPANIMENT = (
            "no_suitable_accompaniment",
            _("Inscrit à France Travail sans accompagnement adapté"),
        )
        NO_RECENT_CONTACT = (
            "no_recent_contact",
            _("Sans contact avec le réseau pour l'emploi depuis 5 mois"),
        )

    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.CASCADE, related_name="eligibility"
    )
    basis = models.CharField(_("motif d'éligibilité"), max_length=30, choices=Basis)
    registered_with_france_travail = models.BooleanField(_("inscrit à France Travail"))
    suitable_accompaniment = models.BooleanField(
        _("bénéficie d'un accompagnement adapté"), default=False
    )
    last_network_contact_on = models.DateField(
        _("dernier contact avec le réseau pour l'emploi"), null=True, blank=True
    )
    checked_on = models.DateField(_("vérifiée le"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("éligibilité")
        verbose_name_plural = _("éligibilités")

    def __str__(self):
        return f"{self.get_basis_display()} ({self.checked_on:%d/%m/%Y})"


class Accompaniment(models.Model):
    """The socio-professional accompaniment: 9 months at most, 12 with a recorded reason."""

    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.CASCADE, related_name="accompaniment"
    )
    start_date = models.DateField(_("début"))
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("conseiller référent"),
    )
    limit_date = models.DateField(_("échéance"))
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    extended_on = models.DateField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_date = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_on__isnull=True) | ~Q(extension_reason=""),
                name="accompaniment_extension_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["end_date", "limit_date"], name="accompaniment_limit_idx")]

    def __str__(self):
        return f"{self.beneficiary} · {self.start_date:%d/%m/%Y}"

    @property
    def nine_months_date(self):
        return self.start_date + relativedelta(months=ACCOMPANIMENT_MONTHS)

    @property
    def twelve_months_date(self):
        return self.start_date + relativedelta(months=EXTENDED_ACCOMPANIMENT_MONTHS)

    @property
    def extended(self):
        return self.extended_on is not None


class Barrier(models.Model):
    """A frein périphérique, with its situation now; its history is in `updates`."""

    class Kind(models.TextChoices):
        MOBILITY = "mobility", _("Mobilité")
        HOUSING = "housing", _("Logement")
        HEALTH = "health", _("Santé")
        CHILDCARE = "childcare", _("Garde d'enfants")
        LANGUAGE = "language", _("Langue et littératie")
        DIGITAL = "digital", _("Numérique")
        FINANCES = "finances", _("Finances et démarches administratives")
        JUSTICE = "justice", _("Justice")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Repéré")
        IN_PROGRESS = "in_progress", _("En cours de levée")
        RESOLVED = "resolved", _("Levé")

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="barriers"
    )
    kind = models.CharField(_("frein"), max_length=20, choices=Kind)
    status = models.CharField(_("état"), max_length=20, choices=Status, default=Status.IDENTIFIED)
    situation = models.TextField(_("situation"))
    updated_on = models.DateField(_("mis à jour le"))

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["accompaniment", "kind"], name="barrier_once_per_kind"),
        ]

    def __str__(self):
        return self.get_kind_display()


class BarrierUpdate(models.Model):
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    status = models.CharField(_("état"), max_length=20, choices=Barrier.Status)
    situation = models.TextField(_("situation"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.barrier} · {self.date:%d/%m/%Y}"


class Objective(models.Model):
    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="objectives"
    )
    text = models.CharField(_("objectif"), max_length=300)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    achieved_on = models.DateField(_("atteint le"), null=True, blank=True)
    abandoned_on = models.DateField(_("abandonné le"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(achieved_on__isnull=True) | Q(abandoned_on__isnull=True),
                name="objective_achieved_or_abandoned",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def closed(self):
        return self.achieved_on is not None or self.abandoned_on is not None


class AccompanimentAction(models.Model):
    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="actions"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )

    class Actor(models.TextChoices):
        BENEFICIARY = "beneficiary", _("La personne accompagnée")
        COUNSELLOR = "counsellor", _("Le conseiller")
        PARTNER = "partner", _("Un partenaire")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        DONE = "done", _("Faite")

    date = models.DateField(_("date"))
    text = models.CharField(_("action"), max_length=300)
    actor = models.CharField(_("qui agit"), max_length=20, choices=Actor, default=Actor.BENEFICIARY)
    due_date = models.DateField(_("à faire pour le"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PLANNED)
    done_on = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned", done_on__isnull=True)
                | Q(status="done", done_on__isnull=False),
                name="action_done_has_date",
            ),
        ]

    def __str__(self):
        return self.text


class PartnerReferral(models.Model):
    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="referrals"
    )
    date = models.DateField(_("date"))
    partner = models.CharField(_("partenaire"), max_length=200)
    purpose = models.CharField(_("objet"), max_length=300)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.partner} · {self.date:%d/%m/%Y}"


class TraineeRemuneration(models.Model):
    """A period paid as a vocational trainee (L5316-3, L6341-1), inside the accompaniment."""

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="remunerations"
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="remuneration_period_order"
            ),
        ]

    def __str__(self):
        return f"{self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"


class Exit(models.Model):
    class Reason(models.TextChoices):
        SUSTAINABLE_JOB = "sustainable_job", _("Emploi durable (CDI ou CDD de 6 mois ou plus)")
        SHORT_JOB = "short_job", _("Emploi de courte durée")
        TRAINING = "training", _("Formation")
        MAINSTREAM = "mainstream", _("Inscription France Travail, mission locale ou Cap emploi")
        OTHER_SCHEME = "other_scheme", _("Autre dispositif")
        MOVED = "moved", _("Déménagement")
        LOST_CONTACT = "lost_contact", _("Perte de contact")
        OTHER = "other", _("Autre")

    beneficiary = models.OneToOneField(Beneficiary, on_delete=models.CASCADE, related_name="exit")
    date = models.DateField(_("date de sortie"))
    reason = models.CharField(_("motif de sortie"), max_length=20, choices=Reason)
    note = models.TextField(_("précisions"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.get_reason_display()} · {self.date:%d/%m/%Y}"


class FollowUp(models.Model):
    """The situation 3 and 6 months after the exit."""

    class Situation(models.TextChoices):
        SUSTAINABLE_JOB = "sustainable_job", _("Emploi durable")
        SHORT_JOB = "short_job", _("Emploi de courte durée")
        TRAINING = "training", _("Formation")
        JOB_SEEKING = "job_seeking", _("En recherche d'emploi, accompagné")
        NO_NEWS = "no_news", _("Sans nouvelles")
        OTHER = "other", _("Autre")

    exit = models.ForeignKey(Exit, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("mois après la sortie"))
    due_date = models.DateField(_("à faire le"))
    recorded_on = models.DateField(_("fait le"), null=True, blank=True)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation, blank=True)
    note = models.TextField(_("précisions"), blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exit", "months"], name="follow_up_once"),
        ]
        indexes = [models.Index(fields=["recorded_on", "due_date"], name="follow_up_due_idx")]

    def __str__(self):
        return f"{self.months} mois · {self.due_date:%d/%m/%Y}"


class ActivityQuerySet(ScopedQuerySet):
    scope_kind = "activity"


class Activity(models.Model):
    """A remobilisation activity, individual or collective, and who attended."""

    class Format(models.TextChoices):
        INDIVIDUAL = "individual", _("Individuelle")
        COLLECTIVE = "collective", _("Collective")

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Atelier")
        SESSION = "session", _("Séance")
        INTERVIEW = "interview", _("Entretien")
        OUTING = "outing", _("Sortie")

    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    format = models.CharField(_("forme"), max_length=20, choices=Format)
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    attendees = models.ManyToManyField(Beneficiary, through="Attendance", related_name="activities")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activité de remobilisation")
        verbose_name_plural = _("activités de remobilisation")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="activity_has_duration"
            ),
        ]
        indexes = [models.Index(fields=["team", "-date"], name="activity_team_date_idx")]

    def __str__(self):
        return f"{self.title} · {self.date:%d/%m/%Y}"


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="attendance"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "beneficiary"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} @ {self.activity_id}"


class VillageReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals sent to the user's O2R service (its counsellors and lead)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        services = set()
        for membership in user.active_memberships:
            if not role_can(membership.role, "beneficiary", "view"):
                continue
            if membership.unit_id:
                services.add(membership.unit.establishment_id)
            elif membership.establishment_id:
                services.add(membership.establishment_id)
        return self.filter(service_id__in=services)


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
    consent_on = models.DateField(_("consentement recueilli le"))
    consent_how = models.CharField(_("forme du consentement"), max_length=200)
    consent_text = models.TextField(_("ce que le jeune a accepté"))
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
