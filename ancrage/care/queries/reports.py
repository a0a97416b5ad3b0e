"""Scoped reads of the rapports de situation."""

from django.shortcuts import get_object_or_404

from ancrage.care.models import SituationReport
from ancrage.people.queries import record_person_read
from ancrage.placements.models import Stay


def visible_report(user, pk, *, audit_as=""):
    """The report if its child is in the user's scope, else 404; the read is recorded."""
    report = get_object_or_404(
        SituationReport.objects.visible_to(user).select_related("child", "written_by"), pk=pk
    )
    if audit_as:
        record_person_read(user, report.child, audit_as)
    return report


def report_header(report):
    """The association and the village named in the report's header: the child's last stay."""
    stay = (
        Stay.objects.filter(child_id=report.child_id)
        .select_related("unit__establishment__organisation")
        .order_by("-start_date")
        .first()
    )
    if stay is None:
        return "", ""
    establishment = stay.unit.establishment
    return establishment.organisation.name, establishment.name
