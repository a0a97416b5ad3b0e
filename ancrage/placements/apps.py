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

        from ancrage.people import scopes
        from ancrage.placements import scopes as placement_scopes

        scopes.register_followed_children(placement_scopes.followed_children)

        from ancrage.organisation.models import register_unit_check
        from ancrage.placements.services.stays import check_unit_change

        register_unit_check(check_unit_change)
        scopes.register_persons(placement_scopes.admission_children)
