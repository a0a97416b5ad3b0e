"""Appointment pages: the calendars of a child and of a house (week or month, as a list of
days), planning, changing and cancelling an appointment, the "Mon agenda" page with the secret
link of the personal ICS feed, and the feed itself (public URL, secret token)."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
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
from ancrage.kernel.forms import errors_to_form
from ancrage.kernel.models import AccessEvent
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


def _form_page(request, form, person, appointment=None, status=200):
    return render(
        request,
        "care/appointment_form.html",
        {"form": form, "person": person, "appointment": appointment},
        status=status,
    )


@requires("appointment", "change")
@require_http_methods(["GET", "POST"])
def appointment_create(request, reference):
    person = visible_person(request.user, reference, audit_as="care.appointment_create")
    staff = services.staff_of(services.current_house(person))
    form = AppointmentForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_appointment(child=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le rendez-vous est enregistré."))
            return redirect("care:child_calendar", reference=reference)
    return _form_page(request, form, person, status=422 if request.method == "POST" else 200)


@requires("appointment", "change")
@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk):
    appointment = queries.visible_appointment(request.user, pk, audit_as="care.appointment")
    person = appointment.child
    staff = services.staff_of(services.current_house(person))
    initial = {name: getattr(appointment, name) for name in services.EDITABLE_FIELDS}
    initial["starts_at"] = timezone.localtime(appointment.starts_at)
    initial["ends_at"] = timezone.localtime(appointment.ends_at)
    form = AppointmentForm(request.POST or None, staff=staff, initial=initial)
    cancel = CancelForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appointment(appointment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le rendez-vous est modifié."))
            return redirect("care:child_calendar", reference=person.reference)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "care/appointment_form.html",
        {"form": form, "person": person, "appointment": appointment, "cancel_form": cancel},
        status=status,
    )


@requires("appointment", "change")
@require_POST
def appointment_cancel(request, pk):
    appointment = queries.visible_appointment(request.user, pk, audit_as="care.appointment")
    person = appointment.child
    cancel = CancelForm(request.POST)
    if cancel.is_valid():
        try:
            services.cancel_appointment(
                appointment, reason=cancel.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(cancel, error)
        else:
            messages.success(request, _("Le rendez-vous est annulé."))
            return redirect("care:child_calendar", reference=person.reference)
    form = AppointmentForm(staff=services.staff_of(services.current_house(person)))
    return render(
        request,
        "care/appointment_form.html",
        {"form": form, "person": person, "appointment": appointment, "cancel_form": cancel},
        status=422,
    )


# Personal ICS feed ---------------------------------------------------------------------------


def _feed_url(request, token):
    return request.build_absolute_uri(reverse("care:ics_feed", args=[token]))


@requires("calendar_feed", "use")
def my_calendar(request, token=None):
    return render(
        request,
        "care/my_calendar.html",
        {
            "feed": queries.my_feed(request.user),
            "feed_url": _feed_url(request, token) if token else None,
            "appointments": queries.feed_appointments(request.user)[:20],
            "houses": queries.my_houses(request.user),
        },
    )


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
    if services.revoke_feed(request.user):
        messages.success(request, _("Le lien de votre agenda est révoqué."))
    return redirect("care:my_calendar")


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
    body = build_calendar(
        appointments,
        link_for=lambda a: request.build_absolute_uri(
            reverse("care:child_calendar", args=[a.child.reference])
        ),
    )
    try:
        # In a savepoint: a failed write is logged, and the phone still gets its calendar.
        with transaction.atomic():
            services.record_fetch(feed, len(appointments))
            record_access(
                user, {a.child_id for a in appointments}, "care.ics_feed", AccessEvent.Action.LIST
            )
    except DatabaseError:
        logger.exception("ICS feed fetch of user %s not recorded", user.pk)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ancrage.ics"'
    return response
