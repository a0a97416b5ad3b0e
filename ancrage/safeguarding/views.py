"""Safeguarding pages: report an incident, the village's incidents, an incident with its history,
qualification, actions, closing and reopening."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.kernel.models import AccessEvent
from ancrage.placements.queries import visible_village
from ancrage.safeguarding import queries, services
from ancrage.safeguarding.forms import (
    ActionForm,
    AlertForm,
    CloseForm,
    CompleteActionForm,
    ConfirmationForm,
    DeclarationForm,
    IncidentFilterForm,
    InformationForm,
    QualifyForm,
    ReopenForm,
    ReportForm,
    StartHandlingForm,
)
from ancrage.safeguarding.models import IncidentAction


@requires("incident", "report")
@require_http_methods(["GET", "POST"])
def report(request, pk):
    village = visible_village(request.user, pk)
    children = queries.children_for_report(request.user, village)
    draft = queries.own_draft(request.user, village) if request.method == "GET" else None
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    if draft is not None:
        initial |= draft["data"]
    form = ReportForm(request.POST or None, children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.report_incident(
                establishment=village,
                occurred_at=data["occurred_at"],
                place=data["place"],
                narrative=data["narrative"],
                adults_involved=data["adults_involved"],
                immediate_measures=data["immediate_measures"],
                children=form.involved(),
                allowed_children=children,
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Le signalement est enregistré ; le chef de service et la direction le voient."),
            )
            return redirect("safeguarding:incident", pk=incident.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "safeguarding/report_form.html",
        {"village": village, "form": form, "draft": draft},
        status=status,
    )


@requires("incident", "view")
def village_incidents(request, pk):
    form = IncidentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    context = queries.village_incidents(
        request.user,
        pk,
        state=filters.get("state") or None,
        category=filters.get("category") or None,
        page=request.GET.get("page", 1),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safeguarding/village_incidents.html",
        {"form": form, "query": query.urlencode(), **context},
    )


def _page(request, context, bound=None, status=200):
    """The incident page, with one bound form in place of its blank one after a refusal."""
    incident = context["incident"]
    forms = {}
    if context["handles"]:
        owners = queries.village_staff(incident.establishment)
        forms = {
            "qualify": QualifyForm(incident=incident),
            "start": StartHandlingForm(incident=incident),
            "action": ActionForm(incident=incident, owners=owners),
            "complete": CompleteActionForm(incident=incident),
            "close": CloseForm(incident=incident),
            "reopen": ReopenForm(incident=incident),
        }
        forms.update(bound or {})
    context["forms"] = forms
    return render(request, "safeguarding/incident_detail.html", context, status=status)


@requires("incident", "view")
def incident(request, pk):
    return _page(request, queries.incident_page(request.user, pk))


def _write(request, pk, name, form_class, perform, success, **form_kwargs):
    """Parse one of the incident page's forms, call the service, redirect to the page or show
    the page again with the refusal at the form's fields (or at its top)."""
    context = queries.incident_page(request.user, pk)
    incident = context["incident"]
    if name == "action":
        form_kwargs["owners"] = queries.village_staff(incident.establishment)
    form = form_class(request.POST, incident=incident, **form_kwargs)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if version is None:
            form.add_error(None, services.conflict_message())
        else:
            try:
                perform(incident, version, data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, success)
                return redirect("safeguarding:incident", pk=incident.pk)
    return _page(request, context, bound={name: form}, status=422)


@requires("incident", "qualify")
@require_POST
def qualify(request, pk):
    return _write(
        request,
        pk,
        "qualify",
        QualifyForm,
        lambda incident, version, data: services.qualify_incident(
            incident, expected_version=version, by=request.user, **data
        ),
        _("La qualification est enregistrée."),
    )


@requires("incident", "qualify")
@require_POST
def start(request, pk):
    return _write(
        request,
        pk,
        "start",
        StartHandlingForm,
        lambda incident, version, data: services.start_handling(
            incident, expected_version=version, by=request.user
        ),
        _("Le traitement du signalement a commencé."),
    )


@requires("incident", "qualify")
@require_POST
def action_add(request, pk):
    return _write(
        request,
        pk,
        "action",
        ActionForm,
        lambda incident, version, data: services.add_action(
            incident,
            expected_version=version,
            owners=queries.village_staff(incident.establishment),
            by=request.user,
            **data,
        ),
        _("L'action est ajoutée."),
    )


@requires("incident", "qualify")
@require_POST
def action_done(request, pk):
    def perform(incident, version, data):
        action = get_object_or_404(IncidentAction, incident=incident, pk=data["action"])
        services.complete_action(action, expected_version=version, by=request.user)

    return _write(
        request,
        pk,
        "complete",
        CompleteActionForm,
        perform,
        _("L'action est notée comme faite."),
    )


@requires("incident", "qualify")
@require_POST
def close(request, pk):
    return _write(
        request,
        pk,
        "close",
        CloseForm,
        lambda incident, version, data: services.close_incident(
            incident, expected_version=version, by=request.user, **data
        ),
        _("Le signalement est clos."),
    )


@requires("incident", "qualify")
@require_POST
def reopen(request, pk):
    return _write(
        request,
        pk,
        "reopen",
        ReopenForm,
        lambda incident, version, data: services.reopen_incident(
            incident, expected_version=version, by=request.user, **data
        ),
        _("Le signalement est rouvert."),
    )


# Declaration to the authority ----------------------------------------------------------------


def _declaration_page(request, context, bound=None, status=200):
    from ancrage.safeguarding.declarations import email_body

    incident, declaration = context["incident"], context["declaration"]
    forms = {}
    if context["handles"] and incident.serious_malfunction_to_declare:
        forms = {
            "prepare": DeclarationForm(incident=incident, declaration=declaration),
        }
        if declaration is not None:
            forms["alert"] = AlertForm(
                incident=incident,
                declaration=declaration,
                staff=queries.village_staff(incident.establishment),
                by=request.user,
            )
            if declaration.alerted_at:
                forms["confirm"] = ConfirmationForm(
                    incident=incident,
                    initial={"confirmed_at": declaration.confirmed_at},
                )
            forms["inform"] = InformationForm(incident=incident, declaration=declaration)
        forms.update(bound or {})
    context["forms"] = forms
    context["email_body"] = email_body(context["sections"])
    return render(request, "safeguarding/declaration.html", context, status=status)


@requires("declaration", "view")
def declaration(request, pk):
    return _declaration_page(request, queries.declaration_page(request.user, pk))


@requires("declaration", "view")
def declaration_pdf(request, pk):
    """The declaration as a PDF (download audited as an export for every child involved)."""
    from ancrage.safeguarding.declarations import pdf

    context = queries.declaration_page(
        request.user, pk, "safeguarding.declaration_pdf", AccessEvent.Action.EXPORT
    )
    if not context["incident"].serious_malfunction_to_declare:
        from django.http import Http404

        raise Http404
    response = HttpResponse(pdf(context["sections"]), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="declaration-signalement-{context["incident"].pk}.pdf"'
    )
    return response


def _declaration_write(request, pk, name, form_class, perform, success, **form_kwargs):
    context = queries.declaration_page(request.user, pk)
    incident = context["incident"]
    if name == "alert":
        form_kwargs["staff"] = queries.village_staff(incident.establishment)
    form = form_class(request.POST, incident=incident, **form_kwargs)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if version is None:
            form.add_error(None, services.conflict_message())
        else:
            try:
                perform(incident, version, data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, success)
                return redirect("safeguarding:declaration", pk=incident.pk)
    return _declaration_page(request, context, bound={name: form}, status=422)


@requires("declaration", "change")
@require_POST
def declaration_prepare(request, pk):
    return _declaration_write(
        request,
        pk,
        "prepare",
        DeclarationForm,
        lambda incident, version, data: services.prepare_declaration(
            incident, expected_version=version, by=request.user, **data
        ),
        _("La déclaration est enregistrée : téléchargez-la pour l'envoyer."),
    )


@requires("declaration", "change")
@require_POST
def declaration_alert(request, pk):
    return _declaration_write(
        request,
        pk,
        "alert",
        AlertForm,
        lambda incident, version, data: services.record_alert(
            incident,
            expected_version=version,
            staff=queries.village_staff(incident.establishment),
            by=request.user,
            **data,
        ),
        _("L'alerte donnée à l'autorité est enregistrée."),
    )


@requires("declaration", "change")
@require_POST
def declaration_confirm(request, pk):
    return _declaration_write(
        request,
        pk,
        "confirm",
        ConfirmationForm,
        lambda incident, version, data: services.record_confirmation(
            incident, expected_version=version, by=request.user, **data
        ),
        _("La confirmation écrite est enregistrée."),
    )


@requires("declaration", "change")
@require_POST
def declaration_inform(request, pk):
    return _declaration_write(
        request,
        pk,
        "inform",
        InformationForm,
        lambda incident, version, data: services.record_information(
            incident, expected_version=version, by=request.user, **data
        ),
        _("L'information du CVS et des familles est enregistrée."),
    )


# Follow-up indicators -------------------------------------------------------------------------


@requires("incident_stats", "view")
def village_indicators(request, pk):
    return render(
        request,
        "safeguarding/indicators.html",
        queries.village_indicators(request.user, pk),
    )


@requires("incident_stats", "organisation")
def organisation_indicators(request):
    return render(
        request,
        "safeguarding/indicators.html",
        queries.organisation_indicators(request.user),
    )


@requires("incident", "report")
@require_POST
def draft(request, pk):
    """Save the report being typed (htmx, a second after the last keystroke); answers the
    status line shown under the form."""
    village = visible_village(request.user, pk)
    try:
        saved = services.save_draft(establishment=village, data=request.POST, by=request.user)
    except ValidationError:
        raise PermissionDenied from None
    return render(request, "safeguarding/_draft_status.html", {"saved": saved})
