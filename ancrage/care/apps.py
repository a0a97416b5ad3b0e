from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "ancrage.care"
    label = "care"
    verbose_name = _("Accompagnement de l'enfant")

    def ready(self):
        # The overdue deadlines stored per child (models.deadlines.OverdueSummary): every write
        # of what the deadline engine reads draws a new stamp for the children concerned.
        from django.db.models.signals import post_delete, post_save

        from ancrage.care.models import PPE, PlannedReview, PPEVersion, Review, SituationReport
        from ancrage.care.models.deadlines import deadline_inputs_written
        from ancrage.organisation.models import Unit
        from ancrage.people.models import Person
        from ancrage.placements.models import JudgeNotification, ProtectionMeasure, Stay

        for model in (
            PPE,
            PPEVersion,
            Review,
            PlannedReview,
            SituationReport,
            ProtectionMeasure,
            JudgeNotification,
            Stay,
            Person,
            Unit,
        ):
            uid = f"overdue_summary_{model.__name__}"
            post_save.connect(deadline_inputs_written, sender=model, dispatch_uid=uid)
            post_delete.connect(deadline_inputs_written, sender=model, dispatch_uid=uid)
