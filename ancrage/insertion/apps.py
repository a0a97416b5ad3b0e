from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsertionConfig(AppConfig):
    name = "ancrage.insertion"
    label = "insertion"
    verbose_name = _("Repérage et remobilisation (O2R)")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from ancrage.insertion import jobs, summary
        from ancrage.insertion import scopes as insertion_scopes
        from ancrage.kernel.jobs import register_job_kind
        from ancrage.organisation.models import EfopTerritory, Establishment
        from ancrage.people import scopes
        from ancrage.people.models import Person

        scopes.register_persons(insertion_scopes.beneficiary_persons)
        register_job_kind(jobs.XLSX_EXPORT)
        register_job_kind(jobs.PDF_EXPORT)
        register_job_kind(jobs.CSV_EXPORT)
        # A correction of a beneficiary's birth date or sex (the people app's services) makes
        # the programme's stored report summaries stale; so does an edit of a territory or a
        # service in the administration (their names, départements and members are counted).
        post_save.connect(summary.person_saved, sender=Person, dispatch_uid="o2r_report_person")
        for signal in (post_save, post_delete):
            signal.connect(
                summary.territory_saved, sender=EfopTerritory, dispatch_uid="o2r_report_territory"
            )
        post_save.connect(
            summary.service_saved, sender=Establishment, dispatch_uid="o2r_report_service"
        )
