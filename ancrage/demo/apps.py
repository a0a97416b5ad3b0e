from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The `seed` command and every seeder: demonstration and benchmark data."""

    default = True
    name = "ancrage.demo"
    label = "demo"
    verbose_name = _("Démonstration")
