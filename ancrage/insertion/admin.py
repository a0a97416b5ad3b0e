from django.contrib import admin

from ancrage.insertion.models import Programme
from ancrage.kernel.admin_site import ReadOnlyAdmin


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    """Read-only for the technical administrator: the O2R lead creates and corrects programmes
    in the product, where the call's rules (amount, period, carrier, services) are checked."""

    list_display = ["name", "region", "start_date", "end_date", "agreement_amount"]
    list_filter = ["region"]
    search_fields = ["name", "call"]
