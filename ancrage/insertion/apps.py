from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsertionConfig(AppConfig):
    name = "ancrage.insertion"
    label = "insertion"
    verbose_name = _("Repérage et remobilisation (O2R)")

    def ready(self):
        from ancrage.insertion import jobs
        from ancrage.insertion import scopes as insertion_scopes
        from ancrage.kernel.jobs import register_job_kind
        from ancrage.people import scopes

        scopes.register_persons(insertion_scopes.beneficiary_persons)
        register_job_kind(jobs.XLSX_EXPORT)
        register_job_kind(jobs.PDF_EXPORT)
        register_job_kind(jobs.CSV_EXPORT)
