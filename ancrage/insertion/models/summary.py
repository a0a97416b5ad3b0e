"""The activity report's stored summaries and the writes that make them stale.

Every write to a programme's O2R records adds a `ReportChange` row in its own transaction
(append-only: concurrent writers never wait for one another). A `ReportSummary` keeps a published
report with the number of the programme's changes when it was built: it is current while that
number has not moved (ancrage/insertion/summary.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.programme import Programme
from ancrage.kernel.scopes import reach


class ReportChange(models.Model):
    """A write to one of the programme's O2R records (one row per write, never updated)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("modification O2R")

    def __str__(self):
        return f"{self.programme_id} #{self.pk}"


class ReportChangeTally(models.Model):
    """The changes of a programme folded away (their rows deleted in the same transaction): the
    count of changes is this tally plus the rows left."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="+")
    folded = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("modifications O2R repliées")

    def __str__(self):
        return f"{self.programme_id}: {self.folded}"


class ReportSummary(models.Model):
    """A published report (figures and disclosure result) for one programme, one view (the
    programme's, or some services') and one period, and the programme's count of changes when it
    was built."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=500)  # the code's fingerprint, the view and its services
    start = models.DateField()
    end = models.DateField()
    members = models.JSONField()  # the service ids of each member (or of the service view)
    consolidated = models.BooleanField()
    changes = models.PositiveBigIntegerField()
    figures = models.JSONField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("synthèse du rapport O2R")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key", "start", "end"], name="report_summary_unique"
            )
        ]

    def __str__(self):
        return f"{self.programme_id} {self.start}–{self.end}"


class TallyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tallies of the teams and services the user reaches: the beneficiaries' as the
        permission table grants "beneficiary", the contacts' as it grants "outreach" (the
        scopes of `Beneficiary.objects.visible_to` and `Contact.objects.visible_to`)."""
        condition = models.Q(pk__in=[])
        for keys, kind in (
            (Tally.BENEFICIARY_KEYS, "beneficiary"),
            (Tally.CONTACT_KEYS, "outreach"),
        ):
            where = reach(user, kind)
            if where:
                condition |= models.Q(key__in=keys) & where.filter(
                    unit="team_id", establishment="service_id"
                )
        return self.filter(condition)


class Tally(models.Model):
    """How many beneficiaries of one team are at each step, and how many contacts it has (all,
    and those not yet beneficiaries): the O2R home's and the beneficiary list's counts, read
    without counting the rows. The services that write beneficiaries and contacts keep them
    exact in the same transaction (ancrage/insertion/tallies.py); `tallies.rebuild` makes them
    again from the rows (the seed's bulk inserts, the migration)."""

    class Key(models.TextChoices):
        REMOBILISATION = "remobilisation", _("en remobilisation")
        ACCOMPANIMENT = "accompaniment", _("en accompagnement")
        EXITED = "exited", _("sortis")
        CONTACTS = "contacts", _("contacts")
        ANONYMOUS = "anonymous", _("contacts non encore bénéficiaires")

    # the beneficiaries' keys are their statuses (`Beneficiary.Status`)
    BENEFICIARY_KEYS = (Key.REMOBILISATION, Key.ACCOMPANIMENT, Key.EXITED)
    CONTACT_KEYS = (Key.CONTACTS, Key.ANONYMOUS)

    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20, choices=Key)
    n = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("effectif O2R")
        constraints = [
            models.UniqueConstraint(fields=["service", "team", "key"], name="tally_unique")
        ]

    def __str__(self):
        return f"{self.service_id}/{self.team_id} {self.key}: {self.n}"
