"""The waiting list and the admission requests: a new request, its acceptance or refusal."""

from functools import partial

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
from ancrage.placements.forms.admissions import (
    AcceptAdmissionForm,
    AdmissionRequestForm,
    ChildFormSet,
    DeclineAdmissionForm,
)
from ancrage.placements.queries import admissions as queries
from ancrage.placements.queries.stays import house_beds, houses_of, visible_village
from ancrage.placements.services import admissions as services

DETAIL = "placements/admission_detail.html"


@requires("admission", "view")
def waiting_list(request, pk):
    return render(request, "placements/waiting_list.html", queries.waiting_list(request.user, pk))


@requires("admission", "change")
@require_http_methods(["GET", "POST"])
def admission_create(request, pk):
    village = visible_village(request.user, pk)
    form = AdmissionRequestForm(request.POST or None, initial={"departement": village.departement})
    children = ChildFormSet(request.POST or None, prefix="enfants")
    return submit(
        request,
        form,
        lambda form: services.register_admission_request(
            establishment=village,
            children=[f.cleaned_data for f in children.forms if f.has_changed()],
            by=request.user,
            **form.cleaned_data,
        ),
        also_valid=[children],
        message=_("La demande d'admission est inscrite sur la liste d'attente."),
        success=lambda admission: reverse("placements:admission", args=[admission.pk]),
        template="placements/admission_form.html",
        context={
            "village": village,
            "children": children,
            "title": _("Nouvelle demande d'admission"),
            "submit_label": _("Inscrire sur la liste d'attente"),
            "cancel_url": reverse("placements:waiting_list", args=[village.pk]),
        },
    )


def _detail(admission, houses) -> dict:
    """The request's page: its two forms (the flow puts the refused one in its place when it
    answers a POST) and the beds free in the village's houses."""
    return {
        "admission": admission,
        "accept": AcceptAdmissionForm(
            admission=admission,
            houses=houses,
            initial={"start_date": admission.wished_start_date or timezone.localdate()},
        ),
        "decline": DeclineAdmissionForm(),
        # Called by the template: counted only when the page is shown (not after a success).
        "board": partial(house_beds, houses),
    }


@requires("admission", "view")
def admission_detail(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    return render(request, DETAIL, _detail(admission, houses))


@requires("admission", "change")
@require_POST
def admission_accept(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    form = AcceptAdmissionForm(request.POST, admission=admission, houses=houses)
    return submit(
        request,
        form,
        lambda form: services.accept_admission(
            admission,
            houses=form.houses(),
            start_date=form.cleaned_data["start_date"],
            by=request.user,
            justification=form.justification(),
        ),
        message=_("Admission enregistrée : les enfants sont attendus dans leur maison."),
        success=reverse("placements:village_board", args=[admission.establishment_id]),
        template=DETAIL,
        context=_detail(admission, houses),
        form_name="accept",
        refused_status=422,
    )


@requires("admission", "change")
@require_POST
def admission_decline(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    return submit(
        request,
        DeclineAdmissionForm(request.POST),
        lambda form: services.decline_admission(
            admission, reason=form.cleaned_data["decline_reason"], by=request.user
        ),
        message=_("La demande est refusée ; le motif est enregistré."),
        success=reverse("placements:waiting_list", args=[admission.establishment_id]),
        template=DETAIL,
        context=_detail(admission, houses),
        form_name="decline",
        refused_status=422,
    )
