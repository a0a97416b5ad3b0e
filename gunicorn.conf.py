"""gunicorn's settings for Ancrage (read from the working directory: `gunicorn ancrage.wsgi`).

Sized for the 2-core machine of the bench (bench/RESULTS.md, issue 19), where PostgreSQL runs
beside the web server: three processes, so that one runs Python on each core while another
waits for PostgreSQL; two threads each (gthread), so that a slow page (an O2R report being built)
holds one thread and not a whole process, and is not killed as a stuck worker would be.

A process takes only as many connections as it has threads (`worker_connections = threads`,
no keep-alive): gunicorn's gthread worker otherwise accepts every connection it can (up to
1,000) and queues them behind its own threads, and a kept-alive client stays with the process
that accepted it, so under load one process queued tens of clients while another sat idle
(measured: 0.83x b140e59 at 50 clients with 3 x 4 threads and keep-alive, bench/RESULTS.md).
Here a busy process leaves new connections to the idle ones, as sync workers do. The reverse
proxy keeps the browsers' connections alive; nginx speaks to gunicorn without keep-alive anyway.

Python runs one thread of a process at a time (the GIL): more threads add no CPU, only
concurrency, and on 2 cores more requests at once only queue inside the server instead of in
the listen backlog. Each thread keeps its database connection (CONN_MAX_AGE, settings.py).
Override with GUNICORN_WORKERS / GUNICORN_THREADS on a larger machine (about one process per
core, plus one); GUNICORN_THREADS sets the connections too, `--threads` on the command line
needs `--worker-connections` with the same number."""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# As many connections as threads: a busy process leaves new ones to an idle one.
worker_connections = threads
keepalive = 0
