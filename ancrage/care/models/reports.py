"""The rapport de situation sent to the ASE and the judge."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.people.models import Person


class SituationReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(child__in=Person.objects.visible_to(user))

    def sent(self):
        return self.filter(sent_on__isnull=False)


class SituationReport(models.Model):
    """The periodic report on the child's situation; sending it closes the deadline."""

    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="situation_reports",
        verbose_name=_("enfant"),
    )
    development_health = models.TextField(_("développement et santé"))
    family_relations = models.TextField(_("relations avec la famille et les tiers"))
    schooling_social = models.TextField(_("scolarité et vie sociale"))
    autonomy_project = models.TextField(_("projet d'autonomie"), blank=True)
    sent_on = models.DateField(_("envoyé le"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SituationReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rapport de situation")
        verbose_name_plural = _("rapports de situation")
        constraints = [
            models.CheckConstraint(
                condition=~Q(development_health="")
                & ~Q(family_relations="")
                & ~Q(schooling_social=""),
                name="report_three_areas_written",
            )
        ]
        indexes = [models.Index(fields=["child", "sent_on"], name="report_child_sent_idx")]

    def __str__(self):
        return f"{self.child.reference} · {self.created_at:%d/%m/%Y}"
