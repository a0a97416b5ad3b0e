"""Where a page's time goes: its SQL queries, slowest first, against the rest (Python, templates).

For the budgets of bench/run.py: run one or more pages a few times against a benchmark database,
as a user, and print each query's time (the mean over the runs) with the start of its SQL, then
the time outside SQL; `--explain` adds the plan (EXPLAIN ANALYZE; on SQLite, EXPLAIN QUERY
PLAN) of each page's slowest SELECT.
What the requests write (the access events of the persons shown, the session) is deleted at the
end, as bench/run.py does.

    ANCRAGE_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_bench_large \\
        .venv/bin/python bench/profile.py chef.service /villages/1/signalements/ / --runs 5

On SQLite, profile a copy of the file: the requests write (sessions, access events). Each SELECT
is timed once more apart with its rows fetched (the driver fetches them after the statement
returns), with the last parameters it ran with.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username")
    parser.add_argument("urls", nargs="+", metavar="url")
    parser.add_argument("--runs", type=int, default=5, help="requests timed (after one warm-up)")
    parser.add_argument("--top", type=int, default=12, help="queries shown")
    parser.add_argument("--width", type=int, default=150, help="characters of SQL shown")
    parser.add_argument(
        "--explain", action="store_true", help="the plan of each page's slowest SELECT"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("ANCRAGE_DEMO", "1")  # as bench/run.py: DEBUG off, no production key
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from run import login

    from ancrage.accounts.models import User
    from ancrage.kernel.models import AccessEvent

    user = User.objects.get(username=args.username)
    first_event = AccessEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    client = Client()
    login(client, user)
    try:
        for url in args.urls:
            profile(client, url, args, connection)
    finally:
        client.logout()
        AccessEvent.objects.filter(user=user, pk__gt=first_event).delete()


def profile(client, url, args, connection) -> None:
    response = client.get(url)
    if response.status_code != 200:
        print(f"{url}: HTTP {response.status_code}\n")
        return
    spent = defaultdict(float)
    last_params = {}

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[sql] += time.perf_counter() - started
            last_params[sql] = params

    total = 0.0
    runs = max(args.runs, 1)
    with connection.execute_wrapper(timer):
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            total += time.perf_counter() - started
    if connection.vendor == "sqlite":
        # Python's driver steps a SELECT's rows only when they are fetched, after the wrapper
        # returned: time each statement again with its rows (its last parameters, once per run)
        for sql in list(spent):
            if sql.lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(sql, last_params[sql])
                    cursor.fetchall()
                    spent[sql] = (time.perf_counter() - started) * runs
    in_sql = sum(spent.values()) / runs
    print(f"{url} as {args.username}: {total / runs * 1000:.1f} ms per request, ")
    print(f"{in_sql * 1000:.1f} ms in {len(spent)} distinct queries, the rest outside SQL.")
    ranked = sorted(spent.items(), key=lambda item: -item[1])
    for sql, seconds in ranked[: args.top]:
        print(f"{seconds / runs * 1000:9.1f} ms  {' '.join(sql.split())[: args.width]}")
    if args.explain:
        selects = [sql for sql, _ in ranked if sql.lstrip().upper().startswith("SELECT")]
        slowest = selects[0] if selects else None
        if slowest is not None:
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    # SQLite's plan (no timings): one row per step, indented by its parent
                    cursor.execute("EXPLAIN QUERY PLAN " + slowest, last_params[slowest])
                    depth = {0: 0}
                    for node, parent, _unused, detail in cursor.fetchall():
                        depth[node] = depth.get(parent, 0) + 1
                        print("  " * depth[node] + detail)
                else:
                    cursor.execute("EXPLAIN ANALYZE " + slowest, last_params[slowest])
                    print("\n".join(str(row[0]) for row in cursor.fetchall()))
    print()


if __name__ == "__main__":
    main()
