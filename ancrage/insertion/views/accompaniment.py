"""The accompaniment, from the beneficiary's file: opening, extension, barriers, objectives
and actions, partner referrals, remuneration periods."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.insertion.forms.accompaniment import (
    AccompanimentForm,
    ActionDoneForm,
    ActionForm,
    BarrierForm,
    ExtendForm,
    ObjectiveCloseForm,
    ObjectiveForm,
    PartnerReferralForm,
    RemunerationForm,
)
from ancrage.insertion.queries import accompaniment as queries
from ancrage.insertion.queries.beneficiary import beneficiary as beneficiary_in_scope
from ancrage.insertion.queries.beneficiary import beneficiary_file
from ancrage.insertion.services import accompaniment as services
from ancrage.insertion.views.beneficiary import file_form
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
from ancrage.kernel.versions import expected_version, record_data


@requires("accompaniment", "change")
@require_http_methods(["GET", "POST"])
def accompaniment_open(request, pk):
    beneficiary = beneficiary_file(request.user, pk)["beneficiary"]
    form = AccompanimentForm(
        request.POST or None,
        referents=queries.referents(beneficiary),
        initial={"start_date": timezone.localdate(), "referent": request.user.pk},
    )
    file_url = reverse("insertion:beneficiary", args=[beneficiary.pk])
    return submit(
        request,
        form,
        lambda form: services.open_accompaniment(beneficiary, by=request.user, **form.cleaned_data),
        template="form_page.html",
        context={
            "person": beneficiary.person,
            "title": _("Ouvrir un accompagnement"),
            "submit_label": _("Ouvrir l'accompagnement"),
            "cancel_url": file_url,
        },
        success=file_url,
        message=_("L'accompagnement est ouvert pour 9 mois."),
        refused_status=422,
    )


def _accompaniment_form(request, pk, name, form, perform, message):
    """One of the file's forms on the beneficiary's accompaniment (refused while there is
    none)."""
    beneficiary = beneficiary_in_scope(request.user, pk)
    return file_form(
        request,
        beneficiary.pk,
        name,
        form,
        lambda form: perform(services.accompaniment_of(beneficiary), form.cleaned_data),
        message,
    )


@requires("accompaniment", "change")
@require_POST
def extend(request, pk):
    form = ExtendForm(request.POST, prefix="extend")
    return _accompaniment_form(
        request,
        pk,
        "extend",
        form,
        lambda a, _data: services.extend_accompaniment(
            a, by=request.user, expected_version=expected_version(form), **record_data(form)
        ),
        _("L'accompagnement est prolongé."),
    )


@requires("accompaniment", "change")
@require_POST
def barrier(request, pk):
    return _accompaniment_form(
        request,
        pk,
        "barrier",
        BarrierForm(request.POST, prefix="barrier"),
        lambda a, data: services.record_barrier(a, by=request.user, **data),
        _("Le frein est mis à jour."),
    )


@requires("accompaniment", "change")
@require_POST
def objective(request, pk):
    return _accompaniment_form(
        request,
        pk,
        "objective",
        ObjectiveForm(request.POST, prefix="objective"),
        lambda a, data: services.add_objective(a, **data),
        _("L'objectif est ajouté."),
    )


@requires("accompaniment", "change")
@require_POST
def action(request, pk):
    return _accompaniment_form(
        request,
        pk,
        "action",
        ActionForm(request.POST, prefix="action", objectives=queries.open_objectives(pk)),
        lambda a, data: services.add_action(a, **data),
        _("L'action est ajoutée."),
    )


@requires("accompaniment", "change")
@require_POST
def partner_referral(request, pk):
    return _accompaniment_form(
        request,
        pk,
        "partner",
        PartnerReferralForm(request.POST, prefix="partner"),
        lambda a, data: services.refer_to_partner(a, **data),
        _("L'orientation est notée."),
    )


@requires("accompaniment", "change")
@require_POST
def remuneration(request, pk):
    return _accompaniment_form(
        request,
        pk,
        "remuneration",
        RemunerationForm(request.POST, prefix="remuneration"),
        lambda a, data: services.add_remuneration(a, **data),
        _("La période de rémunération est enregistrée."),
    )


@requires("accompaniment", "change")
@require_POST
def action_done(request, pk):
    record = queries.action(request.user, pk)
    form = ActionDoneForm(request.POST, prefix="done")
    # The file lists one such form per action: the errors show at the one that was sent.
    form.record_pk = record.pk
    return file_form(
        request,
        record.accompaniment.beneficiary_id,
        "action_done",
        form,
        lambda form: services.complete_action(record, **form.cleaned_data),
        _("L'action est marquée faite."),
    )


@requires("accompaniment", "change")
@require_POST
def objective_close(request, pk):
    record = queries.objective(request.user, pk)
    form = ObjectiveCloseForm(request.POST, prefix="close")
    form.record_pk = record.pk
    return file_form(
        request,
        record.accompaniment.beneficiary_id,
        "objective_close",
        form,
        lambda form: services.close_objective(record, **form.cleaned_data),
        _("L'objectif est clos."),
    )
