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

        # The association's co-placement figure is stored per state of the stays and sibling
        # groups: any write to either moves the state on (models/co_placement.py).
        from django.db.models.signals import post_delete, post_save

        from ancrage.people.models import SiblingGroupMember
        from ancrage.placements.models.co_placement import stays_written

        for model in (Stay, SiblingGroupMember):
            post_save.connect(stays_written, sender=model, dispatch_uid=f"co_placement_{model}")
            post_delete.connect(stays_written, sender=model, dispatch_uid=f"co_placement_{model}")
