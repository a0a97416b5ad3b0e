from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "ancrage.participation"
    label = "participation"
    verbose_name = _("Participation des enfants et des jeunes")

    def ready(self):
        from ancrage.kernel.deadlines import register_establishment_deadlines
        from ancrage.participation.council import council_deadlines

        # the council's three meetings a year, on the village's échéancier (care)
        register_establishment_deadlines("council_meeting", ("council", "view"), council_deadlines)

        from ancrage.participation import personal_data

        # its share of the retention run and of a subject-access export
        personal_data.register()
