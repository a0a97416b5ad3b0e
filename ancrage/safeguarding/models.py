"""Safeguarding: incident reports, their qualification, handling and follow-up until closed.

The narrative, the immediate measures and the adults involved are encrypted at rest
(django-fernet-encrypted-fields, keys from settings.SALT_KEY). Every read goes through
`Incident.objects.visible_to(user)`; every status change leaves an `IncidentTransition`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import CreatedRecord
from ancrage.kernel.scopes import reach


def incident_scope(user, path: str = "") -> Q:
    """The condition on the incidents this user may read, `path` leading from the model filtered
    to its incident ("" for incidents themselves, "incident__" for declarations):

    - the reporter, their own reports (they keep read access after qualification);
    - heads of service and establishment directors (roles that qualify), their
      establishment's incidents;
    - the national director, every incident of the organisation's establishments;
    - nobody else: other house staff, clinicians, finance, funders, tech admin see none.
    """
    condition = reach(user, "incident", "qualify").filter(
        establishment=f"{path}establishment_id"
    ) | reach(user, "incident", "view").filter(organisation=f"{path}establishment__organisation_id")
    if reach(user, "incident", "report"):
        condition |= Q(**{f"{path}reporter": user})
    return condition


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The incidents this user may read (see `incident_scope`)."""
        return self.filter(incident_scope(user))


class Incident(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", _("Signalé")
        QUALIFIED = "qualified", _("Qualifié")
        BEING_HANDLED = "being_handled", _("En cours de traitement")
        CLOSED = "closed", _("Clos")

    class Category(models.TextChoices):
        MALTREATMENT = "maltreatment", _("Maltraitance")
        VIOLENCE_BETWEEN_CHILDREN = "violence_between_children", _("Violence entre enfants")
        DISAPPEARANCE = "disappearance", _("Disparition, fugue")
        SUICIDE_ATTEMPT = "suicide_attempt", _("Tentative de suicide")
        ACCIDENTAL_DEATH = "accidental_death", _("Décès accidentel")
        CARE_FAILURE = "care_failure", _("Défaut de soins ou de surveillance")
        STAFF_SHORTAGE = "staff_shortage", _("Manque de personnel")
        EQUIPMENT_FAILURE = "equipment_failure", _("Défaillance d'équipement")
        EXTREME_WEATHER = "extreme_weather", _("Événement climatique extrême")
        MALICIOUS_ACT = "malicious_act", _("Acte de malveillance")
        OTHER = "other", _("Autre")

    class Severity(models.TextChoices):
        MINOR = "minor", _("Mineure")
        SERIOUS = "serious", _("Grave")
        CRITICAL = "critical", _("Très grave")

    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("village"),
    )
    occurred_at = models.DateTimeField(_("date et heure des faits"), validators=[InRange("past")])
    place = models.CharField(_("lieu"), max_length=200)
    narrative = EncryptedTextField(_("ce qui s'est passé"))
    # Empty values are stored as NULL by the encrypted field, hence null=True.
    immediate_measures = EncryptedTextField(
        _("mesures prises immédiatement"), blank=True, null=True
    )
    adults_involved = EncryptedTextField(_("adultes concernés"), blank=True, null=True)
    children = models.ManyToManyField(
        "people.Person",
        through="IncidentChild",
        related_name="incidents",
        verbose_name=_("enfants concernés"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
        verbose_name=_("auteur du signalement"),
    )
    reported_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    status = models.CharField(
        _("état"), max_length=20, choices=Status, default=Status.REPORTED, db_index=True
    )
    category = models.CharField(_("catégorie"), max_length=40, choices=Category, blank=True)
    severity = models.CharField(_("gravité"), max_length=20, choices=Severity, blank=True)
    serious_malfunction_to_declare = models.BooleanField(
        _("dysfonctionnement grave à déclarer à l'autorité"), default=False
    )
    information_preoccupante = models.BooleanField(
        _("information préoccupante (CRIP)"), default=False
    )
    signalement = models.BooleanField(
        _("signalement au procureur (copie au département)"), default=False
    )
    outcome = models.TextField(_("issue"), blank=True)
    # Kept by the services for the follow-up indicators (SQL aggregation, no join on the
    # history): the first qualification, and the current closing (cleared on reopening).
    qualified_at = models.DateTimeField(_("qualifié le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        indexes = [
            models.Index(fields=["establishment", "-occurred_at"], name="incident_village_idx")
        ]
        constraints = [
            date_in_window("incident_occurred_at_in_window", "occurred_at", is_datetime=True),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="incident_closed_has_outcome"
            ),
            models.CheckConstraint(
                condition=Q(status="reported") | (~Q(category="") & ~Q(severity="")),
                name="incident_qualified_has_category",
            ),
        ]

    def __str__(self):
        return _("Signalement n° %(pk)s") % {"pk": self.pk}


class IncidentChild(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", _("Victime")
        WITNESS = "witness", _("Témoin")
        ALLEGED_AUTHOR = "alleged_author", _("Auteur présumé")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="involved", verbose_name=_("signalement")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="incident_roles",
        verbose_name=_("enfant"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role)

    class Meta:
        verbose_name = _("enfant concerné")
        verbose_name_plural = _("enfants concernés")
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="incident_child_once")
        ]

    def __str__(self):
        return f"{self.person.reference} · {self.get_role_display()}"


class IncidentTransition(models.Model):
    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("signalement"),
    )
    from_status = models.CharField(_("de"), max_length=20, choices=Incident.Status, blank=True)
    to_status = models.CharField(_("vers"), max_length=20, choices=Incident.Status)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status} ({self.at:%d/%m/%Y %H:%M})"


class IncidentAction(CreatedRecord):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="actions", verbose_name=_("signalement")
    )
    what = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="incident_actions",
        verbose_name=_("responsable"),
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    # kept as it was (set on insert): the kernel's default=timezone.now is the same column, but
    # Django would rebuild the SQLite table to change it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.what


# A written confirmation is due within 48 hours of the oral alert to the authority.
CONFIRMATION_DELAY = timedelta(hours=48)


class DeclarationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The declarations of the incidents this user may read."""
        return self.filter(incident_scope(user, "incident__"))

    def confirmation_overdue(self, now=None):
        """Declarations whose authority was alerted 48 hours ago or more and which are still
        not confirmed in writing."""
        now = now or timezone.now()
        return self.filter(
            alerted_at__isnull=False,
            alerted_at__lte=now - CONFIRMATION_DELAY,
            confirmed_at__isnull=True,
        )


class Declaration(models.Model):
    """The declaration to the authority of a serious malfunction or event (CASF L331-8-1,
    arrêté du 28 décembre 2016): its content, the oral alert, the written confirmation, and the
    information of the participation council (CVS) and of the families."""

    incident = models.OneToOneField(
        Incident,
        on_delete=models.CASCADE,
        related_name="declaration",
        verbose_name=_("signalement"),
    )
    discovered_at = models.DateTimeField(_("date et heure de la découverte"))
    facts = EncryptedTextField(_("faits"))
    measures_taken = EncryptedTextField(_("mesures prises"))
    media_impact = EncryptedTextField(_("impact médiatique"), blank=True, null=True)
    justice_habilitation = models.BooleanField(
        _("village habilité justice (copie au préfet)"), default=False
    )
    alerted_at = models.DateTimeField(_("autorité alertée le"), null=True, blank=True)
    alerted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("alerte donnée par"),
    )
    alerted_to = models.CharField(_("alerte reçue par"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée par écrit le"), null=True, blank=True)
    cvs_informed_on = models.DateField(_("CVS informé le"), null=True, blank=True)
    cvs_informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("CVS informé par"),
    )
    families_informed_on = models.DateField(_("familles informées le"), null=True, blank=True)
    families_informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("familles informées par"),
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("déclaration à l'autorité")
        verbose_name_plural = _("déclarations à l'autorité")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(alerted_at__isnull=False),
                name="declaration_confirmed_after_alert",
            )
        ]

    def __str__(self):
        return _("Déclaration du signalement n° %(pk)s") % {"pk": self.incident_id}

    def confirmation_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(
            self.alerted_at
            and not self.confirmed_at
            and self.alerted_at <= now - CONFIRMATION_DELAY
        )


class IncidentDraft(models.Model):
    """A report being written, saved as its author types: visible to its author only, encrypted
    like the narrative, deleted when the report is submitted."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_drafts"
    )
    establishment = models.ForeignKey(
        "organisation.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    data = EncryptedTextField(_("brouillon"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brouillon de signalement")
        verbose_name_plural = _("brouillons de signalement")
        constraints = [
            models.UniqueConstraint(fields=["author", "establishment"], name="incident_draft_once")
        ]

    def __str__(self):
        return f"{self.author} · {self.establishment_id}"
