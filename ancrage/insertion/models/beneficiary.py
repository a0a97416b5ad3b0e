"""Beneficiaries: the person who agreed to be followed, with their priority-public flags, their
eligibility, their exit and the follow-ups at 3 and 6 months.

Every read of a beneficiary goes through `Beneficiary.objects.visible_to(user)`: a counsellor
sees their team's, the O2R lead their service's; members of a consortium never see each other's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.programme import PriorityPublic, Programme, ScopedQuerySet
from ancrage.kernel.scopes import reach
from ancrage.kernel.versions import Versioned
from ancrage.organisation.models import Organisation


class BeneficiaryQuerySet(ScopedQuerySet):
    scope_kind = "beneficiary"

    def consortium_members(self, user):
        """The member organisations of the consortia led by the organisation of the user's O2R
        service (ids, as a subquery): the lead sees their counts of beneficiaries, never their
        names (`tallies.consortium_counts`)."""
        services = reach(user, "o2r_report").establishments
        return Organisation.objects.filter(
            consortia__lead__establishments__in=sorted(services)
        ).values("pk")


class DiplomaLevel(models.TextChoices):
    """The national nomenclature of diploma levels (décret 2019-14)."""

    INFRA_3 = "infra_3", _("Infra 3 : aucun diplôme")
    LEVEL_3 = "3", _("Niveau 3 : CAP, BEP")
    LEVEL_4 = "4", _("Niveau 4 : baccalauréat")
    LEVEL_5 = "5", _("Niveau 5 : bac + 2")
    LEVEL_6 = "6", _("Niveau 6 : licence, bac + 3")
    LEVEL_7 = "7", _("Niveau 7 : master, bac + 5")
    LEVEL_8 = "8", _("Niveau 8 : doctorat")


class Employment(models.TextChoices):
    NEVER_WORKED = "never_worked", _("N'a jamais travaillé")
    JOBSEEKER = "jobseeker", _("Sans emploi, en recherche")
    INACTIVE = "inactive", _("Sans emploi, sans recherche")
    PRECARIOUS = "precarious", _("Emploi précaire ou à temps très partiel")
    TRAINING = "training", _("En formation")


class EmploymentDuration(models.TextChoices):
    UNDER_6 = "under_6", _("Moins de 6 mois")
    FROM_6_TO_12 = "6_12", _("6 à 12 mois")
    FROM_12_TO_24 = "12_24", _("12 à 24 mois")
    OVER_24 = "over_24", _("Plus de 24 mois")


class Resources(models.TextChoices):
    RSA = "rsa", _("RSA")
    ASS = "ass", _("ASS")
    AAH = "aah", _("AAH")
    ARE = "are", _("Allocation chômage (ARE)")
    CEJ = "cej", _("Allocation du contrat d'engagement jeune")
    EARNINGS = "earnings", _("Revenus d'activité")
    OTHER = "other", _("Autres ressources")
    NONE = "none", _("Aucune ressource")


class Family(models.TextChoices):
    SINGLE = "single", _("Seul, sans enfant")
    SINGLE_PARENT = "single_parent", _("Parent isolé")
    COUPLE = "couple", _("En couple, sans enfant")
    COUPLE_CHILDREN = "couple_children", _("En couple, avec enfants")


class Housing(models.TextChoices):
    OWN = "own", _("Logement autonome")
    FAMILY = "family", _("Hébergé par la famille")
    FRIENDS = "friends", _("Hébergé par des tiers")
    SOCIAL = "social", _("Hébergement social ou d'urgence")
    NONE = "none", _("Sans hébergement")
    OTHER = "other", _("Autre (caravane, squat...)")


class YesNo(models.TextChoices):
    YES = "yes", _("Oui")
    NO = "no", _("Non")


# The situation fields, in the report's order.
SITUATION_FIELDS = [
    "diploma_level",
    "employment_situation",
    "employment_duration",
    "resources",
    "rqth",
    "family_situation",
    "housing",
    "driving_licence",
    "vehicle",
]


class Beneficiary(Versioned, models.Model):
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
    # The social and professional situation at entry (décret 2024-584: the annual report
    # describes it); empty: not known.
    diploma_level = models.CharField(
        _("plus haut diplôme obtenu"), max_length=10, choices=DiplomaLevel, blank=True
    )
    employment_situation = models.CharField(
        _("situation au regard de l'emploi"), max_length=20, choices=Employment, blank=True
    )
    employment_duration = models.CharField(
        _("depuis"), max_length=10, choices=EmploymentDuration, blank=True
    )
    resources = models.CharField(
        _("ressources, minima sociaux"), max_length=20, choices=Resources, blank=True
    )
    rqth = models.CharField(
        _("reconnaissance de la qualité de travailleur handicapé (RQTH)"),
        max_length=3,
        choices=YesNo,
        blank=True,
    )
    family_situation = models.CharField(
        _("situation familiale"), max_length=20, choices=Family, blank=True
    )
    housing = models.CharField(_("logement"), max_length=20, choices=Housing, blank=True)
    driving_licence = models.CharField(
        _("permis de conduire"), max_length=3, choices=YesNo, blank=True
    )
    vehicle = models.CharField(_("véhicule"), max_length=3, choices=YesNo, blank=True)
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
    # The file's service and team, copied when the exit schedules it (as on `Accompaniment`).
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exit", "months"], name="follow_up_once"),
        ]
        indexes = [
            models.Index(fields=["recorded_on", "due_date"], name="follow_up_due_idx"),
            # the O2R home's follow-ups due of a service or a team, counted and read a page at a
            # time in their order from the index
            models.Index(
                fields=["service", "due_date", "id"],
                condition=Q(recorded_on__isnull=True),
                name="follow_up_service_open_idx",
            ),
            models.Index(
                fields=["team", "due_date", "id"],
                condition=Q(recorded_on__isnull=True),
                name="follow_up_team_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.months} mois · {self.due_date:%d/%m/%Y}"
