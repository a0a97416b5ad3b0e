"""gunicorn's settings for Ancrage (read from the working directory: `gunicorn ancrage.wsgi`).

Sized for the 2-core machine of the bench (bench/RESULTS.md, issue 19), where PostgreSQL runs
beside the web server: three processes, so that one runs Python on each core while another
waits for PostgreSQL; four threads each (gthread), so that a slow page (the O2R report) holds
one thread and not a whole process while the quick pages queue behind it, and a thread's wait
for the database lets another thread of the process run. Python runs one thread of a process at
a time (the GIL): more threads add no CPU, only overlap. Each thread keeps its database
connection (CONN_MAX_AGE, settings.py). Override on the command line (`--workers`,
`--threads`) or with GUNICORN_WORKERS / GUNICORN_THREADS on a larger machine: about one
process per core, plus one."""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
