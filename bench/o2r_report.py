"""The O2R activity report alone, cold (built, protected, stored) and cached (read from its
stored summary), at one or more scales: the lines `bench/run.py` measures among every page, in a
few minutes. Everything runs in transactions rolled back.

    .venv/bin/python bench/o2r_report.py --scales large o2r3 --requests 50
(the databases <base>_<scale>, base postgres://postgres@127.0.0.1:5432/ancrage_bench; o2r3 is a
copy of the large one with three times its O2R rows, bench/o2r_triple.py). With --prebuild, the
worker's pre-build of the current periods is timed too (`summary.prebuild`, every programme and
view, rolled back), and the first opening of the page after it. With --before DIR, the same
measures are taken first with the code of another checkout (e.g. /work/main), in the same run.

With `--sqlite SCALE=URL` (as many as scales), each scale is measured on PostgreSQL then on a
copy of that SQLite file, one after the other, and SQLite ÷ PostgreSQL is printed; at the end,
for each database, the budget of issue 15: p95 of the cached consolidated report under 300 ms
at each scale, and the last scale's p95 within 1.5× of the first's:

    .venv/bin/python bench/o2r_report.py --scales large o2r3 \\
        --sqlite large=sqlite:////path/large.sqlite3 --sqlite o2r3=sqlite:////path/o2r3.sqlite3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from run import (
    DEFAULT_DATABASE_URL,
    FUNDER_USERNAME,
    O2R_USERNAME,
    PROJECT_DIR,
    parse_sqlite,
    sqlite_copy,
    worker_env,
)

# Issue 15: the consolidated report (its disclosure control included) at the large scale and
# with three times the O2R rows, same run: p95 under 300 ms at both, the 3× within 1.5× of large.
REPORT_P95_MS = 300.0
REPORT_GROWTH = 1.5
# --views: the chef de file's consolidated report, the funder's
VIEWS = {"o2r_report": "lead", "o2r_report_funder": "funder"}


def prebuilt(label: str, url: str, client) -> list[dict]:
    """The worker's pre-build of every programme's current periods, once, then the page's
    first opening (no summary stored before the pre-build), in a transaction rolled back."""
    import time

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ancrage.insertion import summary
    from ancrage.insertion.models import ReportSummary

    with transaction.atomic():
        ReportSummary.objects.all().delete()
        started = time.perf_counter()
        n = summary.prebuild(timezone.localdate())
        build = (time.perf_counter() - started) * 1000
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            first = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        transaction.set_rollback(True)
    return [
        {
            "label": f"pré-calcul du worker ({n} synthèses)",
            "p95": build,
            "median": build,
            "n": 1,
            "queries": "-",
        },
        {
            "label": f"{label}, première ouverture après le pré-calcul",
            "p95": first,
            "median": first,
            "n": 1,
            "queries": len(captured),
        },
    ]


def worker(repeat: int, time_limit: float, views: list[str], prebuild: bool = False) -> dict:
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    from django.db import connection
    from django.test import Client
    from run import login, report_page

    from ancrage.accounts.models import User
    from ancrage.insertion.models import Attendance, Beneficiary

    out = {
        "vendor": connection.vendor,
        "database": str(connection.settings_dict["NAME"]),
        "beneficiaries": Beneficiary.objects.count(),
        "attendance": Attendance.objects.count(),
        "load": os.getloadavg(),
        "pages": [],
    }
    for key, label, url, username in (
        ("o2r_report", "O2R : rapport consolidé (année de convention)", "/o2r/rapport/", None),
        ("o2r_report_funder", "O2R : rapport du financeur", "/o2r/rapport/", FUNDER_USERNAME),
    ):
        if VIEWS[key] not in views:
            continue
        client = Client()
        login(client, User.objects.get(username=username or O2R_USERNAME))
        out["pages"] += report_page(key, label, url, client, repeat, time_limit)
        if prebuild and username is None:
            out["pages"] += prebuilt(label, url, client)
    out["load_after"] = os.getloadavg()
    return out


def measure(url: str, args, code: str = str(PROJECT_DIR)) -> dict:
    """One database measured with the code of one checkout (this one, or --before's)."""
    env = {**worker_env(url), "PYTHONPATH": code}
    command = [sys.executable, __file__, "--worker", "--requests", str(args.requests)]
    command += ["--time-limit", str(args.time_limit), "--views", *args.views]
    # the pre-build exists only in code that has `summary.prebuild`
    has_prebuild = "def prebuild" in (Path(code) / "ancrage/insertion/summary.py").read_text()
    command += ["--prebuild"] if args.prebuild and has_prebuild else []
    print(f"== {url} ({code})", file=sys.stderr, flush=True)
    done = subprocess.run(command, env=env, cwd=code, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(scale: str, name: str, result: dict, beside: dict | None = None) -> None:
    print(
        f"## {scale}, {name} ({result['database']}): {result['beneficiaries']} beneficiaries, "
        f"{result['attendance']} attendance rows, load {fmt_load(result['load'])} → "
        f"{fmt_load(result['load_after'])}"
    )
    other = {p["key"]: p for p in (beside or {}).get("pages", [])}
    for page in result["pages"]:
        line = (
            f"- {page['label']}: p95 {page['p95']:.0f} ms, median {page['median']:.0f} ms "
            f"(n={page['n']}, {page['queries']} queries)"
        )
        if page["key"] in other:
            pg = other[page["key"]]
            line += (
                f"; ÷ PostgreSQL: median {page['median'] / pg['median']:.2f}×, "
                f"p95 {page['p95'] / pg['p95']:.2f}×"
            )
        print(line)


def fmt_load(load) -> str:
    return "/".join(f"{v:.2f}" for v in load)


def budget(name: str, results: dict[str, dict]) -> list[str]:
    """Issue 15's budget on one database: the cached consolidated report's p95 under
    REPORT_P95_MS at every scale, the last scale within REPORT_GROWTH× the first's."""
    p95 = {
        scale: next(p["p95"] for p in result["pages"] if p["key"] == "o2r_report")
        for scale, result in results.items()
    }
    failures = [
        f"{scale} p95 {v:.0f} ms ≥ {REPORT_P95_MS:.0f}"
        for scale, v in p95.items()
        if v >= REPORT_P95_MS
    ]
    text = ", ".join(f"{scale} {v:.0f} ms" for scale, v in p95.items())
    if len(p95) > 1:
        first, last = list(p95)[0], list(p95)[-1]
        growth = p95[last] / p95[first]
        text += f"; {last} ÷ {first} {growth:.2f}×"
        if growth > REPORT_GROWTH:
            failures.append(f"{last} ÷ {first} over {REPORT_GROWTH}×")
    verdict = "within budget" if not failures else "**over budget** (" + "; ".join(failures) + ")"
    return [f"- {name}, consolidated report cached, p95: {text}: {verdict}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scales", nargs="+", default=["large"])
    parser.add_argument(
        "--postgres",
        action="append",
        default=[],
        metavar="SCALE=URL",
        help="this PostgreSQL database for SCALE instead of <base>_<scale>",
    )
    parser.add_argument(
        "--sqlite",
        action="append",
        default=[],
        metavar="SCALE=URL",
        help="also measure SCALE on a copy of this SQLite file (sqlite:////path/file.sqlite3)",
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument(
        "--views",
        nargs="+",
        choices=sorted(VIEWS.values()),
        default=sorted(VIEWS.values()),
        help="whose report: the lead's consolidated one, the funder's (default: both)",
    )
    parser.add_argument(
        "--prebuild", action="store_true", help="time the worker's pre-build and the page after it"
    )
    parser.add_argument(
        "--before",
        help="a checkout whose code is measured first, in the same run (e.g. /work/main)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.requests, args.time_limit, args.views, args.prebuild)))
        return
    sqlite_urls = parse_sqlite(args.sqlite)
    postgres_urls = dict(value.partition("=")[::2] for value in args.postgres)
    postgres, sqlite = {}, {}
    for scale in dict.fromkeys([*args.scales, *postgres_urls, *sqlite_urls]):
        if scale in args.scales or scale in postgres_urls:
            url = args.database_url if scale == "-" else f"{args.database_url}_{scale}"
            url = postgres_urls.get(scale, url)
            if args.before:
                show(scale, f"PostgreSQL, before ({args.before})", measure(url, args, args.before))
            postgres[scale] = measure(url, args)
            show(scale, "PostgreSQL", postgres[scale])
        if scale in sqlite_urls:
            with sqlite_copy(sqlite_urls[scale]) as copy:
                if args.before:
                    before = measure(copy, args, args.before)
                    before["database"] = sqlite_urls[scale]
                    show(scale, f"SQLite, before ({args.before})", before)
                sqlite[scale] = measure(copy, args)
            sqlite[scale]["database"] = sqlite_urls[scale]
            show(scale, "SQLite", sqlite[scale], postgres.get(scale))
    print()
    for name, results in (("PostgreSQL", postgres), ("SQLite", sqlite)):
        if results:
            print("\n".join(budget(name, results)))


if __name__ == "__main__":
    main()
