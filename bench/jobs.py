"""Background jobs on RQ over Redis: jobs per minute with 1 and 2 workers (same run), and the time
from enqueue to start. `make bench` runs it on the demo-scale database (<name>_demo, seeded).

For each worker count: one web instance (gunicorn) and N RQ workers (`ancrage worker
--in-process`), the demo funder starts --jobs O2R report exports (XLSX) through the page's
button, and the clock runs from the first POST to the last job done. Enqueue to start is
`Job.started_at - Job.created_at`. The jobs of the run are deleted afterwards. Wall-clock on
whatever machine runs it: compare the figures of one run.

    .venv/bin/python bench/jobs.py --database-url postgres://postgres@127.0.0.1:5432/ancrage_bench_demo
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

USERNAME = "financeur"  # the demo funder: the O2R report of the association's programmes
PASSWORD = "ancrage-demo-2026"
REDIS_URL = "redis://127.0.0.1:6379/14"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        ANCRAGE_DEMO="1",
        TASK_BACKEND="rq",
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="ancrage.settings",
    )
    import django

    django.setup()
    import redis

    from ancrage.kernel.models import Job
    from tests.kernel.scale_out import Browser, Processes

    rows = []
    for count in args.workers:
        redis.Redis.from_url(REDIS_URL).flushdb()
        before = set(Job.objects.values_list("pk", flat=True))
        with tempfile.TemporaryDirectory() as files:
            processes = Processes({"MEDIA_ROOT": files, "ANCRAGE_RELAX_2FA": "1"})
            try:
                base = processes.web()
                for n in range(count):
                    processes.worker(f"bench-{n}")
                processes.wait_ready()
                browser = Browser()
                browser.login(base, USERNAME, PASSWORD)
                started = time.monotonic()
                for _ in range(args.jobs):
                    status, _headers, _body = browser.request(
                        base + "/o2r/rapport/rapport-o2r.xlsx", {"start": "", "end": ""}
                    )
                    assert status == 302, status
                mine = Job.objects.exclude(pk__in=before)
                while mine.exclude(state__in=["done", "failed"]).exists():
                    time.sleep(0.1)
                elapsed = time.monotonic() - started
            finally:
                processes.stop()
        jobs = list(mine)
        waits = [(job.started_at - job.created_at).total_seconds() for job in jobs]
        rows.append(
            (
                count,
                len(jobs),
                sum(job.state == "done" for job in jobs),
                60 * len(jobs) / elapsed,
                statistics.median(waits),
                max(waits),
            )
        )
        mine.delete()
    redis.Redis.from_url(REDIS_URL).flushdb()
    print("\n| workers | jobs | done | jobs per minute | enqueue → start median (s) | max (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for count, total, done, per_minute, median, longest in rows:
        print(f"| {count} | {total} | {done} | {per_minute:.0f} | {median:.2f} | {longest:.2f} |")


if __name__ == "__main__":
    main()
