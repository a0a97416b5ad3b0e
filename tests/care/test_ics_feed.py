"""The personal ICS feed: a secret, revocable link; the feed parses with icalendar, holds only
what its owner may see today (no other house, no child who left), no sensitive detail, stable
UIDs in Europe/Paris; fetches are recorded."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from ancrage.care.models.agenda import CalendarFeed, CalendarFeedFetch, hash_token
from ancrage.care.services import agenda as services
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from tests.care.factories_daily import AppointmentFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db


def at(days, hour=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def fetch(client, token):
    client.logout()  # a phone has no session
    return client.get(f"/agenda/{token}.ics")


def events_of(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


@pytest.fixture
def appointments(world):
    return {
        "mine": AppointmentFactory(child=world.child, starts_at=at(2), ends_at=at(2, 11)),
        "court": AppointmentFactory(
            child=world.child,
            kind="court",
            starts_at=at(5, 14),
            ends_at=at(5, 15),
            place="Tribunal judiciaire de Nantes",
            with_whom="Juge des enfants",
            notes="Audience de renouvellement du placement",
        ),
        "other_house": AppointmentFactory(child=world.sibling, starts_at=at(2), ends_at=at(2, 11)),
        "other_village": AppointmentFactory(
            child=world.outsider, starts_at=at(2), ends_at=at(2, 11)
        ),
        "left": AppointmentFactory(child=world.former_child, starts_at=at(3), ends_at=at(3, 11)),
        "cancelled": AppointmentFactory(
            child=world.child,
            starts_at=at(4),
            ends_at=at(4, 11),
            status="cancelled",
            cancellation_reason="Reporté",
        ),
    }


def test_the_feed_parses_validates_and_holds_only_the_house_parents_children(
    client, world, appointments
):
    token = services.regenerate_feed(world.users[Role.HOUSE_PARENT])
    response = fetch(client, token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar, events = events_of(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    uids = {str(e["UID"]) for e in events}
    assert uids == {
        f"appointment-{appointments['mine'].pk}@ancrage",
        f"appointment-{appointments['court'].pk}@ancrage",
    }
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event)
        assert event.decoded("DTSTART").tzinfo.key == "Europe/Paris"
        assert event.decoded("DTEND") > event.decoded("DTSTART")


def test_no_full_name_nor_sensitive_detail_reaches_the_feed(client, world, appointments):
    token = services.regenerate_feed(world.users[Role.HOUSE_PARENT])
    text = fetch(client, token).content.decode()
    unfolded = text.replace("\r\n ", "")
    for secret in (
        world.child.last_name,
        world.child.first_names,
        "Tribunal",
        "Juge",
        "Audience",
        "asthme",
        "Lemoine",
        "Cabinet",
    ):
        assert secret not in unfolded
    _calendar, events = events_of(fetch(client, token))
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    initial = world.child.first_names[0]
    assert summaries == [
        f"Rendez-vous santé — {initial}. ({world.child.reference})",
        f"Rendez-vous — {initial}. ({world.child.reference})",
    ]


def test_the_village_team_feed_leaves_out_children_who_left_and_other_villages(
    client, world, appointments
):
    token = services.regenerate_feed(world.users[Role.HEAD_OF_SERVICE])
    _calendar, events = events_of(fetch(client, token))
    uids = {str(e["UID"]) for e in events}
    expected = {appointments[k].pk for k in ("mine", "court", "other_house")}
    assert uids == {f"appointment-{pk}@ancrage" for pk in expected}


def test_an_accompanied_appointment_is_in_the_companions_feed(client, world):
    aide = world.users[Role.FAMILY_AIDE]
    appointment = AppointmentFactory(
        child=world.child, starts_at=at(1), ends_at=at(1, 11), accompanied_by=aide
    )
    token = services.regenerate_feed(aide)
    _calendar, events = events_of(fetch(client, token))
    assert [str(e["UID"]) for e in events] == [f"appointment-{appointment.pk}@ancrage"]


def test_uids_are_stable_between_fetches(client, world, appointments):
    token = services.regenerate_feed(world.users[Role.HOUSE_PARENT])
    first = sorted(str(e["UID"]) for e in events_of(fetch(client, token))[1])
    second = sorted(str(e["UID"]) for e in events_of(fetch(client, token))[1])
    assert first == second


def test_an_unknown_token_answers_404(client, world):
    assert fetch(client, "pas-un-jeton").status_code == 404


def test_regenerating_kills_the_old_link_and_revoking_kills_the_new_one(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    old = services.regenerate_feed(parent)
    new = services.regenerate_feed(parent)
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    login(client, parent)
    assert client.post("/mon-agenda/revoquer/").status_code == 302
    assert fetch(client, new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_only_the_hash_of_the_token_is_stored(world):
    token = services.regenerate_feed(world.users[Role.HOUSE_PARENT])
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash


def test_my_calendar_shows_the_link_once(client, world):
    login(client, world.users[Role.FAMILY_AIDE])
    response = client.post("/mon-agenda/lien/")
    assert response.status_code == 200
    url = response.context["feed_url"]
    assert url.startswith("http://testserver/agenda/") and url.endswith(".ics")
    again = client.get("/mon-agenda/")
    assert again.context["feed_url"] is None
    assert url not in again.content.decode()


def test_fetches_are_recorded_with_who_and_when(client, world, appointments):
    parent = world.users[Role.HOUSE_PARENT]
    token = services.regenerate_feed(parent)
    fetch(client, token)
    fetch(client, token)
    feed = CalendarFeed.objects.get()
    assert feed.fetch_count == 2 and feed.last_fetched_at is not None
    assert list(CalendarFeedFetch.objects.values_list("user", "events")) == [
        (parent.pk, 2),
        (parent.pk, 2),
    ]
    assert (
        AccessEvent.objects.filter(user=parent, person=world.child, what="care.ics_feed").count()
        == 2
    )


def test_a_deactivated_account_loses_its_feed(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    token = services.regenerate_feed(parent)
    parent.is_active = False
    parent.save()
    assert fetch(client, token).status_code == 404


def test_a_failed_fetch_record_never_breaks_the_phones_polling(client, world, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("database is locked")

    token = services.regenerate_feed(world.users[Role.HOUSE_PARENT])
    monkeypatch.setattr(services, "record_fetch", broken)
    response = fetch(client, token)
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    assert not CalendarFeedFetch.objects.exists()


def test_head_requests_are_answered_too(client, world):
    token = services.regenerate_feed(world.users[Role.HOUSE_PARENT])
    client.logout()
    assert client.head(f"/agenda/{token}.ics").status_code == 200
