"""Data protection through the life of a file: retention, access requests, the register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ancrage.privacy"
    label = "privacy"
    verbose_name = _("Protection des données")

    def ready(self):
        from auditlog.registry import auditlog

        from ancrage.kernel.jobs import register_job_kind
        from ancrage.privacy import contributions, jobs, register, requests
        from ancrage.privacy.models import (
            FileStatus,
            Hold,
            RetentionRun,
            SubjectRequest,
        )

        contributions.register()
        register.register()
        register_job_kind(jobs.DRY_RUN)
        register_job_kind(jobs.RUN)
        register_job_kind(requests.EXPORT)
        auditlog.register(SubjectRequest)
        # Who placed or lifted a hold, approved a run, archived or anonymised a file.
        auditlog.register(Hold)
        auditlog.register(FileStatus)
        auditlog.register(RetentionRun, exclude_fields=["plan", "results"])
