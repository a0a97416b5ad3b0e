"""The activity report to the préfet: the page with its charts; its XLSX and PDF exports start a
background job and lead to its page (ancrage/insertion/jobs.py)."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ancrage.insertion import jobs, report
from ancrage.insertion.forms.report import ReportPeriodForm
from ancrage.insertion.queries.programme import report_service_ids
from ancrage.kernel.access import requires
from ancrage.kernel.jobs import remember_job, start_job


def _report(request):
    """The period asked for (the last 12 months by default) and its published report."""
    start, end = jobs.default_period()
    form = ReportPeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    services_ids = sorted(report_service_ids(request.user))
    return form, report.build(services_ids, start, end).published()


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
            "step_bars": report.bars(figures.steps),
            "exit_bars": report.bars(figures.exits),
            "priority_bars": report.bars(figures.priority),
        },
        status=status,
    )


def _export(request, kind):
    job = start_job(request.user, kind, jobs.period_params(request.POST))
    remember_job(request, job)
    return redirect("web:job", job.pk)


@requires("o2r_report", "view")
@require_POST
def activity_report_xlsx(request):
    return _export(request, jobs.XLSX_EXPORT.name)


@requires("o2r_report", "view")
@require_POST
def activity_report_pdf(request):
    return _export(request, jobs.PDF_EXPORT.name)
