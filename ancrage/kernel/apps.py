from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """The primitives every app uses. Its label stays "core", the name its tables, migrations and
    content types were created under (docs/decisions.md, 2026-12-01)."""

    default = True
    name = "ancrage.kernel"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self):
        from ancrage.kernel import (
            checks,  # noqa: F401  (registers the system checks)
            choices,
            lookups,  # noqa: F401  (registers `__any_of`)
        )

        # get_FOO_display() from a table of labels per field and language (kernel/choices.py)
        choices.install()


class AncrageAdminConfig(admin_apps.AdminConfig):
    default = False

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from ancrage.kernel.admin_site import adopt_registered_admins

        adopt_registered_admins(self.module.site)

    default_site = "ancrage.kernel.admin_site.AncrageAdminSite"
