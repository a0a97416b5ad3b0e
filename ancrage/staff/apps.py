from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "ancrage.staff"
    label = "staff"
    verbose_name = _("Personnel et recrutement sûr")

    def ready(self):
        from auditlog.registry import auditlog

        from ancrage.accounts.services import register_grant_check
        from ancrage.kernel.deadlines import register_establishment_deadlines
        from ancrage.staff.checks import attestation_required
        from ancrage.staff.models import Attestation, CodeSignature, StaffMember, Training
        from ancrage.staff.queries import attestation_renewals

        # every write of the register kept with its before and after
        for model in (StaffMember, Attestation, CodeSignature, Training):
            auditlog.register(model)

        # nobody is placed with the children without a valid, verified attestation
        register_grant_check(attestation_required)
        # the renewals of the attestations, on the village's échéancier, ahead of time
        register_establishment_deadlines(
            "attestation_renewal", ("staff", "view"), attestation_renewals
        )

        from ancrage.staff import personal_data

        # its share of the retention run and of a subject-access export
        personal_data.register()
