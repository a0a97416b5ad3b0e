"""Family visits: a child's rights and visits, recording a right, planning a visit, its
outcome, and the village's calendar of the visits to come."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.people.queries import visible_person
from ancrage.placements.forms.visits import VisitForm, VisitOutcomeForm, VisitRightForm
from ancrage.placements.queries import visits as queries
from ancrage.placements.services import visits as services


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
