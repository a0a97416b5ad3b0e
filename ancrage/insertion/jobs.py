"""The O2R activity report's choices and figures (shared by the page and its exports), and its
exports (XLSX, PDF) as background jobs: the same files as the report page's, built by a worker
and downloaded from the job page."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.insertion import report, summary
from ancrage.insertion.forms.report import PROGRAMME_VIEW, ReportForm
from ancrage.insertion.models import Target
from ancrage.insertion.queries.report import ReportScope, report_programmes, report_scope
from ancrage.kernel.jobs import JobFile, JobKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARAMS = ("programme", "view", "period", "start", "end")


@dataclass
class Choice:
    scope: ReportScope
    view: str
    start: date
    end: date
    period_label: str | None
    year: int | None = None  # the agreement year, when the period is one (its targets shown)


def report_params(data) -> dict:
    """The choices asked for, as the job keeps them (the texts typed; checked when it runs)."""
    return {name: str(data.get(name, "")) for name in PARAMS}


def report_form(user, data) -> ReportForm:
    return ReportForm(
        {name: data[name] for name in PARAMS if data.get(name)},
        programmes=report_programmes(user),
        scope_of=lambda programme: report_scope(user, programme),
    )


def chosen(form) -> Choice | None:
    """The valid choice of the form, or its defaults when it is unbound or invalid; None
    without any programme."""
    if form.chosen is None:
        return None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return Choice(
            form.scope,
            data["view"],
            data["start"],
            data["end"],
            data["period_label"],
            agreement_year(data.get("period") or form.default.key)
            if data["period_label"]
            else None,
        )
    return Choice(
        form.scope,
        form.initial["view"],
        form.default.start,
        form.default.end,
        form.default.label,
        agreement_year(form.default.key),
    )


def agreement_year(key: str) -> int | None:
    """The agreement year of a period's key ("a2": 2), None for a quarter or a calendar one."""
    match = re.fullmatch(r"a(\d+)", key or "")
    return int(match.group(1)) if match else None


def figures(choice: Choice):
    """The published figures: the programme's with a column per member, or the own service's;
    beside them the targets of the agreement year (when the period is one)."""
    scope = choice.scope
    if choice.period_label is not None:
        # A fixed period: the stored summary while the programme has had no write since.
        consolidated = choice.view == PROGRAMME_VIEW
        result = summary.published(
            scope.programme,
            scope.members if consolidated else [("", scope.own_service_ids)],
            choice.start,
            choice.end,
            consolidated=consolidated,
        )
    elif choice.view == PROGRAMME_VIEW:
        result = report.build_consolidated(
            scope.members, choice.start, choice.end, programme=scope.programme
        )
    else:
        # The operator's own staff's free dates: built live.
        result = report.build(
            scope.own_service_ids, choice.start, choice.end, programme=scope.programme
        ).published()
    if choice.year is None:
        return result
    targets = {
        t.organisation_id: t
        for t in Target.objects.filter(programme=scope.programme, year=choice.year)
    }
    return report.add_goals(result, targets, scope.member_ids, scope.own_organisation_id)


def _choice(job) -> Choice:
    form = report_form(job.started_by, job.params)
    if form.chosen is None:
        raise ValidationError(_("Aucun programme O2R ne correspond à ce rapport."))
    if form.errors:
        raise ValidationError(
            [
                f"{form.fields[field].label if field in form.fields else _('Période')} : {message}"
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    # nothing chosen (an export from the page as it first opened): the page's defaults
    return chosen(form)


def _export(job, progress, extension, content_type):
    choice = _choice(job)
    progress(0, 3)
    result = figures(choice)
    progress(1, 3)
    if extension == "xlsx":
        content = report.to_xlsx(result)
    elif extension == "zip":
        content = report.to_csv_zip(result)
    else:
        content = report.to_pdf(
            result,
            title=_("Rapport d'activité O2R"),
            programme=choice.scope.programme,
            period_label=choice.period_label,
        )
    progress(2, 3)
    return JobFile(content, report.filename(result, extension), content_type)


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
CSV_EXPORT = JobKind(
    name="o2r_report_csv",
    label=gettext_lazy("Rapport d'activité O2R (un CSV par tableau)"),
    permission=("o2r_report", "view"),
    run=lambda job, progress: _export(job, progress, "zip", "application/zip"),
    back=back_to_report,
)
