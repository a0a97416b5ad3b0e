"""Family visits: a child's rights and visits, recording a right, planning a visit, its
outcome, and the village's calendar of the visits to come."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
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
    person = visible_person(request.user, reference)  # recorded with the relatives offered
    form = VisitRightForm(
        request.POST or None,
        links=queries.relatives_for_visits(
            request.user, person, audit_as="placements.visit_right_add"
        ),
        initial={"start_date": timezone.localdate()},
    )
    visits_url = reverse("placements:visits", args=[person.reference])
    return submit(
        request,
        form,
        lambda form: services.set_visit_right(person, **form.cleaned_data, by=request.user),
        message=_("Le droit de visite est enregistré."),
        success=visits_url,
        template="form_page.html",
        context={
            "person": person,
            "title": _("Droit de visite"),
            "help": _(
                "Un nouveau droit pour le même proche remplace celui en vigueur, qui prend fin "
                "la veille."
            ),
            "submit_label": _("Enregistrer le droit de visite"),
            "cancel_url": visits_url,
        },
    )


@requires("visit", "change")
@require_http_methods(["GET", "POST"])
def visit_plan(request, reference):
    person = visible_person(request.user, reference)  # recorded with the relatives offered
    rights = queries.visit_rights_for_planning(
        request.user, person, audit_as="placements.visit_plan"
    )
    visits_url = reverse("placements:visits", args=[person.reference])
    return submit(
        request,
        VisitForm(request.POST or None, rights=rights),
        lambda form: services.plan_visit(**form.cleaned_data, by=request.user),
        message=_("La visite est prévue."),
        success=visits_url,
        # Without a right in force there is nothing to plan under: the page says what to do.
        template="form_page.html" if rights.exists() else "placements/visit_without_right.html",
        context={
            "person": person,
            "title": _("Prévoir une visite"),
            "submit_label": _("Prévoir la visite"),
            "cancel_url": visits_url,
        },
    )


@requires("visit", "change")
@require_http_methods(["GET", "POST"])
def visit_outcome(request, pk):
    visit = queries.visible_visit(request.user, pk, audit_as="placements.visit_outcome")
    initial = {
        "status": visit.status if visit.status != visit.Status.PLANNED else None,
        "cancelled_by": visit.cancelled_by,
        "observations": visit.observations,
    }
    visits_url = reverse("placements:visits", args=[visit.right.child.reference])
    return submit(
        request,
        VisitOutcomeForm(request.POST or None, initial=initial),
        lambda form: services.record_visit_outcome(visit, **form.cleaned_data, by=request.user),
        message=_("Le compte rendu de la visite est enregistré."),
        success=visits_url,
        template="placements/visit_outcome_form.html",
        context={
            "visit": visit,
            "person": visit.right.child,
            "title": _("Compte rendu de visite"),
            "submit_label": _("Enregistrer le compte rendu"),
            "cancel_url": visits_url,
        },
    )


@requires("visit", "view")
def village_visits(request, pk):
    return render(
        request, "placements/village_visits.html", queries.village_visits(request.user, pk)
    )
