"""Safeguarding: incident reports, their qualification, handling and follow-up until closed.

The narrative, the immediate measures and the adults involved are encrypted at rest
(django-fernet-encrypted-fields, keys from settings.SALT_KEY). Every read goes through
`Incident.objects.visible_to(user)`; every status change leaves an `IncidentTransition`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from ancrage.kernel.calendar import add_hours, add_months, within_hours, within_hours_sql
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

    def alert_missing(self):
        """Incidents qualified as a serious malfunction to declare whose authority has not been
        alerted: the duty is "sans délai" (CASF L331-8-1, arrêté du 28 décembre 2016), so they
        are late from their qualification on."""
        return self.filter(serious_malfunction_to_declare=True).exclude(
            Exists(Declaration.objects.filter(incident=OuterRef("pk"), alerted_at__isnull=False))
        )


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
        # a village, or another establishment of the organisation (a family-strengthening
        # service: a concern about a child supported at home)
        verbose_name=_("établissement"),
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
    # kept by `refresh_declaration_pending` after every write of the incident or its declaration
    # (apps.py): the candidates of the late declarations (`queries.declarations_late`), read
    # through a partial index that holds only them
    declaration_pending = models.BooleanField(
        _("déclaration à l'autorité non close"), default=False, db_default=False, editable=False
    )
    outcome = models.TextField(_("issue"), blank=True)
    # The reporter asks for an information préoccupante to the département's CRIP (a family
    # worker's concern about a child at home): those who handle the incident transmit it.
    information_preoccupante_proposed = models.BooleanField(
        _("information préoccupante à la CRIP proposée par l'auteur"), default=False
    )
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
            models.Index(fields=["establishment", "-occurred_at"], name="incident_village_idx"),
            models.Index(
                fields=["qualified_at", "id"],
                condition=Q(declaration_pending=True),
                name="incident_declaration_pending",
            ),
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

    @property
    def alert_missing(self) -> bool:
        """Whether the authority still has to be alerted (see `IncidentQuerySet.alert_missing`);
        reads the declaration (select it with the incident)."""
        declaration = getattr(self, "declaration", None)
        return self.serious_malfunction_to_declare and not (declaration and declaration.alerted_at)


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


# A written confirmation is due within 48 hours of the oral alert to the authority (arrêté du
# 28 décembre 2016). One rule, `kernel.calendar.within_hours` (the limit itself is on time), and
# its SQL twin: the flag, the indicator, the home block and the declaration page all use it.
CONFIRMATION_HOURS = 48


def confirmed_in_time_sql() -> Q:
    """The declarations confirmed in writing within 48 hours of the alert, in SQL."""
    return within_hours_sql("alerted_at", "confirmed_at", CONFIRMATION_HOURS)


def confirmation_overdue_q(now=None, prefix: str = "") -> Q:
    """The declarations alerted more than 48 hours before `now` and still not confirmed in
    writing, as a condition (`prefix` "declaration__" from an incident)."""
    now = now or timezone.now()
    return Q(
        **{
            f"{prefix}alerted_at__isnull": False,
            f"{prefix}alerted_at__lt": add_hours(now, -CONFIRMATION_HOURS),
            f"{prefix}confirmed_at__isnull": True,
        }
    )


class DeclarationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The declarations of the incidents this user may read."""
        return self.filter(incident_scope(user, "incident__"))

    def confirmation_overdue(self, now=None):
        """Declarations alerted more than 48 hours before `now` and still not confirmed in
        writing: `now` is no longer within 48 hours of the alert (at 48 h 00 a confirmation
        is still on time)."""
        return self.filter(confirmation_overdue_q(now))


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
        """Alerted, not confirmed in writing, and `now` no longer within 48 hours of the
        alert."""
        now = now or timezone.now()
        return bool(
            self.alerted_at
            and not self.confirmed_at
            and not within_hours(self.alerted_at, now, CONFIRMATION_HOURS)
        )

    @property
    def confirmed_in_time(self) -> bool | None:
        """Whether the written confirmation came within 48 hours of the alert (None before
        it is sent)."""
        if not (self.alerted_at and self.confirmed_at):
            return None
        return within_hours(self.alerted_at, self.confirmed_at, CONFIRMATION_HOURS)


# The CRIP evaluates an information préoccupante within 3 months of receiving it (CASF L226-3;
# the rule of domain.md).
CRIP_EVALUATION_MONTHS = 3


def evaluation_due(kind: str, received_on):
    """The CRIP's evaluation deadline of an information préoccupante: 3 months after its receipt
    (kernel.calendar.add_months: received on 30 November, due on 28 February); None for a
    signalement or before the receipt is known."""
    if kind != "information_preoccupante" or received_on is None:
        return None
    return add_months(received_on, CRIP_EVALUATION_MONTHS)


class TransmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The transmissions of the incidents this user may read."""
        return self.filter(incident_scope(user, "incident__"))

    def evaluation_overdue(self, today=None):
        """Informations préoccupantes received by the CRIP whose evaluation deadline (3 months
        after receipt, the day itself on time) has passed with no outcome recorded."""
        today = today or timezone.localdate()
        return self.filter(evaluation_due__lt=today, outcome="")


class Transmission(CreatedRecord):
    """An information préoccupante sent to the département's CRIP, or a signalement sent to the
    procureur de la République with its copy to the président du conseil départemental (CASF
    L226-3, L226-4 II): what, when, by whom, to whom; for an information préoccupante, the day
    the CRIP received it and so its evaluation deadline (3 months); the outcome when known.

    The moment and the sender are empty only on the records taken over from the former
    qualification checkboxes (migration 0005), which never said when nor by whom: the page asks
    for them."""

    class Kind(models.TextChoices):
        INFORMATION_PREOCCUPANTE = (
            "information_preoccupante",
            _("Information préoccupante à la CRIP du département"),
        )
        SIGNALEMENT = "signalement", _("Signalement au procureur de la République")

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", _("Classement sans suite")
        ADMINISTRATIVE_PROTECTION = (
            "administrative_protection",
            _("Mesure de protection administrative (ASE)"),
        )
        JUDGE_SEIZED = "judge_seized", _("Saisine du juge des enfants")
        CRIMINAL_PROCEEDINGS = "criminal_proceedings", _("Enquête ou poursuites pénales")
        OTHER = "other", _("Autre suite")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="transmissions",
        verbose_name=_("signalement"),
    )
    kind = models.CharField(_("transmission"), max_length=30, choices=Kind)
    transmitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("transmise par"),
    )
    recipient = models.CharField(_("destinataire"), max_length=200)
    copy_to = models.CharField(_("copie à"), max_length=200, blank=True)
    received_on = models.DateField(_("reçue par la CRIP le"), null=True, blank=True)
    outcome = models.CharField(_("suite donnée"), max_length=30, choices=Outcome, blank=True)
    outcome_on = models.DateField(_("suite connue le"), null=True, blank=True)
    # Kept by save() from the receipt (kernel.calendar.add_months): the échéancier and the
    # flags filter on it in SQL, where the French end-of-month rule has no twin.
    evaluation_due = models.DateField(
        _("évaluation attendue le"), null=True, blank=True, editable=False
    )

    objects = TransmissionQuerySet.as_manager()

    class Meta:
        ordering = ["transmitted_at", "pk"]
        verbose_name = _("transmission")
        verbose_name_plural = _("transmissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True)
                | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="transmission_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(kind="information_preoccupante") | Q(received_on__isnull=True),
                name="transmission_receipt_by_crip",
            ),
            models.CheckConstraint(
                condition=Q(kind="information_preoccupante") | ~Q(copy_to=""),
                name="transmission_signalement_has_copy",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.recipient}"

    def save(self, *args, **kwargs):
        self.evaluation_due = evaluation_due(self.kind, self.received_on)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "received_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "evaluation_due"}
        super().save(*args, **kwargs)

    def evaluation_overdue(self, today=None) -> bool:
        """The deadline has passed (the day itself is on time) and no outcome is known."""
        due = self.evaluation_due
        today = today or timezone.localdate()
        return bool(due and not self.outcome and due < today)


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


class IndicatorsState(models.Model):
    """One row: how many times incidents or declarations were written (counted from the first
    write after the database was made). The organisation-wide indicators are stored per day
    and per state (`StoredIndicators`): a figure stored for an earlier state is never read
    again, as the association's co-placement (placements.models.co_placement)."""

    value = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("état des signalements (indicateurs)")

    def __str__(self):
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0

    @classmethod
    def move_on(cls) -> None:
        """An incident or a declaration was written: indicators stored before are stale (one
        UPDATE in the writer's transaction; reports and qualifications, a few a day per
        village, take turns on the row until their commit)."""
        if not cls.objects.filter(pk=1).update(value=models.F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})
        StoredIndicators.objects.all().delete()


class StoredIndicators(models.Model):
    """The organisation-wide indicators (per month and per village, `indicators.
    compute_months_and_villages`) of one scope of incidents, computed on `day` at state
    `state` of the incidents (see `IndicatorsState`): one row for the months (`village` 0,
    `data` {"months": rows}) and one per village with incidents (`data` its row, as
    `indicators.dump` writes it; its `total` and `serious` incidents stored apart, for the
    indicators page's sorts), so that a page of villages reads only its villages' rows."""

    ORGANISATION = 0

    scope = models.CharField(_("périmètre"), max_length=200)
    day = models.DateField(_("jour"))
    state = models.PositiveBigIntegerField(_("version"))
    village = models.PositiveBigIntegerField(_("village"), default=0, db_default=0)
    total = models.PositiveIntegerField(_("signalements"), default=0, db_default=0)
    serious = models.PositiveIntegerField(_("signalements graves"), default=0, db_default=0)
    data = models.JSONField(_("indicateurs"))

    class Meta:
        verbose_name = _("indicateurs de l'organisation (calculés)")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "day", "state", "village"], name="stored_indicators_unique"
            )
        ]

    def __str__(self):
        return f"{self.scope} {self.day:%d/%m/%Y} {self.village}"


def incidents_written(**kwargs) -> None:
    """Receiver of the writes of incidents and declarations (safeguarding/apps.py)."""
    IndicatorsState.move_on()


def declaration_pending_q() -> Q:
    """The incidents whose declaration to the authority is not closed: qualified as a serious
    malfunction and the authority not alerted, or alerted and not confirmed in writing. Every
    late declaration (`queries.declarations_late`, at any instant) is among them; they are
    few (a declaration closes with its written confirmation), whatever the incidents."""
    alerted = Declaration.objects.filter(incident=OuterRef("pk"), alerted_at__isnull=False)
    return (Q(serious_malfunction_to_declare=True) & ~Exists(alerted)) | Exists(
        alerted.filter(confirmed_at__isnull=True)
    )


def refresh_declaration_pending(incidents=None) -> int:
    """Set `Incident.declaration_pending` of `incidents` (a queryset or ids; every incident
    when None) to `declaration_pending_q`, writing only the rows that change (two UPDATEs;
    after the bulk writes of the seed, and from the receivers of apps.py)."""
    rows = Incident.objects.all()
    if incidents is not None:
        rows = rows.filter(pk__in=incidents)
    pending = declaration_pending_q()
    changed = rows.filter(pending, declaration_pending=False).update(declaration_pending=True)
    return changed + rows.filter(~pending, declaration_pending=True).update(
        declaration_pending=False
    )


def declaration_written(sender, instance, update_fields=None, **kwargs) -> None:
    """Receiver of the writes of incidents and declarations (apps.py): the incident's
    `declaration_pending` follows the fields it depends on (nothing when a save names others,
    as the services' version bumps)."""
    if sender is Incident:
        if kwargs.get("created") and not instance.serious_malfunction_to_declare:
            return
        watched, incident = {"serious_malfunction_to_declare"}, instance.pk
    else:
        watched, incident = {"alerted_at", "confirmed_at"}, instance.incident_id
    if update_fields is not None and not watched & set(update_fields):
        return
    refresh_declaration_pending([incident])
