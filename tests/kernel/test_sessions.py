"""The idle timeout without a write per request (kernel/sessions.py): an unchanged session is
saved at most once a minute, a changed one at once, and one left idle for the timeout is gone."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from ancrage.kernel.access import Role
from ancrage.kernel.sessions import SessionMiddleware, SessionStore
from tests.conftest import login

LOGIN = "/compte/connexion/"


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_within_the_minute_does_not_write_the_session(client, world, settings):
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    start = timezone.now()
    with freeze_time(start) as clock:
        login(client, world.users[Role.HEAD_OF_SERVICE])
        saved = stored_expiry(client)
        assert saved == start + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        clock.tick(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
    assert session_writes(queries) == []
    assert stored_expiry(client) == saved


def test_a_request_after_the_minute_pushes_the_expiry_back(client, world, settings):
    start = timezone.now()
    with freeze_time(start) as clock:
        login(client, world.users[Role.HEAD_OF_SERVICE])
        clock.tick(timedelta(seconds=61))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert len(session_writes(queries)) == 1
        expected = start + timedelta(seconds=61 + settings.SESSION_COOKIE_AGE)
        assert stored_expiry(client) == expected
        # The next request within the minute leaves the new expiry as it is.
        clock.tick(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert session_writes(queries) == []
        assert stored_expiry(client) == expected


def test_a_changed_session_is_saved_at_once(rf, db):
    """What a request puts in the session is kept, however recent the last save."""
    store = SessionStore()
    store["choice"] = "before"
    store.create()

    def view(request):
        request.session["choice"] = "after"
        return HttpResponse()

    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = store.session_key
    SessionMiddleware(view)(request)
    assert SessionStore(store.session_key)["choice"] == "after"


def test_an_active_user_stays_logged_in_and_an_idle_one_is_logged_out(client, world, settings):
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with freeze_time(start) as clock:
        login(client, world.users[Role.HEAD_OF_SERVICE])
        for _ in range(4):  # active for 40 minutes, a page every 10 minutes
            clock.tick(timedelta(minutes=10))
            assert client.get("/").status_code == 200
        clock.tick(age - timedelta(seconds=1))
        assert client.get("/").status_code == 200  # idle for 30 minutes less a second
        clock.tick(age)
        response = client.get("/")  # idle for 30 minutes
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_timeout_counts_from_the_last_save_within_a_minute(client, world, settings):
    """A request less than a minute after the last save does not push the expiry back: the
    session dies 30 minutes after that save, at most a minute before 30 minutes of idleness."""
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with freeze_time(start) as clock:
        login(client, world.users[Role.HEAD_OF_SERVICE])
        clock.tick(timedelta(seconds=50))
        assert client.get("/").status_code == 200  # not saved
        clock.tick(age - timedelta(seconds=50))
        response = client.get("/")  # 30 minutes after the save, 29 min 10 s after the request
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
