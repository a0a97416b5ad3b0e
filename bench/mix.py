"""Where the load run's CPU goes: its client mix replayed in one process, page by page.

bench/load.py measures throughput; this tells where a request's time is spent. It writes the same
sessions as the load run (heads of service of the first villages, the O2R lead and counsellors),
then plays the locustfile's mix in order, weighted as the clients are (four village clients in
five), through Django's test client with the session cookie, and prints per page: requests,
median wall time, time in SQL and queries; then the total CPU per request. `--cprofile` adds
the functions where the time goes (cumulative and own time), over the whole mix.

    ANCRAGE_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_bench_large \\
        .venv/bin/python bench/mix.py --requests 300 --cprofile

What the requests write (sessions, access events) is deleted at the end, as bench/load.py does.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# bench/profile.py would shadow the standard library's `profile`, which cProfile imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
import cProfile  # noqa: E402
import pstats  # noqa: E402

sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

# The locustfile's tasks and weights (bench/locustfile.py): (name, weight, url from a session).
VILLAGE_TASKS = [
    ("Accueil", 2, lambda s, rng: "/"),
    ("Recherche", 3, lambda s, rng: "/personnes/?q=" + rng.choice(s["searches"])),
    ("Fiche d'un enfant", 3, lambda s, rng: rng.choice(s["children"])),
    ("Tableau du village", 2, lambda s, rng: s["board"]),
    ("Liste d'attente", 1, lambda s, rng: s["waiting_list"]),
    ("Calendrier des visites", 1, lambda s, rng: s["visits"]),
    ("Échéancier du village", 1, lambda s, rng: s["deadlines"]),
    ("Signalements du village", 1, lambda s, rng: s["incidents"]),
]
O2R_TASKS = [
    ("O2R : bénéficiaires", 3, lambda s, rng: s["beneficiaries"]),
    (
        "O2R : rapport d'activité",
        1,
        lambda s, rng: s["report"] or s["beneficiaries"] + "?page=2",
    ),
]


def plan(setup: dict, requests: int, seed: int) -> list[tuple[str, dict, str]]:
    """The requests in order: four village clients in five, each task by its weight."""
    rng = random.Random(seed)
    village = [(name, make) for name, weight, make in VILLAGE_TASKS for _ in range(weight)]
    o2r = [(name, make) for name, weight, make in O2R_TASKS for _ in range(weight)]
    out = []
    for _ in range(requests):
        if setup["o2r_sessions"] and rng.random() < 0.2:
            session = rng.choice(setup["o2r_sessions"])
            name, make = rng.choice(o2r)
        else:
            session = rng.choice(setup["sessions"])
            name, make = rng.choice(village)
        out.append((name, session, make(session, rng)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=5, help="village sessions written")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cprofile", action="store_true", help="where the time goes")
    parser.add_argument("--top", type=int, default=40, help="functions shown")
    parser.add_argument(
        "--profile-out", metavar="PATH", help="also save the profile there (for pstats, callers)"
    )
    parser.add_argument(
        "--profile-page", metavar="NAME", help="profile this page's requests only (its name above)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("ANCRAGE_DEMO", "1")
    os.environ.setdefault("DEBUG", "0")
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    from load import cleanup, prepare

    with tempfile.TemporaryDirectory() as tmp:
        setup_file = Path(tmp) / "sessions.json"
        prepare(args.clients, setup_file)
        try:
            run(json.loads(setup_file.read_text()), args)
        finally:
            cleanup(setup_file)


def run(setup: dict, args) -> None:
    from django.db import connection
    from django.test import Client

    requests = plan(setup, args.requests, args.seed)
    clients = {}
    for session in setup["sessions"] + setup["o2r_sessions"]:
        client = Client()
        client.cookies[setup["cookie_name"]] = session["cookie"]
        clients[session["cookie"]] = client
    # one warm-up of each distinct URL (templates compiled, caches filled)
    for _name, session, url in {url: (n, s, url) for n, s, url in requests}.values():
        clients[session["cookie"]].get(url)
    wall = defaultdict(list)
    cpu_spent = defaultdict(list)
    sql = defaultdict(float)
    queries = defaultdict(int)
    current = [None]

    def timer(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[current[0]] += time.perf_counter() - started
            queries[current[0]] += 1

    profiler = cProfile.Profile() if args.cprofile else None
    # the garbage collector's passes, timed apart (gc.callbacks)
    gc_spent, gc_started = [0.0, 0], [0.0]

    def gc_timer(phase, info):
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_spent[0] += time.perf_counter() - gc_started[0]
            gc_spent[1] += info["generation"] == 2

    gc.freeze()  # as the server's processes (ancrage/wsgi.py): startup objects out of GC passes
    gc.callbacks.append(gc_timer)
    cpu_started = time.process_time()
    wall_started = time.perf_counter()
    with connection.execute_wrapper(timer):
        for name, session, url in requests:
            current[0] = name
            started = time.perf_counter()
            cpu_before = time.process_time()
            profiled = profiler and args.profile_page in (None, name)
            if profiled:
                profiler.enable()
            response = clients[session["cookie"]].get(url)
            if profiled:
                profiler.disable()
            wall[name].append(time.perf_counter() - started)
            cpu_spent[name].append(time.process_time() - cpu_before)
            if response.status_code != 200:
                print(f"HTTP {response.status_code} {url}")
    cpu = time.process_time() - cpu_started
    gc.callbacks.remove(gc_timer)
    elapsed = time.perf_counter() - wall_started
    # CPU: this process's, so the database's own work is in "SQL" only; under a loaded machine
    # it moves less than the wall time.
    print(f"{'page':32} {'n':>4} {'median ms':>10} {'CPU ms':>8} {'SQL ms':>8} {'queries':>8}")
    for name, times in sorted(wall.items(), key=lambda item: -sum(item[1])):
        n = len(times)
        print(
            f"{name:32} {n:4} {statistics.median(times) * 1000:10.1f} "
            f"{statistics.median(cpu_spent[name]) * 1000:8.1f} "
            f"{sql[name] / n * 1000:8.1f} {queries[name] / n:8.1f}"
        )
    total_sql = sum(sql.values())
    print(
        f"\n{len(requests)} requests: {elapsed / len(requests) * 1000:.1f} ms each "
        f"(wall), {cpu / len(requests) * 1000:.1f} ms of this process's CPU, "
        f"{total_sql / len(requests) * 1000:.1f} ms in SQL (wall), "
        f"{gc_spent[0] / len(requests) * 1000:.1f} ms in the garbage collector "
        f"({gc_spent[1]} full passes)"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        if args.profile_out:
            stats.dump_stats(args.profile_out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
