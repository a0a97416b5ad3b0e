from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "ancrage.people"
    label = "people"
    verbose_name = _("Personnes")

    def ready(self):
        from auditlog.registry import auditlog

        from ancrage.people.models import (
            Consent,
            FamilyLink,
            Person,
            SiblingGroup,
            SiblingGroupMember,
        )

        # Before/after of every write on personal data; search keys are derived, not data.
        auditlog.register(
            Person,
            exclude_fields=["search_text", "last_name_key", "birth_name_key", "first_names_key"],
        )
        auditlog.register(FamilyLink)
        auditlog.register(SiblingGroup)
        auditlog.register(SiblingGroupMember)
        # Who recorded or withdrew a consent (image rights, sharing with a partner).
        auditlog.register(Consent)
