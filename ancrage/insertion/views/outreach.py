"""Repérage: outreach actions, contacts, and a contact converted into a beneficiary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.insertion.forms.outreach import ContactForm, ConvertForm, OutreachActionForm
from ancrage.insertion.queries import outreach as queries
from ancrage.insertion.queries.programme import user_team
from ancrage.insertion.services import beneficiary as beneficiary_services
from ancrage.insertion.services import outreach as services
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form


def _team(request):
    team = user_team(request.user)
    if team is None:
        raise PermissionDenied
    return team


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@requires("outreach", "view")
def outreach_list(request):
    return render(
        request,
        "insertion/outreach_list.html",
        {
            "actions": queries.outreach_actions(request.user),
            "can_write": user_team(request.user) is not None,
        },
    )


@requires("outreach", "change")
@require_http_methods(["GET", "POST"])
def outreach_add(request):
    team = _team(request)
    form = OutreachActionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.log_outreach_action(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'action de repérage est enregistrée."))
            return redirect("insertion:outreach_list")
    return _form_page(request, "insertion/outreach_form.html", form, {"team": team})


@requires("outreach", "view")
def contacts(request):
    return render(
        request,
        "insertion/contacts.html",
        {
            "contacts": queries.contacts(request.user),
            "can_write": user_team(request.user) is not None,
        },
    )


@requires("outreach", "change")
@require_http_methods(["GET", "POST"])
def contact_add(request):
    team = _team(request)
    form = ContactForm(
        request.POST or None,
        actions=queries.team_actions(request.user, team),
        initial={"met_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le contact est enregistré."))
            return redirect("insertion:contacts")
    return _form_page(request, "insertion/contact_form.html", form, {"team": team})


@requires("beneficiary", "change")
@require_http_methods(["GET", "POST"])
def contact_convert(request, pk):
    contact = queries.contact(request.user, pk)
    form = ConvertForm(
        request.POST or None, initial={"consent_on": timezone.localdate(), "sex": contact.sex}
    )
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = beneficiary_services.convert_contact(
                contact, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Le dossier du bénéficiaire est ouvert ; vérifiez son éligibilité.")
            )
            return redirect("insertion:eligibility", pk=beneficiary.pk)
    return _form_page(request, "insertion/convert_form.html", form, {"contact": contact})
