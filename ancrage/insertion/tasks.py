"""The O2R report's stored summaries kept current by a worker (`ancrage o2r_report_summaries
--schedule`): after writes, the summaries readers asked for are built again, so that the next
reader rarely pays the build (ancrage/insertion/summary.py)."""

from django_tasks import task

from ancrage.insertion import summary
from ancrage.kernel.jobs import next_housekeeping


@task()
def refresh_report_summaries(reschedule: bool = False) -> int:
    rebuilt = summary.refresh_stale()
    if reschedule:
        refresh_report_summaries.using(run_after=next_housekeeping()).enqueue(reschedule=True)
    return rebuilt
