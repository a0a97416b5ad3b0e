from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "ancrage.families"
    label = "families"
    verbose_name = _("Renforcement des familles")

    def ready(self):
        from ancrage.families import scopes as family_scopes
        from ancrage.people import scopes

        scopes.register_persons(family_scopes.household_persons)

        from ancrage.families import personal_data

        # its share of the retention run and of a subject-access export
        personal_data.register()
