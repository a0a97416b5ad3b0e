"""Home visits in the worker's calendar and personal ICS feed: families registers its visits
with `kernel.calendar_feed`, care serves them (the worker's own planned visits, the family's
number and never its name)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ancrage.care.services import agenda as feeds
from ancrage.families import services
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.kernel.calendar_feed import feed_events
from tests.conftest import login
from tests.families.factories import add_families, add_family_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(world):
    return add_family_plans(add_families(world))


def fetch(client, token):
    client.logout()  # a phone has no session
    response = client.get(reverse("care:ics_feed", args=[token]))
    assert response.status_code == 200
    return response, list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_home_visits_are_in_the_workers_ics_feed_without_the_familys_name(client, families):
    worker, case, visit = (
        families.users[Role.FAMILY_WORKER],
        families.family_case,
        families.home_visit,
    )
    response, events = fetch(client, feeds.regenerate_feed(worker))
    [event] = events
    assert str(event["uid"]) == f"home-visit-{visit.pk}@ancrage"
    assert str(event["summary"]) == f"Visite à domicile — famille n° {case.pk}"
    start = visit.starts_at.replace(microsecond=0)  # the feed counts whole seconds
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + datetime.timedelta(minutes=60)
    assert reverse("families:case", args=[case.pk]) in str(event["description"])
    body = response.content.decode()
    assert case.name not in body and "Nadia" not in body


def test_only_the_workers_own_planned_visits_reach_the_feed(families):
    worker, head = families.users[Role.FAMILY_WORKER], families.family_head
    now = timezone.now()
    window = (calendar.add_days(now, -30), calendar.add_days(now, 180))
    held = services.plan_home_visit(
        families.family_case, worker, starts_at=calendar.add_hours(now, 24)
    )
    services.record_home_visit(
        held, worker, expected_version=held.lock_version, status="cancelled", cancelled_by="family"
    )
    uids = [e.uid for e in feed_events(worker, *window)]
    assert uids == [f"home-visit-{families.home_visit.pk}@ancrage"]
    # the head planned the other team's visit: theirs, not the worker's
    assert [e.uid for e in feed_events(head, *window)] == [
        f"home-visit-{families.other_home_visit.pk}@ancrage"
    ]
    # a role without home visits gets nothing, and pays no query
    assert feed_events(families.users[Role.HOUSE_PARENT], *window) == []


def test_my_calendar_lists_the_home_visits(client, families, django_assert_num_queries):
    worker = families.users[Role.FAMILY_WORKER]
    login(client, worker)
    # the appointments (none), the link, the houses (none), the home visits
    with django_assert_num_queries(7):
        page = client.get(reverse("care:my_calendar"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Visite à domicile — famille n° {families.family_case.pk}" in text
    assert reverse("families:case", args=[families.family_case.pk]) in text
