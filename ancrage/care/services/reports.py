"""Writes on the rapport de situation, and its PDF (WeasyPrint): the association's header, the
pages numbered "page X / Y" and the child's pseudonymous reference in the footer, never their
name."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.care.models import SituationReport
from ancrage.kernel import documents

AREAS = ("development_health", "family_relations", "schooling_social", "autonomy_project")


@transaction.atomic
def write_report(child, by, **areas) -> SituationReport:
    report = SituationReport(child=child, written_by=by, **{k: areas.get(k, "") for k in AREAS})
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def record_sending(report: SituationReport, sent_on: date, by) -> SituationReport:
    """The day the report went to the ASE and the judge: it closes the report's deadline."""
    report = SituationReport.objects.select_for_update().get(pk=report.pk)
    if report.sent_on is not None:
        raise ValidationError(
            {
                "sent_on": _("Ce rapport est déjà noté envoyé le %(d)s.")
                % {"d": report.sent_on.strftime("%d/%m/%Y")}
            }
        )
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("La date d'envoi ne peut pas être dans le futur.")})
    if sent_on < timezone.localdate(report.created_at):
        raise ValidationError({"sent_on": _("Le rapport n'était pas encore écrit à cette date.")})
    report.sent_on = sent_on
    report.save(update_fields=["sent_on"])
    return report


def render_pdf(report: SituationReport, organisation_name: str, village_name: str) -> bytes:
    context = {
        "report": report,
        "organisation_name": organisation_name,
        "village_name": village_name,
        "today": timezone.localdate(),
    }
    # The stylesheet is a template too: the header and footer carry the names and the reference.
    return documents.render_pdf(
        "care/report_pdf.html", context, css=render_to_string("care/report_pdf.css", context)
    )
