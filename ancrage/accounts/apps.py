from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ancrage.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from auditlog.registry import auditlog

        from ancrage.accounts.models import Membership, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Membership)
