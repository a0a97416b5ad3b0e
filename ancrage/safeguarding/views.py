"""Safeguarding pages: report an incident, the village's incidents, an incident with its history,
qualification, actions, closing and reopening; the declaration to the authority and its PDF; the
follow-up indicators."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.audit import record_shown
from ancrage.kernel.documents import download
from ancrage.kernel.flow import submit
from ancrage.kernel.models import AccessEvent
from ancrage.placements.queries import visible_village
from ancrage.safeguarding import declarations, queries, services
from ancrage.safeguarding.forms import (
    ActionForm,
    AlertForm,
    CloseForm,
    CompleteActionForm,
    ConfirmationForm,
    DeclarationForm,
    InformationForm,
    QualifyForm,
    ReopenForm,
    ReportForm,
    StartHandlingForm,
    TransmissionFollowUpForm,
    TransmissionForm,
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
    return submit(
        request,
        form,
        lambda form: services.report_incident(
            establishment=village,
            occurred_at=form.cleaned_data["occurred_at"],
            place=form.cleaned_data["place"],
            narrative=form.cleaned_data["narrative"],
            adults_involved=form.cleaned_data["adults_involved"],
            immediate_measures=form.cleaned_data["immediate_measures"],
            children=form.involved(),
            allowed_children=children,
            by=request.user,
        ),
        message=_("Le signalement est enregistré ; le chef de service et la direction le voient."),
        success=lambda incident: reverse("safeguarding:incident", args=[incident.pk]),
        template="safeguarding/report_form.html",
        context=lambda: {
            # The form names every child it offers: recorded when the page is shown.
            "shown": record_shown(request.user, children, "safeguarding.report"),
            "village": village,
            "draft": draft,
            "title": _("Signaler un incident"),
            "help": _(
                "Décrivez les faits sans attendre : le chef de service et la direction du village "
                "le qualifieront. Vous gardez l'accès à votre signalement."
            ),
            "submit_label": _("Enregistrer le signalement"),
            "cancel_url": reverse("placements:village_board", args=[village.pk]),
        },
        refused_status=422,
    )


@requires("incident", "view")
def village_incidents(request, pk):
    context = queries.village_incidents(
        request.user, pk, request.GET or None, page=request.GET.get("page", 1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safeguarding/village_incidents.html",
        {"query": query.urlencode(), **context},
    )


def _incident_forms(context, bound=None) -> dict:
    """The incident page's context with its forms for those who handle the incident; `bound`
    puts a refused form in place of its blank one."""
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
    return context


@requires("incident", "view")
def incident(request, pk):
    return render(
        request,
        "safeguarding/incident_detail.html",
        _incident_forms(queries.incident_page(request.user, pk)),
    )


def _versioned(incident, perform):
    """The `save` of a form on an existing incident: `perform(incident, version, data)` calls
    the service with the version the form was built from; a form that carries none is a
    conflict."""

    def save(form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if version is None:
            raise ValidationError(services.conflict_message(), code="conflict")
        return perform(incident, version, data)

    return save


def _write(request, pk, name, form_class, perform, message, confirm=None):
    """One of the incident page's forms: the service, then the page; or the page again with the
    refusal at the form's fields (or at its top). `confirm(incident, form)`: what the action
    does, asked first (kernel/flow.py)."""
    context = queries.incident_page(request.user, pk)
    incident = context["incident"]
    extra = {"owners": queries.village_staff(incident.establishment)} if name == "action" else {}
    form = form_class(request.POST, incident=incident, **extra)
    return submit(
        request,
        form,
        _versioned(incident, perform),
        message=message,
        success=reverse("safeguarding:incident", args=[incident.pk]),
        template="safeguarding/incident_detail.html",
        context=_incident_forms(context, {name: form}),
        refused_status=422,
        confirm=(lambda form: confirm(incident, form)) if confirm else None,
    )


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
        lambda incident: _("Le signalement n° %(n)s est clos.") % {"n": incident.pk},
        confirm=_closing_consequences,
    )


def _closing_consequences(incident, form) -> dict:
    """What closing the incident does, said before it is done."""
    return {
        "title": _("Clore le signalement n° %(n)s ?") % {"n": incident.pk},
        "consequences": [
            _("Le signalement est clos avec cette issue : « %(o)s ».")
            % {"o": form.cleaned_data["outcome"].strip()},
            _(
                "Il quitte les signalements à traiter du village ; le rouvrir demandera un motif, "
                "gardé dans son historique."
            ),
        ],
        "label": _("Clore le signalement"),
    }


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


def _declaration_forms(request, context, bound=None) -> dict:
    """The declaration page's context with the e-mail body and, for those who handle the
    incident, its forms; `bound` puts a refused form in place of its blank one."""
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
    context["email_body"] = declarations.email_body(context["sections"])
    return context


@requires("declaration", "view")
def declaration(request, pk):
    return render(
        request,
        "safeguarding/declaration.html",
        _declaration_forms(request, queries.declaration_page(request.user, pk)),
    )


@requires("declaration", "view")
def declaration_pdf(request, pk):
    """The declaration as a PDF (download audited as an export for every child involved)."""
    context = queries.declaration_page(
        request.user, pk, "safeguarding.declaration_pdf", AccessEvent.Action.EXPORT
    )
    if not context["incident"].serious_malfunction_to_declare:
        raise Http404
    return download(
        declarations.pdf(context["sections"]),
        f"declaration-signalement-{context['incident'].pk}.pdf",
        "application/pdf",
    )


def _declaration_write(request, pk, name, form_class, perform, message):
    """One of the declaration page's forms, as `_write` does for the incident page."""
    context = queries.declaration_page(request.user, pk)
    incident = context["incident"]
    extra = {"staff": queries.village_staff(incident.establishment)} if name == "alert" else {}
    form = form_class(request.POST, incident=incident, **extra)
    return submit(
        request,
        form,
        _versioned(incident, perform),
        message=message,
        success=reverse("safeguarding:declaration", args=[incident.pk]),
        template="safeguarding/declaration.html",
        context=_declaration_forms(request, context, {name: form}),
        refused_status=422,
    )


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


# Information préoccupante and signalement ----------------------------------------------------


@requires("transmission", "change")
@require_http_methods(["GET", "POST"])
def transmission_add(request, pk):
    context = queries.transmission_incident(request.user, pk)
    incident, staff = context["incident"], context["staff"]
    form = TransmissionForm(
        request.POST or None,
        incident=incident,
        staff=staff,
        by=request.user,
        departement=incident.establishment.departement,
    )
    return submit(
        request,
        form,
        _versioned(
            incident,
            lambda incident, version, data: services.record_transmission(
                incident, expected_version=version, staff=staff, by=request.user, **data
            ),
        ),
        message=_("La transmission est enregistrée."),
        success=reverse("safeguarding:incident", args=[incident.pk]) + "#transmissions",
        template="form_page.html",
        context={
            "title": _("Transmettre le signalement n° %(n)s") % {"n": incident.pk},
            "help": _(
                "Information préoccupante : à la cellule de recueil des informations "
                "préoccupantes (CRIP) du département, qui l'évalue dans les 3 mois. Danger grave "
                "et immédiat : signalement au procureur de la République, avec copie au "
                "président du conseil départemental."
            ),
            "submit_label": _("Enregistrer la transmission"),
            "cancel_url": reverse("safeguarding:incident", args=[incident.pk]),
        },
        refused_status=422,
    )


@requires("transmission", "change")
@require_http_methods(["GET", "POST"])
def transmission_follow_up(request, pk):
    context = queries.transmission_page(request.user, pk)
    transmission, incident, staff = (
        context["transmission"],
        context["incident"],
        context["staff"],
    )
    form = TransmissionFollowUpForm(
        request.POST or None,
        incident=incident,
        transmission=transmission,
        staff=staff,
        by=request.user,
    )
    return submit(
        request,
        form,
        _versioned(
            incident,
            lambda incident, version, data: services.record_transmission_follow_up(
                transmission, expected_version=version, staff=staff, by=request.user, **data
            ),
        ),
        message=_("La suite de la transmission est enregistrée."),
        success=reverse("safeguarding:incident", args=[incident.pk]) + "#transmissions",
        template="form_page.html",
        context={
            "title": _("Suite de la transmission · signalement n° %(n)s") % {"n": incident.pk},
            "help": transmission.get_kind_display(),
            "submit_label": _("Enregistrer la suite"),
            "cancel_url": reverse("safeguarding:incident", args=[incident.pk]),
        },
        refused_status=422,
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
    context = queries.organisation_indicators(
        request.user,
        page=request.GET.get("page", 1),
        order=request.GET.get("ordre", "nom"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safeguarding/indicators.html",
        {"query": query.urlencode(), **context},
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
