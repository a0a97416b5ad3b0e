"""The O2R activity report alone, cold (built, protected, stored) and cached (read from its
stored summary), at one or more scales: the lines `bench/run.py` measures among every page, in a
few minutes. Everything runs in transactions rolled back.

    .venv/bin/python bench/o2r_report.py --scales large o2r3 --requests 50
(the databases <base>_<scale>, base postgres://postgres@127.0.0.1:5432/ancrage_bench; o2r3 is a
copy of the large one with three times its O2R rows, bench/o2r_triple.py). With --prebuild, the
worker's pre-build of the current periods is timed too (`summary.prebuild`, every programme and
view, rolled back), and the first opening of the page after it. With --before DIR, the same
measures are taken first with the code of another checkout (e.g. /work/main), in the same run."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from run import DEFAULT_DATABASE_URL, FUNDER_USERNAME, O2R_USERNAME, PROJECT_DIR


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


def worker(repeat: int, time_limit: float, prebuild: bool = False) -> dict:
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
        "database": connection.settings_dict["NAME"],
        "beneficiaries": Beneficiary.objects.count(),
        "attendance": Attendance.objects.count(),
        "load": os.getloadavg(),
        "pages": [],
    }
    for key, label, url, username in (
        ("o2r_report", "O2R : rapport consolidé (année de convention)", "/o2r/rapport/", None),
        ("o2r_report_funder", "O2R : rapport du financeur", "/o2r/rapport/", FUNDER_USERNAME),
    ):
        client = Client()
        login(client, User.objects.get(username=username or O2R_USERNAME))
        out["pages"] += report_page(key, label, url, client, repeat, time_limit)
        if prebuild and username is None:
            out["pages"] += prebuilt(label, url, client)
    out["load_after"] = os.getloadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scales", nargs="+", default=["large"])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=120.0)
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
        print(json.dumps(worker(args.requests, args.time_limit, args.prebuild)))
        return
    codes = ([("before", args.before)] if args.before else []) + [("after", str(PROJECT_DIR))]
    for scale, (which, code) in [(scale, code) for scale in args.scales for code in codes]:
        url = args.database_url if scale == "-" else f"{args.database_url}_{scale}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "ancrage.settings",
            "ANCRAGE_DEMO": "1",
            "ANCRAGE_RELAX_2FA": "0",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "PYTHONPATH": code,
        }
        command = [sys.executable, __file__, "--worker", "--requests", str(args.requests)]
        command += ["--time-limit", str(args.time_limit)]
        # the pre-build exists only in code that has `summary.prebuild`
        has_prebuild = "def prebuild" in (Path(code) / "ancrage/insertion/summary.py").read_text()
        command += ["--prebuild"] if args.prebuild and has_prebuild else []
        done = subprocess.run(
            command, env=env, cwd=code, stdout=subprocess.PIPE, text=True, check=True
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"## {scale}, {which} ({code}; {result['database']}): "
            f"{result['beneficiaries']} beneficiaries, "
            f"{result['attendance']} attendance rows, load {result['load']} → "
            f"{result['load_after']}"
        )
        for page in result["pages"]:
            print(
                f"- {page['label']}: p95 {page['p95']:.0f} ms, median {page['median']:.0f} ms "
                f"(n={page['n']}, {page['queries']} queries)"
            )


if __name__ == "__main__":
    main()
