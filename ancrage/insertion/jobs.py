"""The O2R activity report's exports (XLSX, PDF) as background jobs: the same files as the
report page's, built by a worker and downloaded from the job page."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.insertion import report
from ancrage.insertion.forms.report import ReportPeriodForm
from ancrage.insertion.queries.programme import report_service_ids
from ancrage.kernel.calendar import add_days, add_years
from ancrage.kernel.jobs import JobFile, JobKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def default_period():
    """The last 12 months, today included (the report page's default too)."""
    today = timezone.localdate()
    return add_days(add_years(today, -1), 1), today


def period_params(data) -> dict:
    """The period asked for, as the job keeps it (the texts typed; checked when it runs)."""
    return {"start": str(data.get("start", "")), "end": str(data.get("end", ""))}


def _period(params):
    if not params.get("start") and not params.get("end"):
        return default_period()
    form = ReportPeriodForm(params)
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[field].label if field in form.fields else _('Période')} : {message}"
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    return form.cleaned_data["start"], form.cleaned_data["end"]


def _export(job, progress, extension, content_type):
    start, end = _period(job.params)
    progress(0, 3)
    figures = report.build(sorted(report_service_ids(job.started_by)), start, end).published()
    progress(1, 3)
    if extension == "xlsx":
        content = report.to_xlsx(figures)
    else:
        content = report.to_pdf(figures, title=_("Rapport d'activité O2R"))
    progress(2, 3)
    return JobFile(content, report.filename(figures, extension), content_type)


def back_to_report(job):
    return reverse("insertion:report")


XLSX_EXPORT = JobKind(
    name="o2r_report_xlsx",
    label=gettext_lazy("Rapport d'activité O2R (tableur XLSX)"),
    permission=("o2r_report", "view"),
    run=lambda job, progress: _export(job, progress, "xlsx", XLSX),
    back=back_to_report,
)
PDF_EXPORT = JobKind(
    name="o2r_report_pdf",
    label=gettext_lazy("Rapport d'activité O2R (PDF)"),
    permission=("o2r_report", "view"),
    run=lambda job, progress: _export(job, progress, "pdf", "application/pdf"),
    back=back_to_report,
)
