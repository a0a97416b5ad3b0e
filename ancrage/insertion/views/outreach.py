"""Repérage: outreach actions, contacts, and a contact converted into a beneficiary."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.insertion.forms.outreach import ContactForm, ConvertForm, OutreachActionForm
from ancrage.insertion.queries import outreach as queries
from ancrage.insertion.queries.programme import can_write, writing_team
from ancrage.insertion.services import beneficiary as beneficiary_services
from ancrage.insertion.services import outreach as services
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit


@requires("outreach", "view")
def outreach_list(request):
    return render(
        request,
        "insertion/outreach_list.html",
        {
            "actions": queries.outreach_actions(request.user),
            "can_write": can_write(request.user),
        },
    )


@requires("outreach", "change")
@require_http_methods(["GET", "POST"])
def outreach_add(request):
    team = writing_team(request.user)
    form = OutreachActionForm(
        request.POST or None,
        initial={"date": timezone.localdate()},
        service_id=team.establishment_id,
    )
    return submit(
        request,
        form,
        lambda form: services.log_outreach_action(team=team, by=request.user, **form.cleaned_data),
        template="form_page.html",
        context={
            "title": _("Saisir une action de repérage"),
            "help": team.name,
            "cancel_url": reverse("insertion:outreach_list"),
        },
        success="insertion:outreach_list",
        message=_("L'action de repérage est enregistrée."),
        refused_status=422,
    )


@requires("outreach", "view")
def contacts(request):
    return render(
        request,
        "insertion/contacts.html",
        {
            "contacts": queries.contacts(request.user),
            "can_write": can_write(request.user),
        },
    )


@requires("outreach", "change")
@require_http_methods(["GET", "POST"])
def contact_add(request):
    team = writing_team(request.user)
    form = ContactForm(
        request.POST or None,
        actions=queries.team_actions(request.user, team),
        initial={"met_on": timezone.localdate()},
        service_id=team.establishment_id,
    )
    return submit(
        request,
        form,
        lambda form: services.record_contact(team=team, by=request.user, **form.cleaned_data),
        template="form_page.html",
        context={
            "title": _("Saisir un contact"),
            "help": team.name,
            "cancel_url": reverse("insertion:contacts"),
        },
        success="insertion:contacts",
        message=_("Le contact est enregistré."),
        refused_status=422,
    )


@requires("beneficiary", "change")
@require_http_methods(["GET", "POST"])
def contact_convert(request, pk):
    contact = queries.contact(request.user, pk)
    form = ConvertForm(
        request.POST or None, initial={"consent_on": timezone.localdate(), "sex": contact.sex}
    )
    return submit(
        request,
        form,
        lambda form: beneficiary_services.convert_contact(
            contact, by=request.user, **form.cleaned_data
        ),
        template="insertion/convert_form.html",
        context={
            "contact": contact,
            "title": _("Ouvrir un dossier"),
            "submit_label": _("Ouvrir le dossier"),
            "cancel_url": reverse("insertion:contacts"),
        },
        success=lambda beneficiary: reverse("insertion:eligibility", args=[beneficiary.pk]),
        message=_("Le dossier du bénéficiaire est ouvert ; vérifiez son éligibilité."),
        refused_status=422,
    )
