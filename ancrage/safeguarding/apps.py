from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    name = "ancrage.safeguarding"
    label = "safeguarding"
    verbose_name = _("Bientraitance et signalements")

    def ready(self):
        from ancrage.kernel.deadlines import register_child_deadlines
        from ancrage.safeguarding.queries import crip_evaluations

        # the CRIP's evaluation of an information préoccupante, in the children's échéancier
        register_child_deadlines("crip_evaluation", ("transmission", "view"), crip_evaluations)
