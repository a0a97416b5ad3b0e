from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "ancrage.families"
    label = "families"
    verbose_name = _("Renforcement des familles")

    def ready(self):
        from ancrage.families import queries
        from ancrage.families import scopes as family_scopes
        from ancrage.kernel.calendar_feed import register_feed_events
        from ancrage.kernel.deadlines import register_establishment_deadlines
        from ancrage.people import scopes

        scopes.register_persons(family_scopes.household_persons)
        # the worker's home visits in their calendar and personal ICS feed
        register_feed_events("home_visit", ("home_visit", "view"), queries.home_visit_events)
        # the follow-up six months after the end, on the service's échéancier
        register_establishment_deadlines(
            "family_follow_up", ("family_plan", "view"), queries.follow_up_deadlines
        )

        from ancrage.families import personal_data

        # its share of the retention run and of a subject-access export
        personal_data.register()
