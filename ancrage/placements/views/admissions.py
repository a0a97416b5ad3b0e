"""The waiting list and the admission requests: a new request, its acceptance or refusal."""

from contextlib import suppress
from functools import cache

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel import dates
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


def _arrival_day(request, admission):
    """The arrival date the beds are counted on: the one typed (sent with the form after a
    refusal, or asked for by the page as soon as it is typed), else the date the request wishes,
    else today. A date out of the form's range is not one: the page counts on the usual day."""
    typed = None
    with suppress(ValueError):
        typed = parse_date(request.POST.get("start_date") or request.GET.get("start_date") or "")
    if typed is not None:
        low, high = dates.EVENT.bounds()
        typed = typed if low <= typed <= high else None
    return typed or admission.wished_start_date or timezone.localdate()


def _chosen_houses(request, admission) -> dict:
    """The houses already picked in the form, kept when the page counts the beds again on
    another arrival date ({"house_<child pk>": house pk})."""
    names = {f"house_{child.pk}" for child in admission.ordered_children}
    return {name: value for name, value in request.GET.items() if name in names and value}


def _detail(admission, houses, day, chosen=None) -> dict:
    """The request's page: its two forms (the flow puts the refused one in its place when it
    answers a POST) and the beds free in the village's houses on the arrival date."""
    rows = cache(lambda: house_beds(houses, day))
    return {
        "admission": admission,
        "accept": AcceptAdmissionForm(
            admission=admission,
            houses=houses,
            beds=lambda: {row["house"].pk: row["free"] for row in rows()},
            day=day,
            initial={"start_date": day, **(chosen or {})},
        ),
        "decline": DeclineAdmissionForm(),
        "beds_day": day,
        # Called by the template: counted only when the page is shown (not after a success);
        # the house choices read the same count.
        "board": rows,
    }


def _admission_message(stays) -> str:
    """What accepting did: who arrives where and when, and the judge's notice it calls for."""
    arrivals = ", ".join(
        _("%(name)s à la %(house)s") % {"name": s.child.first_names, "house": s.unit.name}
        for s in stays
    )
    text = _("Admission enregistrée : %(who)s, arrivée prévue le %(day)s.") % {
        "who": arrivals,
        "day": stays[0].start_date.strftime("%d/%m/%Y") if stays else "",
    }
    for notice in queries.judge_notices_of(stays):
        text += " " + _(
            "À faire : informer le juge de %(name)s (%(kind)s) au plus tard le %(due)s ; la "
            "tâche est dans l'échéancier du village."
        ) % {
            "name": notice.child.first_names,
            "kind": notice.get_kind_display().lower(),
            "due": notice.due_date.strftime("%d/%m/%Y"),
        }
    return text


@requires("admission", "view")
def admission_detail(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    day = _arrival_day(request, admission)
    return render(
        request, DETAIL, _detail(admission, houses, day, _chosen_houses(request, admission))
    )


@requires("admission", "change")
@require_POST
def admission_accept(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = houses_of(request.user).filter(establishment=admission.establishment)
    day = _arrival_day(request, admission)
    beds = cache(lambda: {row["house"].pk: row["free"] for row in house_beds(houses, day)})
    form = AcceptAdmissionForm(request.POST, admission=admission, houses=houses, beds=beds, day=day)
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
        message=_admission_message,
        success=reverse("placements:village_board", args=[admission.establishment_id]),
        template=DETAIL,
        context=lambda: _detail(admission, houses, _arrival_day(request, admission)),
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
        context=lambda: _detail(admission, houses, _arrival_day(request, admission)),
        form_name="decline",
        refused_status=422,
    )
