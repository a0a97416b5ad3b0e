"""The record that a staff member got their deadline reminder on a given day, so the daily job
can run twice without sending twice; the overdue deadlines of each child, kept for the homes."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineReminder(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    sent_on = models.DateField(_("envoyé le"))
    count = models.PositiveIntegerField(_("échéances rappelées"))

    class Meta:
        verbose_name = _("rappel d'échéances")
        verbose_name_plural = _("rappels d'échéances")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_day")
        ]

    def __str__(self):
        return f"{self.user} · {self.sent_on:%d/%m/%Y}"


def _new_stamp() -> int:
    return secrets.randbits(62)


class OverdueSummary(models.Model):
    """How many of one child's legal deadlines are overdue, per village of their current stays,
    as the engine (care.services.deadlines) computed them on `day` for the state `stamp` of the
    child's deadline inputs (stays, measures, PPE and its versions and reviews, planned reviews,
    situation reports, judge notifications, birth date).

    Every write of an input draws a new `stamp` in the writer's transaction
    (`inputs_changed`, from the receivers of apps.py); a reader trusts the counts only when
    `computed_stamp` is still `stamp` and `day` is its day, and stores what it recomputed with a
    compare-and-set on the stamp it read before reading the inputs: a writer that commits in
    between leaves the row stale, never wrong (queries.deadlines.overdue_counts)."""

    child = models.OneToOneField(
        "people.Person",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        # a receiver may draw a stamp for a child deleted in the same cascade: a harmless
        # orphan row rather than a foreign-key failure at commit
        db_constraint=False,
    )
    stamp = models.BigIntegerField(_("état des données"), default=_new_stamp)
    computed_stamp = models.BigIntegerField(_("état compté"), null=True, blank=True)
    day = models.DateField(_("jour"), null=True, blank=True)
    # "village:count;village:count", the villages of the child's current stays on `day`
    counts = models.TextField(_("échéances en retard"), blank=True, default="")

    class Meta:
        verbose_name = _("échéances en retard d'un enfant")
        verbose_name_plural = _("échéances en retard des enfants")

    def __str__(self):
        return f"{self.child_id} · {self.counts}"

    @classmethod
    def inputs_changed(cls, child_ids) -> None:
        """The deadline inputs of these children were written: a new stamp for each, inserted
        if the child has no row yet (an upsert, so that a reader inserting the row at the same
        time waits for this transaction and reads the inputs after it)."""
        ids = sorted({int(c) for c in child_ids if c is not None})
        if not ids:
            return
        cls.objects.bulk_create(
            [cls(child_id=c, stamp=_new_stamp()) for c in ids],
            update_conflicts=True,
            unique_fields=["child"],
            update_fields=["stamp"],
        )

    def decoded(self) -> dict[int, int]:
        return decode_counts(self.counts)


def encode_counts(counts: dict[int, int]) -> str:
    return ";".join(f"{village}:{n}" for village, n in sorted(counts.items()))


def decode_counts(text: str) -> dict[int, int]:
    if not text:
        return {}
    return {int(v): int(n) for v, n in (part.split(":") for part in text.split(";"))}


def deadline_inputs_written(sender, instance, created=False, **kwargs):
    """Receiver (apps.py) of the saves and deletes of every model the deadline engine reads:
    the children it concerns get a new stamp in the writer's transaction."""
    from ancrage.care.models.ppe import PPE
    from ancrage.organisation.models import Unit
    from ancrage.people.models import Person
    from ancrage.placements.models import ProtectionMeasure, Stay

    if sender is Person:
        if created:  # nothing was counted for a person who did not exist
            return
        children = [instance.pk]
    elif sender is Unit:
        # a house moved to another village changes the arrivals of every child who lived there
        children = list(
            Stay.objects.filter(unit_id=instance.pk).values_list("child_id", flat=True).distinct()
        )
    elif hasattr(instance, "child_id"):
        children = [instance.child_id]
        if sender is ProtectionMeasure and instance.renews_id:
            children += ProtectionMeasure.objects.filter(pk=instance.renews_id).values_list(
                "child_id", flat=True
            )
    else:  # the PPE's versions, reviews and planned reviews
        children = list(PPE.objects.filter(pk=instance.ppe_id).values_list("child_id", flat=True))
    OverdueSummary.inputs_changed(children)
