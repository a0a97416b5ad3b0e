"""The record that a staff member got their deadline reminder on a given day, so the daily job
can run twice without sending twice."""

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
