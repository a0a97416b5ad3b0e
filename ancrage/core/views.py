"""Home page, break-the-glass, health check."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ancrage.core import queries, services
from ancrage.core.access import authenticated, public, requires
from ancrage.core.forms import BreakGlassForm, errors_to_form
from ancrage.core.models import BreakGlass


@authenticated
def home(request):
    from ancrage.care.queries.deadlines import overdue_counts
    from ancrage.people.queries import recently_consulted
    from ancrage.safeguarding.queries import dashboard

    return render(
        request,
        "core/home.html",
        {
            "board": queries.occupancy_board(request.user),
            "memberships": request.user.active_memberships,
            "recent_people": recently_consulted(request.user),
            "overdue_deadlines": overdue_counts(request.user),
            "safeguarding": dashboard(request.user),
        },
    )


@requires("break_glass", "use")
@require_http_methods(["GET", "POST"])
def break_glass(request):
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.open_break_glass(
                request.user, form.cleaned_data["reference"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.warning(
                request,
                _("Accès exceptionnel ouvert jusqu'à %(time)s. Il est enregistré avec son motif.")
                % {"time": timezone.localtime(access.expires_at).strftime("%H:%M")},
            )
            return redirect("people:detail", reference=access.person.reference)
    accesses = BreakGlass.objects.filter(user=request.user).select_related("person")[:20]
    return render(
        request,
        "core/break_glass.html",
        {"form": form, "accesses": accesses, "minutes": settings.BREAK_GLASS_MINUTES},
    )


@public
@require_GET
def health(request):
    return HttpResponse("ok", content_type="text/plain")
