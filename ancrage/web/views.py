"""Home page, person search and person file, break-the-glass, health checks, the error page."""

import sys

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET, require_http_methods

from ancrage.care.queries.deadlines import overdue_counts
from ancrage.kernel import outage
from ancrage.kernel.access import authenticated, public, requires
from ancrage.kernel.flow import submit
from ancrage.kernel.jobs import recent_jobs
from ancrage.kernel.models import BreakGlass
from ancrage.kernel.scopes import memberships_in_force
from ancrage.participation.council import council_villages
from ancrage.people.forms import PersonSearchForm
from ancrage.people.queries import SEARCH_LIMIT, recently_consulted
from ancrage.placements.queries import occupancy_board
from ancrage.safeguarding.queries import dashboard
from ancrage.staff.queries import home_flags as staff_flags
from ancrage.web import homes, person, services
from ancrage.web.forms import BreakGlassForm


@authenticated
def home(request):
    """The home of the user's main role (web/homes.py) above the blocks every home shares; a
    young person's home is their own space."""
    memberships = memberships_in_force(request.user)
    kind = homes.home_kind(memberships)
    if kind == "youth":
        return redirect("participation:youth_home")
    # The occupancy of every establishment in scope: shown by the homes close to the houses
    # only (the organisation's homes read their totals and a page of villages instead).
    board = occupancy_board(request.user) if kind in homes.BOARD_HOMES else []
    # The national home reads the late deadlines of its page's villages itself.
    overdue_deadlines = overdue_counts(request.user) if kind != "national" else []
    return render(
        request,
        "web/home.html",
        {
            "kind": kind,
            "home": homes.home_block(
                kind,
                request.user,
                overdue_deadlines=overdue_deadlines,
                page=request.GET.get("page"),
            ),
            "board": board,
            "memberships": memberships,
            "recent_people": recently_consulted(request.user),
            "overdue_deadlines": overdue_deadlines,
            "safeguarding": dashboard(request.user),
            "jobs": recent_jobs(request),
            # the organisation's home links each of its page's villages to its council
            "councils": council_villages(request.user) if kind != "national" else [],
            "staff": staff_flags(request.user),
        },
    )


@requires("person", "search")
def person_search(request):
    form = PersonSearchForm(request.GET or None)
    results, searched = [], False
    if form.is_bound and form.is_valid():
        searched = bool(form.cleaned_data["q"] or form.cleaned_data["birth_date"])
        results = person.person_search(
            request.user, form.cleaned_data["q"], form.cleaned_data["birth_date"]
        )
    context = {
        "form": form,
        "results": results,
        "searched": searched,
        "limit": SEARCH_LIMIT,
    }
    # htmx asks for the results only; a history restore needs the whole page again.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "web/_person_search_results.html" if partial else "web/person_search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires("person", "view")
def person_detail(request, reference):
    return render(request, "web/person_detail.html", person.person_page(request.user, reference))


@requires("break_glass", "use")
@require_http_methods(["GET", "POST"])
def break_glass(request):
    form = BreakGlassForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.open_break_glass(
            request.user, form.cleaned_data["reference"], form.cleaned_data["reason"]
        ),
        level=messages.WARNING,
        message=lambda access: (
            _("Accès exceptionnel ouvert jusqu'à %(time)s. Il est enregistré avec son motif.")
            % {"time": timezone.localtime(access.expires_at).strftime("%H:%M")}
        ),
        success=lambda access: reverse("web:person", args=[access.person.reference]),
        template="web/break_glass.html",
        context={
            "accesses": BreakGlass.objects.filter(user=request.user).select_related("person")[:20],
            "minutes": settings.BREAK_GLASS_MINUTES,
            "title": _("Accès exceptionnel à un dossier"),
            "submit_label": _("Ouvrir le dossier"),
        },
    )


@public
@require_GET
def health(request):
    """Liveness: the process answers and reaches its database (503 otherwise)."""
    return outage.liveness()


@public
@require_GET
def health_ready(request):
    """Readiness: the database answers, its migrations are applied and, with RQ, the task
    queue answers (503 otherwise, with what is wrong): a load balancer sends no traffic here
    until then."""
    return outage.readiness()


def server_error(request):
    """The 500 handler: a database outage answers the French 503 page (with Retry-After);
    any other error the French 500 page. Neither needs the database."""
    if outage.is_outage(sys.exc_info()[1]):
        return outage.outage_page()
    return defaults.server_error(request)
