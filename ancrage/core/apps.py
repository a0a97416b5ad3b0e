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
    default_site = "ancrage.core.admin_site.AncrageAdminSite"
