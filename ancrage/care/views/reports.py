"""The rapport de situation: writing it, reading it, its PDF, recording when it was sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.forms.reports import SentForm, SituationReportForm
from ancrage.care.queries import reports as queries
from ancrage.care.services import reports as services
from ancrage.kernel.access import can, requires
from ancrage.kernel.forms import errors_to_form
from ancrage.people.queries import visible_person


@requires("situation_report", "change")
@require_http_methods(["GET", "POST"])
def report_create(request, reference):
    person = visible_person(request.user, reference, audit_as="care.report_create")
    form = SituationReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.write_report(person, request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le rapport de situation est enregistré."))
            return redirect("care:report", pk=report.pk)
    return render(
        request,
        "care/report_form.html",
        {"person": person, "form": form},
        status=422 if form.errors else 200,
    )


@requires("situation_report", "view")
def report_detail(request, pk):
    report = queries.visible_report(request.user, pk, audit_as="care.report")
    return render(
        request,
        "care/report_detail.html",
        {
            "report": report,
            "person": report.child,
            "sent_form": SentForm(),
            "can_change": can(request.user, "situation_report", "change"),
        },
    )


@requires("situation_report", "view")
def report_pdf(request, pk):
    report = queries.visible_report(request.user, pk, audit_as="care.report_pdf")
    organisation, village = queries.report_header(report)
    response = HttpResponse(
        services.render_pdf(report, organisation, village), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-situation-{report.child.reference}-{report.pk}.pdf"'
    )
    return response


@requires("situation_report", "change")
@require_POST
def report_sent(request, pk):
    report = queries.visible_report(request.user, pk)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            services.record_sending(report, form.cleaned_data["sent_on"], request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La date d'envoi est enregistrée."))
            return redirect("care:report", pk=report.pk)
    return render(
        request,
        "care/report_detail.html",
        {"report": report, "person": report.child, "sent_form": form, "can_change": True},
        status=422,
    )
