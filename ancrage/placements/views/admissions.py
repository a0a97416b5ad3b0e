"""The waiting list and the admission requests: a new request, its acceptance or refusal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.placements.forms.admissions import (
    AcceptAdmissionForm,
    AdmissionRequestForm,
    ChildFormSet,
    DeclineAdmissionForm,
)
from ancrage.placements.queries import admissions as queries
from ancrage.placements.queries.stays import house_beds, houses_of, visible_village
from ancrage.placements.services import admissions as services


@requires("admission", "view")
def waiting_list(request, pk):
    return render(request, "placements/waiting_list.html", queries.waiting_list(request.user, pk))


@requires("admission", "change")
@require_http_methods(["GET", "POST"])
def admission_create(request, pk):
    village = visible_village(request.user, pk)
    form = AdmissionRequestForm(request.POST or None, initial={"departement": village.departement})
    children = ChildFormSet(request.POST or None, prefix="enfants")
    if request.method == "POST" and form.is_valid() and children.is_valid():
        try:
            admission = services.register_admission_request(
                establishment=village,
                children=[f.cleaned_data for f in children.forms if f.has_changed()],
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("La demande d'admission est inscrite sur la liste d'attente.")
            )
            return redirect("placements:admission", pk=admission.pk)
    return render(
        request,
        "placements/admission_form.html",
        {"village": village, "form": form, "children": children},
    )


@requires("admission", "view")
def admission_detail(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    accept = AcceptAdmissionForm(
        admission=admission,
        houses=houses,
        initial={"start_date": admission.wished_start_date or timezone.localdate()},
    )
    return render(
        request,
        "placements/admission_detail.html",
        {
            "admission": admission,
            "accept": accept,
            "decline": DeclineAdmissionForm(),
            "board": house_beds(houses),
        },
    )


@requires("admission", "change")
@require_POST
def admission_accept(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    form = AcceptAdmissionForm(request.POST, admission=admission, houses=houses)
    if form.is_valid():
        try:
            services.accept_admission(
                admission,
                houses=form.houses(),
                start_date=form.cleaned_data["start_date"],
                by=request.user,
                justification=form.justification(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Admission enregistrée : les enfants sont attendus dans leur maison.")
            )
            return redirect("placements:village_board", pk=admission.establishment_id)
    return render(
        request,
        "placements/admission_detail.html",
        {
            "admission": admission,
            "accept": form,
            "decline": DeclineAdmissionForm(),
            "board": house_beds(houses),
        },
        status=422,
    )


@requires("admission", "change")
@require_POST
def admission_decline(request, pk):
    admission = queries.visible_admission(request.user, pk)
    form = DeclineAdmissionForm(request.POST)
    if form.is_valid():
        try:
            services.decline_admission(
                admission, reason=form.cleaned_data["decline_reason"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La demande est refusée ; le motif est enregistré."))
            return redirect("placements:waiting_list", pk=admission.establishment_id)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    return render(
        request,
        "placements/admission_detail.html",
        {
            "admission": admission,
            "accept": AcceptAdmissionForm(admission=admission, houses=houses),
            "decline": form,
            "board": house_beds(houses),
        },
        status=422,
    )
