"""The staff register of each establishment: the adults who work there, employees and
volunteers, with their contract or engagement dates and their role with the children.

Every read goes through `StaffMember.objects.visible_to(user)`: the establishment's director, the
national director and human resources (`staff` in the permission grid); a staff member reads
their own entry only (`StaffMember.objects.own(user)`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.scopes import reach
from ancrage.kernel.versions import Versioned


class StaffMemberQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The entries of the establishments `user` answers for (director: theirs; national
        director and human resources: every establishment of the organisation)."""
        return self.filter(
            reach(user, "staff", action).filter(
                establishment="establishment_id", organisation="establishment__organisation_id"
            )
        )

    def own(self, user):
        """The user's own entries (as an employee or a volunteer of any establishment)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def present(self, day=None):
        """Entries whose contract or engagement covers `day` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class StaffMember(Versioned, models.Model):
    """One adult who works in one establishment: a user of Ancrage, or a person of the registry
    (a volunteer without an account)."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Salarié·e")
        VOLUNTEER = "volunteer", _("Bénévole")

    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="staff_members",
        verbose_name=_("établissement"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_entries",
        verbose_name=_("compte"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_entries",
        verbose_name=_("personne du registre"),
    )
    kind = models.CharField(_("statut"), max_length=10, choices=Kind, default=Kind.EMPLOYEE)
    role_with_children = models.CharField(
        _("rôle auprès des enfants"),
        max_length=200,
        help_text=_(
            "Par exemple : mère SOS de la maison des Tilleuls, psychologue, bénévole du "
            "soutien scolaire."
        ),
    )
    start_date = models.DateField(
        _("début du contrat ou de l'engagement"), validators=[InRange("event")]
    )
    end_date = models.DateField(
        _("fin du contrat ou de l'engagement"),
        null=True,
        blank=True,
        validators=[InRange("event")],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inscrit·e par"),
    )
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["establishment_id", "pk"]
        verbose_name = _("membre du personnel")
        verbose_name_plural = _("registre du personnel")
        constraints = [
            models.CheckConstraint(
                name="staff_member_user_or_person",
                condition=Q(user__isnull=False, person__isnull=True)
                | Q(user__isnull=True, person__isnull=False),
                violation_error_message=_("Un compte ou une personne du registre, l'un des deux."),
            ),
            models.CheckConstraint(
                name="staff_member_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
            models.UniqueConstraint(
                fields=["establishment", "user"],
                condition=Q(user__isnull=False),
                name="staff_member_user_once",
            ),
            models.UniqueConstraint(
                fields=["establishment", "person"],
                condition=Q(person__isnull=False),
                name="staff_member_person_once",
            ),
            date_in_window("staff_member_start_in_window", "start_date"),
            date_in_window("staff_member_end_in_window", "end_date"),
        ]

    def __str__(self):
        return f"{self.name} · {self.establishment}"

    @property
    def name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.username
        return self.person.full_name


class Attestation(models.Model):
    """An attestation d'honorabilité (CASF L133-6, décret 2024-643): the département certifies,
    after checking the criminal record (bulletin n°2) and the FIJAIS, that nothing forbids the
    person to work with minors; the employer verifies it online. Only the facts of the
    verification are kept (date issued, by whom and when it was verified, the verification
    reference), never the content of a record. A refusal is kept as "non délivrée", with its date
    and the director's decision."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("délivrée")
        NOT_DELIVERED = "not_delivered", _("non délivrée")

    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="attestations",
        verbose_name=_("membre du personnel"),
    )
    outcome = models.CharField(_("résultat"), max_length=15, choices=Outcome)
    issued_on = models.DateField(_("délivrée (ou refusée) le"), validators=[InRange("past")])
    verified_on = models.DateField(
        _("vérifiée en ligne le"), null=True, blank=True, validators=[InRange("past")]
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifiée par"),
    )
    reference = models.CharField(_("référence de vérification"), max_length=64, blank=True)
    # Computed from the setting in force when the attestation was recorded
    # (STAFF_ATTESTATION_RENEWAL_MONTHS): a later change of the setting does not move it.
    renewal_due = models.DateField(_("à renouveler le"), null=True, blank=True)
    director_decision = models.TextField(_("décision de la direction"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("attestation d'honorabilité")
        verbose_name_plural = _("attestations d'honorabilité")
        constraints = [
            models.CheckConstraint(
                name="attestation_delivered_is_verified",
                condition=Q(outcome="not_delivered")
                | Q(
                    verified_on__isnull=False,
                    verified_by__isnull=False,
                    renewal_due__isnull=False,
                )
                & ~Q(reference=""),
            ),
            models.CheckConstraint(
                name="attestation_refusal_has_decision",
                condition=Q(outcome="delivered") | ~Q(director_decision=""),
            ),
            date_in_window("attestation_issued_in_window", "issued_on"),
            date_in_window("attestation_verified_in_window", "verified_on"),
            date_in_window("attestation_renewal_in_window", "renewal_due"),
        ]

    def __str__(self):
        return f"{self.staff_member} · {self.get_outcome_display()} · {self.issued_on:%d/%m/%Y}"

    def valid_on(self, day) -> bool:
        return self.outcome == self.Outcome.DELIVERED and self.renewal_due > day


class CodeOfConduct(models.Model):
    """A version of the association's code of conduct (the document itself, checked by
    kernel.uploads). The latest version in force is the one everybody signs: a new version asks
    every adult to sign again."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="codes_of_conduct",
        verbose_name=_("organisation"),
    )
    version = models.CharField(_("version"), max_length=30)
    effective_on = models.DateField(_("en vigueur le"), validators=[InRange("event")])
    file = models.FileField(_("document"), upload_to="staff/code/%Y/")
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("code de conduite")
        verbose_name_plural = _("codes de conduite")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="code_of_conduct_version_once"
            ),
            date_in_window("code_of_conduct_effective_in_window", "effective_on"),
        ]

    def __str__(self):
        return f"{self.version} ({self.effective_on:%d/%m/%Y})"


class CodeSignature(models.Model):
    """One adult's signature of one version of the code of conduct."""

    code = models.ForeignKey(
        CodeOfConduct,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("code de conduite"),
    )
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("membre du personnel"),
    )
    signed_on = models.DateField(_("signé le"), validators=[InRange("past")])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("signature du code de conduite")
        verbose_name_plural = _("signatures du code de conduite")
        constraints = [
            models.UniqueConstraint(fields=["code", "staff_member"], name="code_signature_once"),
            date_in_window("code_signature_signed_in_window", "signed_on"),
        ]

    def __str__(self):
        return f"{self.staff_member} · {self.code} · {self.signed_on:%d/%m/%Y}"


class Course(models.Model):
    """A safeguarding course of the association's catalogue: the induction every newcomer takes
    within STAFF_INDUCTION_DAYS of arriving, a refresher taken every STAFF_REFRESHER_MONTHS, or
    another course (counted as safeguarding training too)."""

    class Kind(models.TextChoices):
        INDUCTION = "induction", _("Formation d'accueil")
        REFRESHER = "refresher", _("Recyclage")
        OTHER = "other", _("Autre formation à la bientraitance")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("type"), max_length=15, choices=Kind)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("formation")
        verbose_name_plural = _("catalogue des formations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="course_name_once")
        ]

    def __str__(self):
        return self.name


class Training(models.Model):
    """A course a staff member attended, and when."""

    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="trainings",
        verbose_name=_("membre du personnel"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("formation")
    )
    attended_on = models.DateField(_("suivie le"), validators=[InRange("past")])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["-attended_on", "-pk"]
        verbose_name = _("formation suivie")
        verbose_name_plural = _("formations suivies")
        constraints = [date_in_window("training_attended_in_window", "attended_on")]

    def __str__(self):
        return f"{self.staff_member} · {self.course} · {self.attended_on:%d/%m/%Y}"


class Standing(models.Model):
    """The stored summary of one staff member's record, what the homes' flags read instead of
    every attestation and training (staff.standing keeps it): their latest attestation (the
    first by date issued, then by recording), the day of their last safeguarding course and
    whether one of their courses was the induction. Written by the staff services in the same
    transaction as the attestation, the training or the entry it follows; rebuilt from scratch by
    `ancrage rebuild_staff_standing`.

    Nothing here changes with the passing of time: what does (an attestation to renew, lapsed; a
    course due, late; a contract begun or ended) is the comparison of a stored date with today
    at read time: the attestation's renewal date, the last course's day, the contract's dates."""

    member = models.OneToOneField(
        StaffMember,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="standing",
        verbose_name=_("membre du personnel"),
    )
    # RESTRICT: an attestation is deleted only with its member (then this row goes too); never
    # alone, which would leave the summary pointing at nothing.
    latest_attestation = models.ForeignKey(
        Attestation,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dernière attestation d'honorabilité"),
    )
    last_training_on = models.DateField(_("dernière formation suivie le"), null=True, blank=True)
    induction_taken = models.BooleanField(_("formation d'accueil suivie"), default=False)

    class Meta:
        verbose_name = _("situation d'un membre du personnel")
        verbose_name_plural = _("situations du personnel")

    def __str__(self):
        return f"{self.member_id} · {self.latest_attestation_id} · {self.last_training_on}"
