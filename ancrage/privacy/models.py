"""Retention of personal data: the rules (as data, with their legal basis), the holds an
establishment puts on a file, where each file stands (archived, anonymised) and the retention
runs (a dry run, its approval, the run)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel import personal_data
from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.scopes import reach
from ancrage.people.models import Consent, ImageUse


class Framework(models.TextChoices):
    CHILD_PROTECTION = personal_data.CHILD_PROTECTION, _("Protection de l'enfance")
    O2R = personal_data.O2R, _("Repérage et remobilisation (O2R)")
    FAMILY_PROGRAMME = personal_data.FAMILY_PROGRAMME, _("Renforcement familial")
    STAFF = personal_data.STAFF, _("Personnel")
    PARTICIPATION = personal_data.PARTICIPATION, _("Participation (conseil de la vie sociale)")
    TRACES = "traces", _("Traces (journal des consultations, historique des modifications)")


class Outcome(models.TextChoices):
    ARCHIVE = "archive", _("Archivage intermédiaire")
    ANONYMISE = "anonymise", _("Anonymisation")
    PURGE = "purge", _("Suppression")


class RetentionRule(models.Model):
    """One rule: for the files of a framework (or a kind of trace), the active period and what
    starts it, then what happens (archive, then anonymise after `archive_months`; or anonymise;
    or delete, for traces), and the legal basis shown beside it. Seeded by migration 0002 and
    edited only by a migration: a rule changes with the association's register, not by a click."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    framework = models.CharField(_("cadre"), max_length=20, choices=Framework)
    label = models.CharField(_("règle"), max_length=200)
    starts_after = models.CharField(_("point de départ"), max_length=300)
    active_months = models.PositiveSmallIntegerField(_("durée en base active (mois)"))
    outcome = models.CharField(_("au terme"), max_length=10, choices=Outcome)
    archive_months = models.PositiveSmallIntegerField(
        _("durée d'archivage intermédiaire (mois)"), null=True, blank=True
    )
    legal_basis = models.TextField(_("fondement"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("règle de conservation")
        verbose_name_plural = _("règles de conservation")
        constraints = [
            # An archive ends (in an anonymisation) after a stated time; nothing else has one.
            models.CheckConstraint(
                condition=Q(outcome="archive", archive_months__isnull=False)
                | (~Q(outcome="archive") & Q(archive_months__isnull=True)),
                name="retention_rule_archive_has_duration",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def months(self) -> int:
        """The active period applied: the access log's is the setting
        `ACCESS_LOG_RETENTION_MONTHS` (6 to 12, what the run purges by), every other rule's its
        row's."""
        if self.code == "access_log":
            return settings.ACCESS_LOG_RETENTION_MONTHS
        return self.active_months


class HoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)

    def visible_to(self, user):
        where = reach(user, "retention_hold", "view")
        if not where:
            return self.none()
        return self.filter(
            where.filter(
                establishment="establishment_id", organisation="establishment__organisation_id"
            )
        )


class Hold(models.Model):
    """An establishment keeps a file out of the retention run (litigation, a judge's request)
    until the hold is lifted."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("établissement"),
    )
    reason = models.TextField(_("motif"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("posé le"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(_("levé le"), null=True, blank=True)
    lift_reason = models.TextField(_("motif de la levée"), blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "pk"]
        verbose_name = _("gel de conservation")
        verbose_name_plural = _("gels de conservation")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="hold_has_reason"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_reason="")
                | Q(lifted_at__isnull=False, lifted_by__isnull=False) & ~Q(lift_reason=""),
                name="hold_lifted_with_reason",
            ),
            models.UniqueConstraint(
                fields=["person", "establishment"],
                condition=Q(lifted_at__isnull=True),
                name="hold_once_per_file",
            ),
        ]

    def __str__(self):
        return f"{self.person.reference} · {self.establishment}"


class FileStatus(models.Model):
    """Where a person's file stands once a run touched it: archived (readable only by a
    director with a written reason) or anonymised (for good)."""

    class State(models.TextChoices):
        ARCHIVED = "archived", _("Archivé")
        ANONYMISED = "anonymised", _("Anonymisé")

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    state = models.CharField(_("état"), max_length=12, choices=State)
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    run = models.ForeignKey(
        "RetentionRun", on_delete=models.PROTECT, related_name="files", null=True, blank=True
    )
    # The establishment of the file when it was archived: whose director may open it.
    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("état d'un dossier")
        verbose_name_plural = _("états des dossiers")

    def __str__(self):
        return f"{self.person_id} · {self.get_state_display()}"


class RetentionRunQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The runs of the user's organisation (a director's: those of their village's)."""
        where = reach(user, "retention_run", action)
        if not where:
            return self.none()
        return self.filter(
            where.filter(organisation="organisation_id")
            | Q(organisation__establishments__in=sorted(where.establishments))
        ).distinct()


class RetentionRun(models.Model):
    """A retention run: its dry run (what would happen, counted per kind and establishment,
    with the references), the approval of a director or the DPO, then the run, which computes
    again what is due and acts only on files both due then and listed in the approved dry run."""

    class State(models.TextChoices):
        DRY_RUN = "dry_run", _("Simulation en cours")
        PROPOSED = "proposed", _("Simulation prête, à approuver")
        APPROVED = "approved", _("Approuvé, exécution en cours")
        DONE = "done", _("Exécuté")
        CANCELLED = "cancelled", _("Abandonné")

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.DRY_RUN)
    # Empty for the dry runs the scheduled task proposes (privacy/tasks.py).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    computed_on = models.DateField(_("calculé au"), null=True, blank=True)
    # The dry run's lines: [{"person": id, "reference", "establishment", "frameworks",
    # "last_contact", "outcome", "protected_by"}], and the run's own results.
    plan = models.JSONField(_("simulation"), default=list, blank=True)
    results = models.JSONField(_("résultats"), default=dict, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    dry_run_job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    run_job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    objects = RetentionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("passage de conservation")
        verbose_name_plural = _("passages de conservation")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="retention_run_approval_whole",
            ),
        ]

    def __str__(self):
        return f"{self.started_at:%d/%m/%Y} · {self.get_state_display()}"


class ArchiveAccessQuerySet(models.QuerySet):
    def active(self, now=None):
        """Still running at `now`; by default at the database's current time (`Now()`), so
        the query's SQL holds no time and the person scope that uses it can be compiled once
        and reused (`people.models.PersonQuerySet.visible_to`)."""
        return self.filter(expires_at__gt=Now() if now is None else now)


class ArchiveAccess(models.Model):
    """A director (of the file's establishment) or the national director opened an archived
    file, for a written reason, for a limited time (BREAK_GLASS_MINUTES)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    reason = models.TextField(_("motif"))
    granted_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))

    objects = ArchiveAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "pk"]
        verbose_name = _("consultation d'un dossier archivé")
        verbose_name_plural = _("consultations de dossiers archivés")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="archive_access_expires_after_grant",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="archive_access_has_reason"),
        ]

    def __str__(self):
        return f"{self.person.reference} ({self.granted_at:%d/%m/%Y %H:%M})"


class SubjectRequestQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The requests received by the user's establishment (the organisation's for the DPO
        and the national director)."""
        where = reach(user, "subject_request", action)
        if not where:
            return self.none()
        return self.filter(
            where.filter(
                establishment="establishment_id", organisation="establishment__organisation_id"
            )
        )


class Decision(models.TextChoices):
    GRANTED = "granted", _("Accordée")
    PARTLY = "partly", _("Accordée en partie")
    REFUSED = "refused", _("Refusée")


class SubjectRequest(models.Model):
    """A request of a person about their data (RGPD art. 15 access, 16 rectification, 21
    objection): who asks, for whom, whose identity check, when it came; due within one month,
    extended to three with a reason (art. 12.3); the director's review before anything leaves;
    for an access request, the export (a job)."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Accès (art. 15)")
        RECTIFICATION = "rectification", _("Rectification (art. 16)")
        OBJECTION = "objection", _("Opposition (art. 21)")

    class Quality(models.TextChoices):
        SELF = "self", _("La personne elle-même")
        PARENT = "parent", _("Titulaire de l'autorité parentale")
        REPRESENTATIVE = "representative", _("Représentant légal ou mandataire")

    class State(models.TextChoices):
        RECEIVED = "received", _("Reçue, à examiner")
        APPROVED = "approved", _("Examinée par la direction, réponse autorisée")
        ANSWERED = "answered", _("Répondue")

    kind = models.CharField(_("demande"), max_length=15, choices=Kind, default=Kind.ACCESS)
    # Whose data: a person of the registry, or the account of a staff member known to the
    # product only by that account (no person record).
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("personne"),
        null=True,
        blank=True,
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compte d'un salarié sans dossier"),
        null=True,
        blank=True,
    )
    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("établissement"),
    )
    requester_name = models.CharField(_("demandeur"), max_length=200)
    requester_quality = models.CharField(_("qualité"), max_length=20, choices=Quality)
    received_on = models.DateField(_("reçue le"), validators=[InRange("past")])
    identity_check = models.CharField(_("pièce d'identité vérifiée"), max_length=200)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    details = models.TextField(_("précisions"), blank=True)
    due_on = models.DateField(_("réponse due le"))
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.RECEIVED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    export_job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    # The answer to a rectification or an objection (an access request is answered by its
    # export): the decision, its reason or what was done, by whom, when.
    decision = models.CharField(_("décision"), max_length=10, choices=Decision, blank=True)
    decision_reason = models.TextField(_("motif de la décision, ce qui a été fait"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("demande d'exercice de droits")
        verbose_name_plural = _("demandes d'exercice de droits")
        constraints = [
            date_in_window("subject_request_received_on_in_window", "received_on"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")),
                name="subject_request_due_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, account__isnull=True)
                | Q(person__isnull=True, account__isnull=False),
                name="subject_request_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_by__isnull=True, decided_at__isnull=True)
                | ~Q(decision="")
                & ~Q(decision_reason="")
                & Q(decided_by__isnull=False, decided_at__isnull=False),
                name="subject_request_decision_whole",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject_label}"

    @property
    def subject_label(self) -> str:
        """The person's reference, or the account's username (a staff member without a file)."""
        return self.person.reference if self.person_id else self.account.username

    @property
    def late(self) -> bool:
        """Answered after its due date, or still unanswered past it."""
        if self.decided_at:
            return timezone.localdate(self.decided_at) > self.due_on
        return self.state != self.State.ANSWERED and timezone.localdate() > self.due_on


# --- Image rights (droit à l'image) ------------------------------------------------------------


class PersonMediaQuerySet(models.QuerySet):
    def consented(self, today=None):
        """The media with a consent in force for their use today: what may be shown. Withdrawn
        or expired consent hides the media at once (read at every request, never copied)."""
        return self.filter(
            models.Exists(
                Consent.objects.in_force(today).filter(
                    person_id=models.OuterRef("person_id"), use=models.OuterRef("use")
                )
            )
        )

    def without_consent(self, today=None):
        return self.exclude(pk__in=self.consented(today).values("pk"))


class PersonMedia(models.Model):
    """A photo or a video of a person kept in their file for one use: attached only under a
    consent in force for that use, shown only while one is, always served as an attachment."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    use = models.CharField(_("usage"), max_length=15, choices=ImageUse)
    caption = models.CharField(_("légende"), max_length=200)
    taken_on = models.DateField(_("prise le"), validators=[InRange("past")])
    file = models.FileField(_("fichier"), upload_to="media/%Y/%m/")
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    objects = PersonMediaQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        verbose_name = _("photo ou vidéo d'une personne")
        verbose_name_plural = _("photos et vidéos des personnes")
        constraints = [date_in_window("person_media_taken_on_in_window", "taken_on")]

    def __str__(self):
        return self.caption

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")
