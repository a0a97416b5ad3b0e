"""The daily deadline reminders as a task of Django's tasks API, run by a worker. Two ways to
run it every day (docs/deployment.md): cron enqueues it (`ancrage send_deadline_reminders
--queue`), or it schedules itself: started once with `--schedule`, each run defers the next to
the following REMINDER_TIME (Europe/Paris). Sending is idempotent (one e-mail per person and
day), so a run delivered twice, or two chains, send nothing more."""

from datetime import datetime, time

from django.utils import timezone
from django_tasks import task

from ancrage.care.services.reminders import send_deadline_reminders
from ancrage.kernel.calendar import add_days

REMINDER_TIME = time(6, 30)


def next_run(now: datetime | None = None) -> datetime:
    """The next REMINDER_TIME after `now`, in the project's time zone."""
    now = timezone.localtime(now)
    at = now.replace(hour=REMINDER_TIME.hour, minute=REMINDER_TIME.minute, second=0, microsecond=0)
    if at <= now:
        at = timezone.make_aware(datetime.combine(add_days(at.date(), 1), REMINDER_TIME))
    return at


@task()
def daily_deadline_reminders(days: int = 14, reschedule: bool = False) -> int:
    sent = send_deadline_reminders(timezone.localdate(), days)
    if reschedule:
        daily_deadline_reminders.using(run_after=next_run()).enqueue(days=days, reschedule=True)
    return sent
