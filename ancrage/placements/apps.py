from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "ancrage.placements"
    label = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from auditlog.registry import auditlog

        from ancrage.placements.models import MeasureDocument, Stay, Visit, VisitRight

        auditlog.register(Stay)
        auditlog.register(VisitRight)
        auditlog.register(Visit)
        auditlog.register(MeasureDocument)
