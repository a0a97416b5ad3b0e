from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    name = "ancrage.safeguarding"
    label = "safeguarding"
    verbose_name = _("Bientraitance et signalements")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from ancrage.kernel.deadlines import register_child_deadlines
        from ancrage.organisation.models import Establishment
        from ancrage.safeguarding.models import (
            Declaration,
            Incident,
            declaration_written,
            incidents_written,
        )
        from ancrage.safeguarding.queries import crip_evaluations

        # the CRIP's evaluation of an information préoccupante, in the children's échéancier
        register_child_deadlines("crip_evaluation", ("transmission", "view"), crip_evaluations)
        # the organisation-wide indicators stored for a state of the incidents: every write of
        # an incident or a declaration (or an establishment: its organisation, its kind) moves the
        # state on (models.IndicatorsState)
        for model in (Incident, Declaration, Establishment):
            post_save.connect(incidents_written, sender=model, dispatch_uid=f"indicators_{model}")
            post_delete.connect(incidents_written, sender=model, dispatch_uid=f"indicators_{model}")
        # the candidates of the late declarations (models.declaration_pending_q), kept with the
        # incident and its declaration
        for model in (Incident, Declaration):
            post_save.connect(declaration_written, sender=model, dispatch_uid=f"pending_{model}")
        post_delete.connect(declaration_written, sender=Declaration, dispatch_uid="pending_delete")
