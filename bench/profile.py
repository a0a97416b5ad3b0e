"""Where a page's time goes: its SQL queries, slowest first, against the rest (Python, templates).

For the budgets of bench/run.py: run a page a few times against a benchmark database, as a user,
and print each query's time (the mean over the runs) with the start of its SQL, then the time
outside SQL. Nothing is written.

    ANCRAGE_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_bench_large \\
        .venv/bin/python bench/profile.py chef.service /villages/1/signalements/ --runs 5
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
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=5, help="requests timed (after one warm-up)")
    parser.add_argument("--top", type=int, default=12, help="queries shown")
    parser.add_argument("--width", type=int, default=150, help="characters of SQL shown")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("ANCRAGE_DEMO", "1")  # as bench/run.py: DEBUG off, no production key
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from run import login

    from ancrage.accounts.models import User

    client = Client()
    login(client, User.objects.get(username=args.username))
    response = client.get(args.url)
    if response.status_code != 200:
        raise SystemExit(f"{args.url}: HTTP {response.status_code}")
    spent = defaultdict(float)

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[sql] += time.perf_counter() - started

    total = 0.0
    with connection.execute_wrapper(timer):
        for _ in range(max(args.runs, 1)):
            started = time.perf_counter()
            client.get(args.url)
            total += time.perf_counter() - started
    runs = max(args.runs, 1)
    in_sql = sum(spent.values()) / runs
    print(f"{args.url} as {args.username}: {total / runs * 1000:.1f} ms per request, ")
    print(f"{in_sql * 1000:.1f} ms in {len(spent)} distinct queries, the rest outside SQL.")
    for sql, seconds in sorted(spent.items(), key=lambda item: -item[1])[: args.top]:
        print(f"{seconds / runs * 1000:9.1f} ms  {' '.join(sql.split())[: args.width]}")


if __name__ == "__main__":
    main()
