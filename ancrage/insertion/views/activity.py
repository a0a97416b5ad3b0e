"""Remobilisation activities and their attendance."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.insertion.forms.activity import ActivityForm
from ancrage.insertion.queries import activity as queries
from ancrage.insertion.queries.programme import can_write, writing_team
from ancrage.insertion.services import activity as services
from ancrage.kernel.access import requires
from ancrage.kernel.audit import record_access
from ancrage.kernel.flow import submit
from ancrage.kernel.models import AccessEvent


@requires("activity", "view")
def activities(request):
    return render(
        request,
        "insertion/activities.html",
        {
            "activities": queries.activities(request.user),
            "can_write": can_write(request.user),
        },
    )


@requires("activity", "change")
@require_http_methods(["GET", "POST"])
def activity_add(request):
    team = writing_team(request.user)
    beneficiaries = queries.active_beneficiaries(request.user)
    if request.method == "GET":
        # The form lists the people who may attend: a read of their names.
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
    return submit(
        request,
        form,
        lambda form: services.record_activity(team=team, by=request.user, **form.cleaned_data),
        template="form_page.html",
        context={
            "title": _("Saisir une activité de remobilisation"),
            "help": team.name,
            "cancel_url": reverse("insertion:activities"),
        },
        success="insertion:activities",
        message=_("L'activité est enregistrée."),
        refused_status=422,
    )
