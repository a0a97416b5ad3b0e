"""Remobilisation activities and their attendance."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.insertion.forms.activity import ActivityForm
from ancrage.insertion.queries import activity as queries
from ancrage.insertion.queries.programme import user_team
from ancrage.insertion.services import activity as services
from ancrage.kernel.access import requires
from ancrage.kernel.audit import record_access
from ancrage.kernel.forms import errors_to_form
from ancrage.kernel.models import AccessEvent


def _team(request):
    team = user_team(request.user)
    if team is None:
        raise PermissionDenied
    return team


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@requires("activity", "view")
def activities(request):
    return render(
        request,
        "insertion/activities.html",
        {
            "activities": queries.activities(request.user),
            "can_write": user_team(request.user) is not None,
        },
    )


@requires("activity", "change")
@require_http_methods(["GET", "POST"])
def activity_add(request):
    team = _team(request)
    beneficiaries = queries.active_beneficiaries(request.user)
    if request.method == "GET":
        record_access(
            request.user,
            beneficiaries.values_list("person_id", flat=True),
            "insertion.activity_form",
            AccessEvent.Action.LIST,
        )
    form = ActivityForm(
        request.POST or None,
        beneficiaries=beneficiaries,
        initial={"date": timezone.localdate(), "duration_minutes": 90},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'activité est enregistrée."))
            return redirect("insertion:activities")
    return _form_page(request, "insertion/activity_form.html", form, {"team": team})
