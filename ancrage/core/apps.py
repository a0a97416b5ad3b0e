from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "ancrage.core"
    label = "core"
    verbose_name = _("Noyau")


class AncrageAdminConfig(admin_apps.AdminConfig):
    default = False

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from ancrage.core.admin_site import adopt_registered_admins

        adopt_registered_admins(self.module.site)

    default_site = "ancrage.core.admin_site.AncrageAdminSite"
