"""The nightly retention task of Django's tasks API, run by a worker: it purges the traces by
their rules (the access log after ACCESS_LOG_RETENTION_MONTHS, the change audit after its own
rule) and proposes a dry run to each organisation that has none waiting; a director or the DPO
approves it on the runs page, which starts the run. Like the deadline reminders, cron enqueues
it (`ancrage retention --queue`) or it schedules itself (`--schedule`, each run deferring the
next to the following RETENTION_TIME, Europe/Paris)."""

from datetime import datetime, time

from django.utils import timezone
from django_tasks import task

from ancrage.kernel.calendar import add_days
from ancrage.organisation.models import Organisation
from ancrage.privacy import services
from ancrage.privacy.jobs import compute_dry_run
from ancrage.privacy.models import RetentionRun

RETENTION_TIME = time(3, 0)


def next_run(now: datetime | None = None) -> datetime:
    """The next RETENTION_TIME after `now`, in the project's time zone."""
    now = timezone.localtime(now)
    at = now.replace(
        hour=RETENTION_TIME.hour, minute=RETENTION_TIME.minute, second=0, microsecond=0
    )
    if at <= now:
        at = timezone.make_aware(datetime.combine(add_days(at.date(), 1), RETENTION_TIME))
    return at


def retention_pass(today=None) -> dict:
    """Purge the traces; propose a dry run where none waits. Idempotent within a day."""
    today = today or timezone.localdate()
    purged = services.purge_traces(today)
    waiting = RetentionRun.objects.filter(
        state__in=[RetentionRun.State.DRY_RUN, RetentionRun.State.PROPOSED]
    ).values("organisation_id")
    proposed = 0
    for organisation in Organisation.objects.exclude(pk__in=waiting).order_by("pk"):
        run = RetentionRun.objects.create(organisation=organisation)
        if compute_dry_run(run, today) is not None:
            proposed += 1
    return {**purged, "proposed": proposed}


@task()
def nightly_retention(reschedule: bool = False) -> dict:
    result = retention_pass()
    if reschedule:
        nightly_retention.using(run_after=next_run()).enqueue(reschedule=True)
    return result
