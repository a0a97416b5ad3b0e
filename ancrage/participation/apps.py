from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "ancrage.participation"
    label = "participation"
    verbose_name = _("Participation des enfants et des jeunes")
