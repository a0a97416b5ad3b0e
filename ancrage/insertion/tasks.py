"""The O2R report's stored summaries kept current by a worker (`ancrage o2r_report_summaries
--schedule`): after writes, the stored summaries are built again, and the current periods'
summaries nobody opened yet are built, so that a reader rarely pays the build
(ancrage/insertion/summary.py)."""

from django.utils import timezone
from django_tasks import task

from ancrage.insertion import summary
from ancrage.kernel.jobs import next_housekeeping


@task()
def refresh_report_summaries(reschedule: bool = False) -> int:
    rebuilt = summary.refresh_stale()
    rebuilt += summary.prebuild(timezone.localdate())
    if reschedule:
        refresh_report_summaries.using(run_after=next_housekeeping()).enqueue(reschedule=True)
    return rebuilt
