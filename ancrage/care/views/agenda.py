"""Appointment pages: the calendars of a child and of a house (week or month, as a list of
days), planning, changing and cancelling an appointment, the "Mon agenda" page with the secret
link of the personal ICS feed, and the feed itself (public URL, secret token)."""

import logging

from django.contrib import messages
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ancrage.care.forms.agenda import AppointmentForm, CancelForm
from ancrage.care.ics import build_calendar
from ancrage.care.queries import agenda as queries
from ancrage.care.services import agenda as services
from ancrage.kernel.access import public, requires
from ancrage.kernel.audit import record_access
from ancrage.kernel.flow import act, submit
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.versions import expected_version, record_data
from ancrage.people.queries import visible_person

logger = logging.getLogger(__name__)


@requires("appointment", "view")
def child_calendar(request, reference):
    context = queries.child_calendar(
        request.user, reference, request.GET.get("du"), request.GET.get("vue")
    )
    context["base_url"] = reverse("care:child_calendar", args=[reference])
    return render(request, "care/calendar.html", context)


@requires("appointment", "view")
def house_calendar(request, pk):
    context = queries.house_calendar(
        request.user, pk, request.GET.get("du"), request.GET.get("vue")
    )
    context["base_url"] = reverse("care:house_calendar", args=[pk])
    return render(request, "care/calendar.html", context)


def _form_context(person, appointment=None, **context):
    """The appointment page: the form, and for an appointment already planned, its cancelling."""
    return {
        "person": person,
        "appointment": appointment,
        "title": _("Modifier un rendez-vous") if appointment else _("Nouveau rendez-vous"),
        "submit_label": _("Enregistrer le rendez-vous"),
        "cancel_url": reverse("care:child_calendar", args=[person.reference]),
        "cancel_label": _("Retour à l'agenda"),
        # the cancelling's refusal is shown at its own address: the form posts to the edit's
        "action": reverse("care:appointment_edit", args=[appointment.pk]) if appointment else "",
        **context,
    }


def _when(appointment) -> str:
    return timezone.localtime(appointment.starts_at).strftime("%d/%m/%Y %H:%M")


def _appointment_message(appointment) -> str:
    return _("Le rendez-vous de %(name)s (%(kind)s) est enregistré, le %(when)s.") % {
        "kind": appointment.get_kind_display().lower(),
        "name": appointment.child.first_names,
        "when": _when(appointment),
    }


def _week_of(appointment) -> str:
    """The child's calendar at the week of the appointment (the one just planned or moved)."""
    day = timezone.localtime(appointment.starts_at).date()
    url = reverse("care:child_calendar", args=[appointment.child.reference])
    return f"{url}?du={day.isoformat()}#rdv-{appointment.pk}"


@requires("appointment", "change")
@require_http_methods(["GET", "POST"])
def appointment_create(request, reference):
    person = visible_person(request.user, reference, audit_as="care.appointment_create")
    staff = services.staff_of(services.current_house(person))
    return submit(
        request,
        AppointmentForm(request.POST or None, staff=staff),
        lambda form: services.plan_appointment(child=person, by=request.user, **form.cleaned_data),
        message=_appointment_message,
        success=lambda appointment: _week_of(appointment),
        template="care/appointment_form.html",
        context=_form_context(person),
        refused_status=422,
    )


@requires("appointment", "change")
@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk):
    appointment = queries.visible_appointment(request.user, pk, audit_as="care.appointment")
    person = appointment.child
    staff = services.staff_of(services.current_house(person))
    initial = {name: getattr(appointment, name) for name in services.EDITABLE_FIELDS}
    initial["starts_at"] = timezone.localtime(appointment.starts_at)
    initial["ends_at"] = timezone.localtime(appointment.ends_at)
    return submit(
        request,
        AppointmentForm(request.POST or None, staff=staff, initial=initial, record=appointment),
        lambda form: services.update_appointment(
            appointment,
            by=request.user,
            expected_version=expected_version(form),
            **record_data(form),
        ),
        message=lambda appointment: (
            _("Le rendez-vous du %(when)s est modifié.") % {"when": _when(appointment)}
        ),
        success=lambda appointment: _week_of(appointment),
        template="care/appointment_form.html",
        context=_form_context(person, appointment, cancel_form=CancelForm()),
        refused_status=422,
    )


@requires("appointment", "change")
@require_POST
def appointment_cancel(request, pk):
    appointment = queries.visible_appointment(request.user, pk, audit_as="care.appointment")
    person = appointment.child
    return submit(
        request,
        CancelForm(request.POST),
        lambda form: services.cancel_appointment(
            appointment, reason=form.cleaned_data["reason"], by=request.user
        ),
        message=_("Le rendez-vous est annulé."),
        success=reverse("care:child_calendar", args=[person.reference]),
        template="care/appointment_form.html",
        # the page behind a refused cancelling, read only when it is shown
        context=lambda: _form_context(
            person,
            appointment,
            form=AppointmentForm(staff=services.staff_of(services.current_house(person))),
        ),
        form_name="cancel_form",
        refused_status=422,
    )


# Personal ICS feed ---------------------------------------------------------------------------


def _feed_url(request, token):
    return request.build_absolute_uri(reverse("care:ics_feed", args=[token]))


@requires("calendar_feed", "use")
def my_calendar(request, token=None):
    appointments = queries.feed_appointments(request.user)[:MY_CALENDAR_SHOWN]
    others = queries.other_feed_events(request.user)[:MY_CALENDAR_SHOWN]
    # Each child whose appointment is shown (a link to their file, the kind of appointment) is a
    # read, as in the ICS feed: one list display each, in one insert.
    record_access(
        request.user,
        {a.child_id for a in appointments} | {p for e in others for p in e.person_ids},
        "care.my_calendar",
        AccessEvent.Action.LIST,
    )
    return render(
        request,
        "care/my_calendar.html",
        {
            "feed": queries.my_feed(request.user),
            "feed_url": _feed_url(request, token) if token else None,
            "appointments": appointments,
            "others": others,
            "houses": queries.my_houses(request.user),
        },
    )


MY_CALENDAR_SHOWN = 20  # the next appointments listed on "Mon agenda"


@requires("calendar_feed", "use")
@require_POST
@never_cache
def feed_regenerate(request):
    """A new secret link, shown once on the answer (only its hash is kept)."""
    token = services.regenerate_feed(request.user)
    messages.success(request, _("Nouveau lien créé : l'ancien ne fonctionne plus."))
    return my_calendar(request, token=token)


@requires("calendar_feed", "use")
@require_POST
def feed_revoke(request):
    return act(
        request,
        lambda: services.revoke_feed(request.user),
        message=lambda revoked: _("Le lien de votre agenda est révoqué.") if revoked else "",
        success="care:my_calendar",
    )


@public
@require_safe
@never_cache
def ics_feed(request, token):
    """The feed of a secret token: 404 on an unknown or revoked token, no login, no redirect
    (a phone's calendar polls it)."""
    feed = services.feed_for(token)
    if feed is None:
        raise Http404
    user = feed.user
    appointments = queries.feed_appointments(user)
    others = queries.other_feed_events(user)
    body = build_calendar(
        appointments,
        link_for=lambda a: request.build_absolute_uri(
            reverse("care:child_calendar", args=[a.child.reference])
        ),
        events=others,
        absolute=request.build_absolute_uri,
    )
    try:
        # In a savepoint: a failed write is logged, and the phone still gets its calendar.
        with transaction.atomic():
            services.record_fetch(feed, len(appointments) + len(others))
            record_access(
                user,
                {a.child_id for a in appointments} | {p for e in others for p in e.person_ids},
                "care.ics_feed",
                AccessEvent.Action.LIST,
            )
    except DatabaseError:
        logger.exception("ICS feed fetch of user %s not recorded", user.pk)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ancrage.ics"'
    return response
