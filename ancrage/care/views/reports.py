"""The rapport de situation: writing it, reading it, its PDF, recording when it was sent."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.forms.reports import SentForm, SituationReportForm
from ancrage.care.queries import reports as queries
from ancrage.care.services import reports as services
from ancrage.kernel.access import can, requires
from ancrage.kernel.documents import download
from ancrage.kernel.flow import submit
from ancrage.people.queries import visible_person


@requires("situation_report", "change")
@require_http_methods(["GET", "POST"])
def report_create(request, reference):
    person = visible_person(request.user, reference, audit_as="care.report_create")
    form = SituationReportForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.write_report(person, request.user, **form.cleaned_data),
        message=_("Le rapport de situation est enregistré."),
        success=lambda report: reverse("care:report", args=[report.pk]),
        template="form_page.html",
        context={
            "person": person,
            "title": _("Rapport de situation"),
            "submit_label": _("Enregistrer le rapport"),
            "cancel_url": reverse("care:ppe", args=[person.reference]),
        },
        refused_status=422,
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
    return download(
        services.render_pdf(report, organisation, village),
        f"rapport-situation-{report.child.reference}-{report.pk}.pdf",
        "application/pdf",
    )


@requires("situation_report", "change")
@require_POST
def report_sent(request, pk):
    report = queries.visible_report(request.user, pk)
    return submit(
        request,
        SentForm(request.POST),
        lambda form: services.record_sending(report, form.cleaned_data["sent_on"], request.user),
        message=_("La date d'envoi est enregistrée."),
        success=reverse("care:report", args=[report.pk]),
        template="care/report_detail.html",
        context={"report": report, "person": report.child, "can_change": True},
        form_name="sent_form",
        refused_status=422,
    )
