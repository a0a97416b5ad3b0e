"""Village pages: board, waiting list and admissions, measures and their documents, moves,
exits, judge notices, family visits and the village's visit calendar."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.organisation.models import Establishment, Unit
from ancrage.organisation.queries import establishments_for
from ancrage.people.queries import visible_person
from ancrage.placements import queries, services
from ancrage.placements.forms import (
    AcceptAdmissionForm,
    AdmissionRequestForm,
    ChildFormSet,
    DeclineAdmissionForm,
    DocumentForm,
    ExitForm,
    JudgeInformedForm,
    MeasureForm,
    MoveForm,
    VisitForm,
    VisitOutcomeForm,
    VisitRightForm,
)
from ancrage.placements.models import JudgeNotification, ProtectionMeasure

logger = logging.getLogger(__name__)


def _villages(user):
    return establishments_for(user).filter(kind=Establishment.Kind.VILLAGE).order_by("name")


def _houses(user):
    return (
        Unit.objects.houses()
        .filter(active=True, establishment__in=_villages(user))
        .select_related("establishment")
        .order_by("establishment__name", "name")
    )


@requires("establishment", "view")
def village_board(request, pk):
    return render(request, "placements/village_board.html", queries.village_board(request.user, pk))


@requires("admission", "view")
def waiting_list(request, pk):
    return render(request, "placements/waiting_list.html", queries.waiting_list(request.user, pk))


@requires("admission", "change")
@require_http_methods(["GET", "POST"])
def admission_create(request, pk):
    village = queries.visible_village(request.user, pk)
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
    houses = _houses(request.user).filter(establishment=admission.establishment)
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
            "board": queries.house_beds(houses),
        },
    )


@requires("admission", "change")
@require_POST
def admission_accept(request, pk):
    admission = queries.visible_admission(request.user, pk)
    houses = _houses(request.user).filter(establishment=admission.establishment)
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
            "board": queries.house_beds(houses),
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
    houses = _houses(request.user).filter(establishment=admission.establishment)
    return render(
        request,
        "placements/admission_detail.html",
        {
            "admission": admission,
            "accept": AcceptAdmissionForm(admission=admission, houses=houses),
            "decline": form,
            "board": queries.house_beds(houses),
        },
        status=422,
    )


@requires("measure", "change")
@require_http_methods(["GET", "POST"])
def measure_create(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.measure_create")
    villages = _villages(request.user)
    renewable = ProtectionMeasure.objects.filter(child=person, renewal__isnull=True)
    form = MeasureForm(request.POST or None, villages=villages, renewable=renewable)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_measure(child=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La mesure de protection est enregistrée."))
            return redirect("web:person", reference=person.reference)
    return render(request, "placements/measure_form.html", {"person": person, "form": form})


@requires("placement", "change")
@require_http_methods(["GET", "POST"])
def move(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.move")
    form = MoveForm(request.POST or None, houses=_houses(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.move_child(
                child=person,
                to_house=form.cleaned_data["house"],
                move_date=form.cleaned_data["move_date"],
                emergency=form.cleaned_data["emergency"],
                justification=form.justification(),
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le changement de maison est enregistré."))
            return redirect("web:person", reference=person.reference)
    return render(request, "placements/move_form.html", {"person": person, "form": form})


@requires("placement", "change")
@require_http_methods(["GET", "POST"])
def exit_(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.exit")
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_exit(
                child=person,
                exit_date=form.cleaned_data["exit_date"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La sortie est enregistrée."))
            return redirect("web:person", reference=person.reference)
    return render(request, "placements/exit_form.html", {"person": person, "form": form})


@requires("judge_notice", "change")
@require_POST
def judge_informed(request, pk):
    village_ids = _villages(request.user).values("pk")
    notice = get_object_or_404(
        JudgeNotification.objects.filter(establishment__in=village_ids).select_related("child"),
        pk=pk,
    )
    form = JudgeInformedForm(request.POST)
    error = None
    if form.is_valid():
        try:
            notice = services.mark_judge_informed(
                notice, on=form.cleaned_data["sent_on"], by=request.user
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = _("Indiquez la date à laquelle le juge a été informé.")
    if request.htmx:
        # Only the state cell of the notice changes: no page reload.
        return render(
            request,
            "placements/_judge_notice_state.html",
            {"n": notice, "error": error, "can_change": True},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("L'information du juge est notée comme faite."))
    return redirect("web:person", reference=notice.child.reference)


# Family visits ---------------------------------------------------------------------------------


@requires("visit", "view")
def person_visits(request, reference):
    return render(request, "placements/visits.html", queries.person_visits(request.user, reference))


@requires("visit", "change")
@require_http_methods(["GET", "POST"])
def visit_right_add(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.visit_right_add")
    form = VisitRightForm(
        request.POST or None,
        links=queries.relatives_for_visits(request.user, person),
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_visit_right(person, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le droit de visite est enregistré."))
            return redirect("placements:visits", reference=person.reference)
    return render(request, "placements/visit_right_form.html", {"person": person, "form": form})


@requires("visit", "change")
@require_http_methods(["GET", "POST"])
def visit_plan(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.visit_plan")
    form = VisitForm(request.POST or None, rights=queries.visit_rights_for_planning(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_visit(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La visite est prévue."))
            return redirect("placements:visits", reference=person.reference)
    return render(request, "placements/visit_form.html", {"person": person, "form": form})


@requires("visit", "change")
@require_http_methods(["GET", "POST"])
def visit_outcome(request, pk):
    visit = queries.visible_visit(request.user, pk, audit_as="placements.visit_outcome")
    initial = {
        "status": visit.status if visit.status != visit.Status.PLANNED else None,
        "cancelled_by": visit.cancelled_by,
        "observations": visit.observations,
    }
    form = VisitOutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit_outcome(visit, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le compte rendu de la visite est enregistré."))
            return redirect("placements:visits", reference=visit.right.child.reference)
    return render(request, "placements/visit_outcome_form.html", {"visit": visit, "form": form})


@requires("visit", "view")
def village_visits(request, pk):
    return render(
        request, "placements/village_visits.html", queries.village_visits(request.user, pk)
    )


# Measure documents -----------------------------------------------------------------------------


@requires("measure", "change")
@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    measure = queries.visible_measure(request.user, pk, audit_as="placements.document_add")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(
                measure, form.cleaned_data["kind"], form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La pièce est jointe à la mesure."))
            detail = reverse("web:person", kwargs={"reference": measure.child.reference})
            return redirect(f"{detail}#mesure")
    return render(request, "placements/document_form.html", {"measure": measure, "form": form})


@requires("measure", "view")
def document_download(request, pk):
    """The document itself, only through the access checks: never shown inline, never sniffed
    into another type by the browser, never cached."""
    document = queries.visible_document(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        logger.error("Document %s is missing from storage (%s)", document.pk, document.file.name)
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
