"""The activity report to the préfet: the page with its charts, and its XLSX and PDF exports."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion import report
from ancrage.insertion.forms.report import ReportPeriodForm
from ancrage.insertion.queries.programme import report_service_ids
from ancrage.kernel.access import requires
from ancrage.kernel.calendar import add_days, add_years
from ancrage.kernel.documents import download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request):
    """The period asked for (the last 12 months by default) and its suppressed report."""
    today = timezone.localdate()
    form = ReportPeriodForm(
        request.GET or None,
        initial={"start": add_days(add_years(today, -1), 1), "end": today},
    )
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = form.initial["start"], form.initial["end"]
    services_ids = sorted(report_service_ids(request.user))
    return form, report.build(services_ids, start, end).suppressed()


@requires("o2r_report", "view")
def activity_report(request):
    form, figures = _report(request)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "insertion/report.html",
        {
            "form": form,
            "report": figures,
            "query": request.GET.urlencode(),
            "step_bars": report.bars(figures.steps),
            "exit_bars": report.bars(figures.exits),
            "priority_bars": report.bars(figures.priority),
        },
        status=status,
    )


def _filename(figures, extension):
    return f"rapport-o2r-{figures.start.isoformat()}-{figures.end.isoformat()}.{extension}"


@requires("o2r_report", "view")
def activity_report_xlsx(request):
    _form, figures = _report(request)
    return download(report.to_xlsx(figures), _filename(figures, "xlsx"), XLSX)


@requires("o2r_report", "view")
def activity_report_pdf(request):
    _form, figures = _report(request)
    return download(
        report.to_pdf(figures, title=_("Rapport d'activité O2R")),
        _filename(figures, "pdf"),
        "application/pdf",
    )
