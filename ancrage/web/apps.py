from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages that compose several apps: the role homes, the person file, break-the-glass."""

    default = True
    name = "ancrage.web"
    label = "web"
    verbose_name = _("Pages")
