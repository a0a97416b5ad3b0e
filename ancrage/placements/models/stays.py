"""Stays in the family houses (who lives where, from when to when) and the recorded
justifications of the sibling rule (Code civil art. 371-5) that hang on them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import WINDOW_END, InRange, date_in_window
from ancrage.kernel.models import end_not_before_start
from ancrage.placements.models.admissions import AdmissionRequest
from ancrage.placements.models.measures import ProtectionMeasure

# A stay's departure for the index of the stays living somewhere on a day: the open stays sort
# after every departure (the last day of kernel.dates' window).
LEAVES = Coalesce("end_date", Value(WINDOW_END))


class StayQuerySet(models.QuerySet):
    def current(self, day=None):
        """Stays covering `day` (today by default); the end date is the day of departure."""
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gt=day))

    def living(self, day=None):
        """The same stays as `current`, written for the organisation's counts: the departure
        read through the `stay_leaves_idx` expression (no departure: the calendar's last day),
        so the database counts them from that index alone (today's stays, never the history)."""
        day = day or timezone.localdate()
        return self.alias(leaves=LEAVES).filter(start_date__lte=day, leaves__gt=day)

    def overlapping(self, start, end=None):
        """Stays sharing at least one day with [start, end) (end None: open-ended)."""
        queryset = self.filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        if end is not None:
            queryset = queryset.filter(start_date__lt=end)
        return queryset


class Stay(models.Model):
    """A child lives in one house from `start_date` (arrival) to `end_date` (the day they leave,
    empty while they live there). Moves and exits close a stay; the history stays."""

    class ExitReason(models.TextChoices):
        RETURN_TO_FAMILY = "return_to_family", _("Retour en famille")
        OTHER_PLACEMENT = "other_placement", _("Autre lieu de placement")
        MOVE = "move", _("Changement de maison")
        MAJORITY = "majority", _("Majorité")
        AUTONOMY = "autonomy", _("Départ en autonomie")
        OTHER = "other", _("Autre")

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="stays", verbose_name=_("enfant")
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="stays",
        verbose_name=_("maison"),
    )
    measure = models.ForeignKey(
        ProtectionMeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stays",
        verbose_name=_("mesure"),
    )
    admission = models.ForeignKey(
        AdmissionRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stays",
        verbose_name=_("demande d'admission"),
    )
    start_date = models.DateField(_("arrivée"), validators=[InRange("event")])
    end_date = models.DateField(_("départ"), null=True, blank=True, validators=[InRange("event")])
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=30, choices=ExitReason, blank=True
    )
    exit_note = models.TextField(_("précisions sur la sortie"), blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("séjour")
        verbose_name_plural = _("séjours")
        constraints = [
            date_in_window("stay_end_date_in_window", "end_date"),
            date_in_window("stay_start_date_in_window", "start_date"),
            end_not_before_start("stay_dates_in_order"),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(exit_reason=""))
                | (Q(end_date__isnull=False) & ~Q(exit_reason="")),
                name="stay_end_and_reason_together",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "end_date"], name="stay_unit_end_idx"),
            models.Index(fields=["child", "start_date"], name="stay_child_start_idx"),
            # the organisation's count of the children living in its houses (`living`)
            models.Index(LEAVES, F("start_date"), F("unit"), name="stay_leaves_idx"),
        ]

    def __str__(self):
        return f"{self.child} · {self.unit} · {self.start_date:%d/%m/%Y}"


class SiblingSeparation(models.Model):
    """Why a child does not live with a placed brother or sister (Code civil art. 371-5): the
    recorded justification that any separating admission or move requires."""

    class Reason(models.TextChoices):
        NO_ROOM_TOGETHER = (
            "no_room_together",
            _("Pas de maison pouvant accueillir toute la fratrie"),
        )
        CHILD_INTEREST = "child_interest", _("Intérêt de l'un des enfants (évaluation)")
        JUDGE_DECISION = "judge_decision", _("Décision du juge")
        AGE_OR_NEEDS = "age_or_needs", _("Âge ou besoins incompatibles avec une même maison")
        CONFLICT = "conflict", _("Relations conflictuelles ou danger entre enfants")
        CHILD_WISH = "child_wish", _("Souhait exprimé par l'enfant")
        OTHER = "other", _("Autre motif")

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="separations",
        verbose_name=_("enfant"),
    )
    sibling = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("frère ou sœur")
    )
    stay = models.ForeignKey(
        Stay, on_delete=models.PROTECT, related_name="separations", verbose_name=_("séjour")
    )
    reason = models.CharField(_("motif"), max_length=30, choices=Reason)
    explanation = models.TextField(_("explication"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("séparation de fratrie justifiée")
        verbose_name_plural = _("séparations de fratrie justifiées")
        constraints = [
            models.CheckConstraint(
                condition=~Q(child=models.F("sibling")), name="separation_not_self"
            ),
            models.CheckConstraint(condition=~Q(explanation=""), name="separation_explained"),
        ]

    def __str__(self):
        return f"{self.child} / {self.sibling} · {self.get_reason_display()}"
