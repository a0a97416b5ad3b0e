"""The activity report's stored summaries and the writes that make them stale.

Every write to a programme's O2R records adds a `ReportChange` row in its own transaction
(append-only: concurrent writers never wait for one another). A `ReportSummary` keeps a published
report with the number of the programme's changes when it was built: it is current while that
number has not moved (ancrage/insertion/summary.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.programme import Programme


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
