"""The accompaniment, from the beneficiary's file: opening, extension, barriers, objectives
and actions, partner referrals, remuneration periods."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
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
from ancrage.insertion.models import (
    AccompanimentAction,
    Beneficiary,
    Objective,
)
from ancrage.insertion.queries import accompaniment as queries
from ancrage.insertion.queries.beneficiary import beneficiary_file
from ancrage.insertion.services import accompaniment as services
from ancrage.insertion.views.beneficiary import _file, _write
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@requires("accompaniment", "change")
@require_http_methods(["GET", "POST"])
def accompaniment_open(request, pk):
    context = beneficiary_file(request.user, pk)
    beneficiary = context["beneficiary"]
    form = AccompanimentForm(
        request.POST or None,
        referents=queries.referents(beneficiary),
        initial={"start_date": timezone.localdate(), "referent": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.open_accompaniment(beneficiary, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'accompagnement est ouvert pour 9 mois."))
            return redirect("insertion:beneficiary", pk=beneficiary.pk)
    return _form_page(
        request, "insertion/accompaniment_form.html", form, {"beneficiary": beneficiary}
    )


@requires("accompaniment", "change")
@require_POST
def extend(request, pk):
    return _write(
        request,
        pk,
        "extend",
        ExtendForm,
        lambda a, d: services.extend_accompaniment(a, by=request.user, **d),
        _("L'accompagnement est prolongé."),
    )


@requires("accompaniment", "change")
@require_POST
def barrier(request, pk):
    return _write(
        request,
        pk,
        "barrier",
        BarrierForm,
        lambda a, d: services.record_barrier(a, by=request.user, **d),
        _("Le frein est mis à jour."),
    )


@requires("accompaniment", "change")
@require_POST
def objective(request, pk):
    return _write(
        request,
        pk,
        "objective",
        ObjectiveForm,
        lambda a, d: services.add_objective(a, **d),
        _("L'objectif est ajouté."),
    )


@requires("accompaniment", "change")
@require_POST
def action(request, pk):
    return _write(
        request,
        pk,
        "action",
        lambda data, prefix: ActionForm(
            data, prefix=prefix, objectives=queries.open_objectives(pk)
        ),
        lambda a, d: services.add_action(a, **d),
        _("L'action est ajoutée."),
    )


@requires("accompaniment", "change")
@require_POST
def action_done(request, pk):
    record = get_object_or_404(
        AccompanimentAction.objects.filter(
            accompaniment__beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("accompaniment"),
        pk=pk,
    )
    beneficiary_pk = record.accompaniment.beneficiary_id
    form = ActionDoneForm(request.POST, prefix="done")
    if form.is_valid():
        try:
            services.complete_action(record, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'action est marquée faite."))
            return redirect("insertion:beneficiary", pk=beneficiary_pk)
    form.record_pk = record.pk
    return _file(request, beneficiary_pk, bound={"action_done": form}, status=422)


@requires("accompaniment", "change")
@require_POST
def objective_close(request, pk):
    record = get_object_or_404(
        Objective.objects.filter(
            accompaniment__beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("accompaniment"),
        pk=pk,
    )
    beneficiary_pk = record.accompaniment.beneficiary_id
    form = ObjectiveCloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.close_objective(record, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'objectif est clos."))
            return redirect("insertion:beneficiary", pk=beneficiary_pk)
    form.record_pk = record.pk
    return _file(request, beneficiary_pk, bound={"objective_close": form}, status=422)


@requires("accompaniment", "change")
@require_POST
def partner_referral(request, pk):
    return _write(
        request,
        pk,
        "partner",
        PartnerReferralForm,
        lambda a, d: services.refer_to_partner(a, **d),
        _("L'orientation est notée."),
    )


@requires("accompaniment", "change")
@require_POST
def remuneration(request, pk):
    return _write(
        request,
        pk,
        "remuneration",
        RemunerationForm,
        lambda a, d: services.add_remuneration(a, **d),
        _("La période de rémunération est enregistrée."),
    )
