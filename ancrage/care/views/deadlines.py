"""The échéancier: legal deadlines of a village (filterable by house) and of one child."""

from django.shortcuts import render

from ancrage.care.forms.deadlines import DEFAULT_FILTERS, DeadlineFilter
from ancrage.care.queries import deadlines as queries
from ancrage.kernel.access import requires
from ancrage.people.queries import visible_person


@requires("deadline", "view")
def village_deadlines(request, pk):
    context = queries.village_deadlines(request.user, pk)
    filters = DeadlineFilter(
        request.GET or DEFAULT_FILTERS,
        context["every"],
        today=context["today"],
        responsibles=context["responsibles"],
        houses=context["houses"],
    )
    context["form"] = filters.form
    context["rows"] = queries.for_table(
        queries.with_actions(
            request.user, queries.shown(request.user, filters.qs, "care.village_deadlines")
        ),
        queries.person_url_template(),
    )
    return render(request, "care/village_deadlines.html", context)


@requires("deadline", "view")
def person_deadlines(request, reference):
    person = visible_person(request.user, reference, audit_as="care.person_deadlines")
    context = queries.person_deadlines(person, user=request.user)
    filters = DeadlineFilter(
        request.GET or None,
        context["every"],
        today=context["today"],
        responsibles=context["responsibles"],
    )
    context["form"] = filters.form
    context["rows"] = queries.for_table(queries.with_actions(request.user, filters.qs))
    return render(request, "care/person_deadlines.html", context)
