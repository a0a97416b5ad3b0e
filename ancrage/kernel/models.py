"""Audit of reads (access events), the national director's break-the-glass access, background jobs
and their files, and the abstract pieces every app's models use (who created a record and when;
date-order constraints)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CreatedRecord(models.Model):
    """A record that keeps who created it and when. A model that needs another reverse name or
    label overrides the field."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_created",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


def end_not_before_start(
    name: str, *, start: str = "start_date", end: str = "end_date", optional: bool = True
) -> models.CheckConstraint:
    """The constraint "the end is not before the start" (the same day is allowed), the end being
    empty while the period runs when `optional`."""
    condition = models.Q(**{f"{end}__gte": models.F(start)})
    if optional:
        condition = models.Q(**{f"{end}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=name)


def ends_after_start(
    name: str, *, start: str = "starts_at", end: str = "ends_at"
) -> models.CheckConstraint:
    """The constraint "the end comes strictly after the start" (appointments, visits, periods)."""
    return models.CheckConstraint(condition=models.Q(**{f"{end}__gt": models.F(start)}), name=name)


class AccessEvent(models.Model):
    """Someone saw a person's data: who, whom, what, when, and why when a reason was given."""

    class Action(models.TextChoices):
        VIEW = "view", _("Consultation")
        SEARCH = "search", _("Résultat de recherche")
        LIST = "list", _("Affichage dans une liste")
        EXPORT = "export", _("Export")
        BREAK_GLASS = "break_glass", _("Accès exceptionnel")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_events",
        verbose_name=_("utilisateur"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="access_events",
        verbose_name=_("personne"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    what = models.CharField(_("objet"), max_length=100)
    reason = models.TextField(_("motif"), blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["person", "-at"], name="access_person_at_idx")]

    # The pages and exports that record reads, as the access log names them.
    WHAT_LABELS = {
        "web.person": _("Fiche de la personne"),
        "people.access_log": _("Journal des consultations"),
        "people.search": _("Liste de résultats de recherche"),
        "people.family_link_add": _("Ajout d'un lien familial"),
        "people.edit": _("Correction de l'identité"),
        "people.sibling_group_edit": _("Modification d'une fratrie"),
        "safeguarding.report": _("Saisie d'un signalement"),
        "care.my_calendar": _("Mon agenda"),
        "placements.measure_create": _("Saisie d'une mesure de protection"),
        "placements.move": _("Changement de maison"),
        "placements.exit": _("Sortie du village"),
        "placements.village_board": _("Tableau du village"),
        "placements.waiting_list": _("Liste d'attente des admissions"),
        "placements.admission": _("Demande d'admission"),
        "placements.visits": _("Visites et droits de visite"),
        "placements.visit_right_add": _("Saisie d'un droit de visite"),
        "placements.visit_plan": _("Planification d'une visite"),
        "placements.visit_outcome": _("Compte rendu d'une visite"),
        "placements.village_visits": _("Calendrier des visites du village"),
        "placements.document_add": _("Ajout d'une pièce à une mesure"),
        "placements.document": _("Téléchargement d'une pièce de la mesure"),
        "safeguarding.incident": _("Signalement (bientraitance)"),
        "safeguarding.list": _("Liste des signalements du village"),
        "care.village_deadlines": _("Échéancier du village"),
        "care.person_deadlines": _("Échéancier de l'enfant"),
        "care.ppe": _("Projet pour l'enfant (PPE)"),
        "care.ppe_edit": _("Modification du PPE"),
        "care.ppe_validate": _("Validation du PPE (les mots de l'enfant)"),
        "care.objective_add": _("Ajout d'un objectif au PPE"),
        "care.review_add": _("Saisie d'une révision du PPE"),
        "care.review_plan": _("Planification d'une révision du PPE"),
        "care.objective_edit": _("Modification d'un objectif du PPE"),
        "care.action_add": _("Ajout d'une action au PPE"),
        "care.action_edit": _("Modification d'une action du PPE"),
        "care.report_create": _("Rédaction d'un rapport de situation"),
        "care.report": _("Rapport de situation"),
        "care.report_pdf": _("Téléchargement du rapport de situation (PDF)"),
        "safeguarding.declaration": _("Déclaration d'un signalement à l'autorité"),
        "safeguarding.declaration_pdf": _("Téléchargement de la déclaration à l'autorité (PDF)"),
        "safeguarding.transmission": _(
            "Transmission d'un signalement (information préoccupante, procureur)"
        ),
        "web.home": _("Dossiers récents du tableau de bord"),
        "web.home_block": _("Tableau de bord : enfants et tâches nommés"),
        "care.house_journal": _("Journal de la maison"),
        "care.child_journal": _("Journal de l'enfant"),
        "care.journal_entry": _("Observation du journal"),
        "care.child_calendar": _("Agenda de l'enfant"),
        "care.house_calendar": _("Agenda de la maison"),
        "care.appointment": _("Rendez-vous"),
        "care.ics_feed": _("Agenda personnel (ICS) lu par un téléphone"),
        "care.autonomy": _("Projet pour l'autonomie"),
        "care.autonomy_edit": _("Mise à jour du projet pour l'autonomie"),
        "care.autonomy_support": _("Saisie d'un accompagnement jeune majeur"),
        "care.appointment_create": _("Saisie d'un rendez-vous"),
        "break_glass": _("Ouverture d'un accès exceptionnel"),
        "privacy.archive_open": _("Ouverture d'un dossier archivé"),
        "privacy.subject_export": _("Export d'une demande d'accès (RGPD art. 15)"),
        "privacy.request": _("Demande d'exercice de droits"),
        "privacy.image_rights": _("Droit à l'image et photos d'une personne"),
        "privacy.consent_add": _("Nouveau consentement au droit à l'image"),
        "privacy.media_add": _("Nouvelle photo d'une personne"),
        "participation.council_member_file": _("Enfants proposés pour un siège du conseil"),
        "insertion.home": _("Alertes du service O2R"),
        "insertion.beneficiaries": _("Liste des bénéficiaires O2R"),
        "insertion.beneficiary": _("Dossier du bénéficiaire O2R"),
        "insertion.referrals": _("Orientations des villages vers l'O2R"),
        "insertion.contacts": _("Liste des contacts O2R"),
        "insertion.activity_form": _("Saisie d'une activité de remobilisation"),
        "insertion.refer": _("Orientation vers l'O2R"),
        "families.list": _("Liste des familles accompagnées"),
        "families.case": _("Dossier d'une famille accompagnée"),
        "families.plan": _("Plan d'accompagnement d'une famille"),
        "families.caseload": _("Suivi des familles d'un·e intervenant·e"),
        # The names these pages had before the pages composing several apps moved to `web`
        # (2026-12-01): the events recorded under them keep their label.
        "people.detail": _("Fiche de la personne"),
        "core.home": _("Dossiers récents du tableau de bord"),
    }

    def __str__(self):
        return f"{self.user} · {self.get_action_display()} · {self.what} · {self.at:%d/%m/%Y %H:%M}"

    @property
    def what_label(self):
        return self.WHAT_LABELS.get(self.what, self.what)


class BreakGlassQuerySet(models.QuerySet):
    def active(self, now=None):
        """Still running at `now`; by default at the database's current time (`Now()`), so
        the query's SQL holds no time and the person scope that uses it can be compiled once
        and reused (`people.models.PersonQuerySet.visible_to`)."""
        return self.filter(expires_at__gt=Now() if now is None else now)


class BreakGlass(models.Model):
    """A national director opened one nominative file, for a written reason, for a limited time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
        verbose_name=_("utilisateur"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="break_glass_accesses",
        verbose_name=_("personne"),
    )
    reason = models.TextField(_("motif"))
    granted_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("accès exceptionnel")
        verbose_name_plural = _("accès exceptionnels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.person.reference} ({self.granted_at:%d/%m/%Y %H:%M})"

    @staticmethod
    def default_expiry(now=None):
        return (now or timezone.now()) + timedelta(minutes=settings.BREAK_GLASS_MINUTES)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is seen by the person who started it, and by nobody else (not even a director
        of the same place: its file may hold what only the starter's roles may read)."""
        from ancrage.kernel.access import can

        if not getattr(user, "is_authenticated", False) or not can(user, "job", "view"):
            return self.none()
        return self.filter(started_by=user)


class Job(models.Model):
    """A long piece of work run by a worker (an export today; imports and retention runs
    tomorrow): who started it, its kind and parameters, its state and progress, the French
    reason of a failure, and the file it produced, kept for JOB_RESULT_HOURS. The task that runs
    it (`kernel.jobs.run_job`) is idempotent: a retried or duplicated task never does the work
    twice (see docs/architecture.md, "Background jobs")."""

    class State(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminée")
        FAILED = "failed", _("Échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type"), max_length=50)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("lancée par"),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now, db_index=True)
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(_("étapes faites"), default=0)
    total = models.PositiveIntegerField(_("étapes"), default=0)
    failure = models.TextField(_("motif de l'échec"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    task_id = models.CharField(_("tâche"), max_length=64, blank=True)
    # The worker of the last attempt (machine:process), for the operators and the scale-out proof.
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)
    # The file, under MEDIA_ROOT (private, served only to the starter), and until when.
    file = models.CharField(_("fichier"), max_length=200, blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(_("type du fichier"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        indexes = [models.Index(fields=["started_by", "-created_at"], name="job_starter_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="job_done_within_total"
            ),
            # A failure says why; only a failure does.
            models.CheckConstraint(
                condition=models.Q(state="failed", failure__gt="")
                | (~models.Q(state="failed") & models.Q(failure="")),
                name="job_failure_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.kind} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def downloadable(self) -> bool:
        return (
            self.state == self.State.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )
