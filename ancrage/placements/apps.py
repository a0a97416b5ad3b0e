from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "ancrage.placements"
    label = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from auditlog.registry import auditlog

        from ancrage.placements.models import Stay

        auditlog.register(Stay)
