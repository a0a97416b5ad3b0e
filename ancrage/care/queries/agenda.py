"""Scoped reads of appointments: the calendar of a child and of a house (a week or a month, as
a list of days, with the family visits of ancrage/placements shown read-only), one appointment,
and what a staff member's ICS feed may hold today."""

from datetime import datetime, time

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.care.models.agenda import Appointment, CalendarFeed
from ancrage.care.queries.journal import visible_house
from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.calendar_feed import feed_events
from ancrage.kernel.dates import day_param
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.kernel.text import by_name
from ancrage.organisation.models import Unit
from ancrage.people.models import Person
from ancrage.people.queries import visible_person
from ancrage.placements.models import Stay, Visit

WEEK, MONTH = "semaine", "mois"
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180


def window(start: str | None, view: str | None):
    """(view, first day, day after the last, previous start, next start) of the calendar: the
    week (from Monday) or the month holding `start` (today when it is missing, malformed or
    outside the periods the product looks at)."""
    day = day_param(start)
    if view == MONTH:
        first = day.replace(day=1)
        return MONTH, first, calendar.add_months(first, 1), calendar.add_months(first, -1)
    first = calendar.add_days(day, -day.weekday())
    return WEEK, first, calendar.add_days(first, 7), calendar.add_days(first, -7)


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _calendar(user, children, start, view):
    """Appointments and family visits of `children` in the window, grouped by day."""
    view, first, after, previous = window(start, view)
    lower, upper = _aware(first), _aware(after)
    appointments = list(
        Appointment.objects.filter(child__in=children)
        .between(lower, upper)
        .select_related("child", "accompanied_by")
        .order_by("starts_at", "pk")
    )
    visits = list(
        Visit.objects.filter(right__child__in=children, starts_at__gte=lower, starts_at__lt=upper)
        .select_related("right__child")
        .order_by("starts_at", "pk")
    )
    items = [
        {"kind": "appointment", "at": a.starts_at, "a": a, "child": a.child} for a in appointments
    ]
    items += [{"kind": "visit", "at": v.starts_at, "v": v, "child": v.right.child} for v in visits]
    items.sort(key=lambda item: item["at"])
    by_day = {}
    for item in items:
        by_day.setdefault(timezone.localtime(item["at"]).date(), []).append(item)
    days = [calendar.add_days(first, n) for n in range(7)] if view == WEEK else sorted(by_day)
    return {
        "view": view,
        "first": first,
        "last": calendar.add_days(after, -1),
        "previous": previous,
        "next": after,
        "days": [{"day": d, "items": by_day.get(d, [])} for d in days],
        "count": len(items),
        "notes": can(user, "appointment_notes", "view"),
        "change": can(user, "appointment", "change"),
        "today": timezone.localdate(),
    }, {item["child"].pk for item in items}


def child_calendar(user, reference, start=None, view=None) -> dict:
    person = visible_person(user, reference, audit_as="care.child_calendar")
    context, _children = _calendar(user, [person], start, view)
    context.update(
        {"person": person, "lives_in_house": Stay.objects.current().filter(child=person).exists()}
    )
    return context


def house_calendar(user, pk, start=None, view=None) -> dict:
    house = visible_house(user, pk, kinds=("appointment",))
    living = Stay.objects.current().filter(unit=house).values("child_id")
    # the children living there today, by first name: the calendar's and the new appointment's
    children = list(
        Person.objects.visible_to(user)
        .filter(pk__in=living)
        .order_by(*by_name("first_names", "last_name"), "pk")
    )
    context, shown = _calendar(user, [c.pk for c in children], start, view)
    record_access(
        user,
        shown | ({c.pk for c in children} if context["change"] else set()),
        "care.house_calendar",
        AccessEvent.Action.LIST,
    )
    context["house"] = house
    context["children"] = children if context["change"] else []
    return context


def visible_appointment(user, pk, *, audit_as: str) -> Appointment:
    appointment = get_object_or_404(
        Appointment.objects.visible_to(user).select_related("child", "accompanied_by"), pk=pk
    )
    record_access(user, [appointment.child_id], audit_as)
    return appointment


# The personal ICS feed -----------------------------------------------------------------------


def feed_appointments(user, now=None):
    """What the user's feed may hold today: the planned appointments, from a month ago to six
    months ahead, of the children living today in the houses they work in (their house, or
    their village's houses), and those they accompany, always among the children they may see
    today (a child who left, another house's child, drop out)."""
    now = now or timezone.now()
    houses = reach(user, "appointment", "view").filter(
        unit="unit_id", establishment="unit__establishment_id"
    )
    living = Stay.objects.current(timezone.localdate(now)).filter(houses).values("child_id")
    # a young person's own appointments (her own file is her scope)
    own = reach(user, "appointment", "view").filter(person="child_id")
    return list(
        Appointment.objects.visible_to(user)
        .planned()
        .filter(Q(child__in=living) | Q(accompanied_by=user) | own)
        .between(*feed_window(now))
        .select_related("child")
        .order_by("starts_at", "pk")
    )


def feed_window(now=None):
    """The feed's window: from a month ago to six months ahead."""
    now = now or timezone.now()
    return calendar.add_days(now, -FEED_PAST_DAYS), calendar.add_days(now, FEED_FUTURE_DAYS)


def other_feed_events(user, now=None):
    """The events the apps above care add to the user's calendar (kernel.calendar_feed: the
    family worker's home visits), in the feed's window."""
    return feed_events(user, *feed_window(now))


def my_feed(user):
    return CalendarFeed.objects.filter(user=user).first()


def my_houses(user):
    """The houses the user works in (their house, or their village's houses), for the links to
    each house's journal and calendar."""
    condition = reach(user, "appointment", "view").filter(
        unit="pk", establishment="establishment_id"
    )
    return list(
        Unit.objects.houses()
        .filter(condition, active=True)
        .select_related("establishment")
        .order_by("establishment__name", "name")
    )
