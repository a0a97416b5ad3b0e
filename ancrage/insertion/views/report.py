"""The activity report to the préfet: the page with its charts, for a programme and a period
(the programme-wide report with a column per member for the chef de file and the funder; the
reader's own service for the operator's staff, who alone may choose free dates); its XLSX and PDF
exports start a background job and lead to its page (ancrage/insertion/jobs.py)."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ancrage.insertion import jobs, report
from ancrage.kernel.access import requires
from ancrage.kernel.jobs import remember_job, start_job


@requires("o2r_report", "view")
def activity_report(request):
    form = jobs.report_form(request.user, request.GET)
    choice = jobs.chosen(form)
    figures = jobs.figures(choice) if choice else None
    consolidated = isinstance(figures, report.Consolidated)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "insertion/report.html",
        {
            "form": form,
            "report": figures,
            "choice": choice,
            "consolidated": consolidated,
            # the key(s) of the period shown, sent again by the export buttons
            "period_keys": [
                key for key, label in form.fields["period"].choices if label == choice.period_label
            ]
            if choice and choice.period_label
            else [],
            **(report.charts(figures) if figures else {}),
        },
        status=status,
    )


def _export(request, kind):
    job = start_job(request.user, kind, jobs.report_params(request.POST))
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


@requires("o2r_report", "view")
@require_POST
def activity_report_csv(request):
    return _export(request, jobs.CSV_EXPORT.name)
