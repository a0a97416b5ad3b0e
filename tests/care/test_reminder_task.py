"""The daily deadline reminders as a task (ancrage/care/tasks.py), run by the real worker of the
database backend: enqueued (as cron does with --queue), or scheduling itself each day at 6:30
(--schedule). Sending stays once per person and day, however often the task runs."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ancrage.care.tasks import next_run
from tests.care.test_deadlines_pages import measure  # noqa: F401  (fixture)
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def reachable_head(head):
    head.email = "chef@example.org"
    head.save()
    return head


def test_the_next_run_is_the_next_half_past_six_in_paris():
    at = datetime.datetime(2026, 12, 5, 6, 29, tzinfo=PARIS)
    assert next_run(at) == datetime.datetime(2026, 12, 5, 6, 30, tzinfo=PARIS)
    at = datetime.datetime(2026, 12, 5, 6, 30, tzinfo=PARIS)
    assert next_run(at) == datetime.datetime(2026, 12, 6, 6, 30, tzinfo=PARIS)
    # across the change to summer time, still 6:30 on the wall clock
    at = datetime.datetime(2027, 3, 27, 12, 0, tzinfo=PARIS)
    assert next_run(at) == datetime.datetime(2027, 3, 28, 6, 30, tzinfo=PARIS)


@pytest.mark.usefixtures("world", "measure", "reachable_head")
def test_cron_enqueues_the_reminders_and_a_worker_sends_them_once():
    call_command("send_deadline_reminders", "--days", "30", "--queue")
    assert mail.outbox == []  # the worker sends, not the command
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["chef@example.org"]
    # delivered again the same day: nothing more
    call_command("send_deadline_reminders", "--days", "30", "--queue")
    run_worker()
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("world", "measure", "reachable_head")
def test_the_worker_runs_the_reminders_every_day_once_scheduled():
    call_command("send_deadline_reminders", "--days", "30", "--schedule")
    (scheduled,) = DBTaskResult.objects.all()
    assert scheduled.run_after == next_run()
    run_worker()  # not due yet
    assert mail.outbox == []
    DBTaskResult.objects.filter(pk=scheduled.pk).update(
        run_after=timezone.now() - datetime.timedelta(minutes=1)
    )
    run_worker()
    assert len(mail.outbox) == 1
    # the run deferred the next one to the next 6:30
    following = DBTaskResult.objects.exclude(pk=scheduled.pk).get()
    assert following.status == "READY"
    assert following.run_after == next_run(following.enqueued_at)
    assert following.args_kwargs["kwargs"] == {"days": 30, "reschedule": True}
