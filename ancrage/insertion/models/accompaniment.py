"""The accompaniment of 9 months (12 with a reason): barriers, objectives and their actions,
referrals to partners, trainee-remuneration periods."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.beneficiary import Beneficiary
from ancrage.insertion.models.programme import ACCOMPANIMENT_MONTHS, EXTENDED_ACCOMPANIMENT_MONTHS
from ancrage.kernel.calendar import add_months
from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import end_not_before_start
from ancrage.kernel.versions import Versioned


class Accompaniment(Versioned, models.Model):
    """The socio-professional accompaniment: 9 months at most, 12 with a recorded reason. Two
    counsellors may extend it at once: versioned (kernel.versions)."""

    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.CASCADE, related_name="accompaniment"
    )
    start_date = models.DateField(_("début"), validators=[InRange("event")])
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("conseiller référent"),
    )
    limit_date = models.DateField(_("échéance"))
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    # The day the extension was decided (entered, on or before the 9-month date).
    extended_on = models.DateField(_("prolongation décidée le"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_date = models.DateField(_("fin"), null=True, blank=True)
    # The file's service and team, copied when it opens (a file never changes team): the O2R
    # alerts are read and counted in the scope's own index, without joining every file.
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        constraints = [
            date_in_window("accompaniment_start_date_in_window", "start_date"),
            models.CheckConstraint(
                condition=Q(extended_on__isnull=True) | ~Q(extension_reason=""),
                name="accompaniment_extension_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["end_date", "limit_date"], name="accompaniment_limit_idx"),
            # the O2R home's alerts of a service or a team, counted and read a page at a time in
            # their order from the index: only the open accompaniments of the scope, not every
            # file of the service joined and sorted
            models.Index(
                fields=["service", "limit_date", "id"],
                condition=Q(end_date__isnull=True),
                name="accompaniment_service_open_idx",
            ),
            models.Index(
                fields=["team", "limit_date", "id"],
                condition=Q(end_date__isnull=True),
                name="accompaniment_team_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary} · {self.start_date:%d/%m/%Y}"

    @property
    def nine_months_date(self):
        return add_months(self.start_date, ACCOMPANIMENT_MONTHS)

    @property
    def twelve_months_date(self):
        return add_months(self.start_date, EXTENDED_ACCOMPANIMENT_MONTHS)

    @property
    def extended(self):
        return self.extended_on is not None

    @property
    def ended_past_the_limit(self) -> bool:
        """Ended after its limit (9 months, or the extension's end): an overrun, shown on the
        file and counted in the report."""
        return self.end_date is not None and self.end_date > self.limit_date


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
            end_not_before_start("remuneration_period_order", optional=False),
        ]

    def __str__(self):
        return f"{self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"
