from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "ancrage.accounting"
    label = "accounting"
    verbose_name = _("Comptabilité analytique")

    def ready(self):
        from ancrage.accounting import jobs
        from ancrage.kernel.jobs import register_job_kind

        register_job_kind(jobs.FEC_IMPORT)
        register_job_kind(jobs.ALLOCATION)

        from ancrage.accounting import personal_data

        # its share of the retention run and of a subject-access export
        personal_data.register()
