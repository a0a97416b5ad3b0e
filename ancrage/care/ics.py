"""The iCalendar text of a personal feed, built with the `icalendar` library.

Nothing sensitive goes into an event: the summary says the broad kind (health, school, or just
"rendez-vous" for court hearings, ASE meetings, family visits and the rest), the child's first
initial and pseudonymous reference; no place, no person met, no notes. The description is only
the link to the appointment's page in Ancrage, which asks for a login.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from ancrage.care.models.agenda import Appointment

PARIS = ZoneInfo("Europe/Paris")
FEED_LABELS = {
    Appointment.Kind.HEALTH: "Rendez-vous santé",
    Appointment.Kind.SCHOOL: "Rendez-vous scolarité",
}
DEFAULT_LABEL = "Rendez-vous"


def event_summary(appointment: Appointment) -> str:
    initial = (appointment.child.first_names or "?")[:1].upper()
    label = FEED_LABELS.get(appointment.kind, DEFAULT_LABEL)
    return f"{label} — {initial}. ({appointment.child.reference})"


def event_uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@ancrage"


def build_calendar(appointments, *, link_for, now=None, events=(), absolute=str) -> bytes:
    """The feed: one VEVENT per appointment, and one per event the apps above care registered
    (`events`, kernel.calendar_feed, their paths made absolute by `absolute`), times in
    Europe/Paris with its VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", "-//Ancrage//Agenda personnel//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Ancrage · mon agenda")
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = now or timezone.now()
    for appointment in appointments:
        event = Event()
        event.add("uid", event_uid(appointment))
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.starts_at.astimezone(PARIS))
        event.add("dtend", appointment.ends_at.astimezone(PARIS))
        event.add("summary", event_summary(appointment))
        event.add("description", f"Détails dans Ancrage : {link_for(appointment)}")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    for other in events:
        event = Event()
        event.add("uid", other.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", other.starts_at.astimezone(PARIS))
        event.add("dtend", other.ends_at.astimezone(PARIS))
        event.add("summary", other.summary)
        event.add("description", f"Détails dans Ancrage : {absolute(other.url)}")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
