"""Times the pages that grow with the data, at demo and at large scale, and writes RESULTS.md.

`make bench` prepares the databases (<name>_demo and <name>_large, migrated and seeded once) and
runs this script. Each scale runs in its own process, with DATABASE_URL set before Django starts;
the parent process gathers the figures, prints a Markdown table and writes it into RESULTS.md
between the two markers (what lies outside them is kept). Timings are wall-clock on whatever
machine runs this: compare figures from one run (the large ÷ demo ratio), not across machines.

    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/ancrage_bench

SQLite beside PostgreSQL (issue 19: the embedded default within 1.5× of PostgreSQL at large
scale): `--sqlite large=sqlite:////path/large.sqlite3` times the same lines on a copy of that
file (the bench writes sessions and access events; the file given is only read), right after
PostgreSQL's at the same scale, and prints SQLite ÷ PostgreSQL; `--pages` narrows the lines
(`make bench-sqlite`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ancrage_bench"
RESULTS = BENCH_DIR / "RESULTS.md"
START_MARK = "<!-- bench:start (written by bench/run.py) -->"
END_MARK = "<!-- bench:end -->"
USERNAME = "chef.service"  # the demo head of service: one village, every child who stayed there
FUNDER_USERNAME = "financeur"  # the demo funder: the consolidated O2R report of its programmes
O2R_USERNAME = "chef.file.o2r"  # the demo O2R lead: the beneficiaries and the report of a service
# A page's median at three times the data over its median at the large scale (issue 19).
GROWTH_BUDGET = 1.5
# Every page's p95 at the large scale (issue 19).
PAGE_BUDGET_MS = 100.0
NATIONAL_USERNAME = "direction.nationale"  # the organisation-wide safeguarding indicators
# The O2R report's budget (benchmark issue): at most 2 s, at least 50× faster than the naive loop.
REPORT_BUDGET_S = 2.0
REPORT_SPEEDUP = 50.0
TRIGRAM_INDEX = "person_search_trgm_idx"
# The search budget of the benchmark issue: p95 over the whole persons table.
SEARCH_BUDGET_MS = 50.0
# Issue 19: at the large scale, SQLite (the embedded default) within 1.5× of PostgreSQL on the
# four main pages and the O2R home.
SQLITE_BUDGET = 1.5
SQLITE_BUDGET_PAGES = ("search", "person", "home", "board", "o2r_home")
# `--pages` names these besides the pages' keys: the O2R report's computation (against the
# naive loop), the co-placement and data-protection computations, the search over every person.
EXTRA_LINES = {
    "o2r_build": "report.build (against the naive loop)",
    "co_placement_all": "co-placement, full computation",
    "co_placement_village": "co-placement, the board's",
    "retention_dry_run": "retention dry run",
    "subject_export": "subject-access export's sections",
    "person_search": "Person.objects.search over every person",
}


# Measuring (in the worker process) ---------------------------------------------------------


def summary(samples: list[float]) -> dict:
    """Median and 95th percentile in milliseconds, and how many samples they rest on."""
    ms = sorted(s * 1000 for s in samples)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"n": len(ms), "median": statistics.median(ms), "p95": p95}


def timed(call, repeat: int, time_limit: float, warmup: int = 5) -> dict:
    """Calls `call` `repeat` times (after a few warm-up calls), stopping early past `time_limit`
    seconds so a slow page cannot hold a shared machine for long; `n` says how many ran."""
    for _ in range(warmup):
        call()
    samples, deadline = [], time.monotonic() + time_limit
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
        if time.monotonic() > deadline:
            break
    return summary(samples)


def login(client, user):
    """As tests/conftest.py's login(): logged in, second factor verified (no relaxed 2FA)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def worker(
    scale: str,
    surname: str,
    repeat: int,
    time_limit: float,
    naive_runs: int,
    only: set[str] | None = None,
) -> dict:
    """Times every line at one scale (`only`: the lines of those keys alone, `--pages`)."""

    def wanted(key: str) -> bool:
        return only is None or key in only

    import warnings

    import django

    # whitenoise looks for collected static files, which only production has.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    import gc

    from django.core.handlers.wsgi import WSGIHandler

    WSGIHandler()  # the middleware loaded, as ancrage/wsgi.py has it before its gc.freeze()
    gc.freeze()  # as the server's processes (ancrage/wsgi.py): startup objects out of GC passes
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ancrage.accounts.models import User
    from ancrage.kernel.models import AccessEvent
    from ancrage.kernel.scopes import reach
    from ancrage.people.models import Person
    from ancrage.placements.models import Stay

    if connection.vendor == "postgresql" and only is None:
        # (not with --pages: a quick before/after of a few lines)
        # After the seed's bulk inserts, the state autovacuum would leave: fresh statistics (plans
        # do not depend on when it last passed), the trigram index's pending list merged (GIN
        # keeps recent inserts in a list every search reads through), the visibility map set.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    analysed = None
    if connection.vendor == "sqlite":
        # No ANALYZE here: what is measured is the file as the product leaves it (the seed's
        # ANALYZE, PRAGMA optimize at each connection's close); said in the table.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT count(DISTINCT tbl) FROM sqlite_stat1")
                analysed = cursor.fetchone()[0]
            else:
                analysed = 0
    user = User.objects.get(username=USERNAME)
    visible = Person.objects.visible_to(user)
    if not surname:
        # The most frequent one-word surname among the persons this user sees (ties:
        # alphabetical); the parent passes it on so every scale searches the same name.
        surname = (
            visible.exclude(last_name_key__contains=" ")
            .values("last_name_key")
            .annotate(n=Count("pk"))
            .order_by("-n", "last_name_key")
            .values_list("last_name_key", flat=True)
            .first()
        )
    establishment_ids = sorted(reach(user, "person", "view").establishments)
    stay = (
        Stay.objects.current()
        .filter(unit__establishment_id__in=establishment_ids)
        .filter(child__sibling_membership__isnull=False)
        .select_related("child")
        .order_by("unit__name", "child__reference")
        .first()
    )
    child = stay.child
    first_event = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    village_id = establishment_ids[0]
    client = Client()
    login(client, user)
    o2r_user = User.objects.get(username=O2R_USERNAME)
    o2r_client = Client()
    login(o2r_client, o2r_user)
    funder_client = Client()
    login(funder_client, User.objects.get(username=FUNDER_USERNAME))
    national_client = Client()
    login(national_client, User.objects.get(username=NATIONAL_USERNAME))
    pages = [
        ("search", f"Recherche « {surname} »", f"/personnes/?q={quote(surname)}", client),
        (
            "person",
            f"Fiche d'un enfant ({child.reference})",
            f"/personnes/{child.reference}/",
            client,
        ),
        ("home", "Accueil", "/", client),
        ("board", "Tableau du village", f"/villages/{village_id}/", client),
        ("deadlines", "Échéancier du village", f"/villages/{village_id}/echeancier/", client),
        ("incidents", "Signalements du village", f"/villages/{village_id}/signalements/", client),
        ("o2r_beneficiaries", "O2R : bénéficiaires", "/o2r/beneficiaires/", o2r_client),
        # The chef de file's default: the programme's consolidated report (a column per member,
        # protected together) for the current agreement year.
        (
            "o2r_report",
            "O2R : rapport consolidé (année de convention)",
            "/o2r/rapport/",
            o2r_client,
        ),
        (
            "o2r_report_service",
            "O2R : rapport du service (année de convention)",
            "/o2r/rapport/?view=service",
            o2r_client,
        ),
        (
            "o2r_report_funder",
            "O2R : rapport du financeur (consolidé, année de convention)",
            "/o2r/rapport/",
            funder_client,
        ),
        # Lists and aggregates that grew with the data (issue 19).
        (
            "child_journal",
            f"Journal d'un enfant ({child.reference})",
            f"/personnes/{child.reference}/journal/",
            client,
        ),
        ("o2r_home", "O2R : accueil (alertes)", "/o2r/", o2r_client),
        ("o2r_contacts", "O2R : contacts", "/o2r/contacts/", o2r_client),
        (
            "organisation_indicators",
            "Indicateurs de bientraitance (tous les villages)",
            "/signalements/indicateurs/",
            national_client,
        ),
        # the same page, the villages with the most serious incidents first (the stored totals)
        (
            "organisation_indicators_serious",
            "Indicateurs de bientraitance (villages les plus graves d'abord)",
            "/signalements/indicateurs/?ordre=graves",
            national_client,
        ),
        # the national director's home: a line per village, the organisation's safeguarding chart
        ("national_home", "Accueil (direction nationale)", "/", national_client),
    ]
    clients = {USERNAME: client, O2R_USERNAME: o2r_client, NATIONAL_USERNAME: national_client}

    def client_of(username):
        if username not in clients:
            clients[username] = Client()
            login(clients[username], User.objects.get(username=username))
        return clients[username]

    for key, label, url, username in every_listing_page(village_id, child, stay.unit_id):
        if wanted(key):
            pages.append((key, label, url, client_of(username)))
    pages = [page for page in pages if wanted(page[0])]
    results = {
        "scale": scale,
        "vendor": connection.vendor,
        "database": str(connection.settings_dict["NAME"]),
        "analysed_tables": analysed,
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "persons": Person.objects.count(),
        "visible": visible.count(),
        "surname": surname,
        "pages": [],
        "search": [],
    }

    def get(url, client=client):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    for key, label, url, page_client in pages:
        if key in REPORT_PAGES:
            results["pages"] += report_page(key, label, url, page_client, repeat, time_limit)
            continue
        first = page_client.get(url)
        if first.status_code != 200:
            # A page another change moved or closed: said in the table, the run goes on.
            results["pages"].append(
                {"key": key, "label": label, "url": url, "status": first.status_code}
            )
            continue
        # Queries counted apart from the timed loop: recording them slows each query down.
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                get(url, page_client)
            counts.append(len(captured))
        page = {"key": key, "label": label, "url": url, "queries": max(counts)}
        page["queries_vary"] = min(counts) != max(counts)
        page.update(timed(lambda url=url, c=page_client: get(url, c), repeat, time_limit))
        results["pages"].append(page)

    if wanted("o2r_build"):
        results["o2r_report"] = o2r_report_against_naive(o2r_user, repeat, time_limit, naive_runs)

    # The co-placement indicator, called as the code calls it (no page around it): the full
    # computation over the association, and the narrowed one the village board shows.
    from ancrage.placements import services

    indicators = [
        ("co_placement_all", "Co-placement : calcul complet", lambda: services.co_placement()),
    ]
    if hasattr(services, "village_co_placement"):
        indicators.append(
            (
                "co_placement_village",
                "Co-placement : village + association (tableau)",
                lambda: services.village_co_placement(village_id),
            )
        )
    # Data protection (issue 17): the retention dry run's computation over the whole database
    # (every file's last contact, rules, protections) and the sections of an access export.
    from ancrage.privacy.requests import export_sections
    from ancrage.privacy.retention import due_files

    indicators += [
        ("retention_dry_run", "Conservation : simulation (toute la base)", lambda: due_files()),
        (
            "subject_export",
            f"Demande d'accès : sections de l'export ({child.reference})",
            lambda: export_sections(child.pk),
        ),
    ]
    for key, label, call in indicators:
        if not wanted(key):
            continue
        call()
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                call()
            counts.append(len(captured))
        page = {"key": key, "label": label, "url": "", "queries": max(counts)}
        page["queries_vary"] = min(counts) != max(counts)
        page.update(timed(call, repeat, time_limit))
        results["pages"].append(page)

    # The search itself, over every person (no scope): the budget of the benchmark issue.
    queries = [
        ("surname", surname),
        # What the page searches while the name is being typed (htmx, at each keystroke).
        ("3 letters", surname[:3]),
        ("2 letters", surname[:2]),
        ("1 letter", surname[:1]),
        ("full name", f"{child.first_names_key.split()[0]} {child.last_name_key}"),
    ]

    def search(text):
        return list(Person.objects.search(text)[:50])

    def measure_search(variant):
        for kind, text in queries:
            matches = Person.objects.search(text).count()
            entry = {"variant": variant, "kind": kind, "text": text, "matches": matches}
            entry.update(timed(lambda text=text: search(text), repeat, time_limit))
            results["search"].append(entry)

    if wanted("person_search"):
        measure_search("as deployed")
    if connection.vendor == "postgresql" and wanted("person_search"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [TRIGRAM_INDEX])
            has_index = cursor.fetchone() is not None
        results["explain"] = Person.objects.search(surname)[:50].explain(analyze=True)
        if has_index:
            # The same run without the index, for the before/after ratio: dropped inside a
            # transaction that is rolled back, so the database keeps it.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP INDEX {TRIGRAM_INDEX}")
                measure_search("without trigram index")
                results["explain_without_index"] = Person.objects.search(surname)[:50].explain(
                    analyze=True
                )
                transaction.set_rollback(True)

    for page_client in clients.values():
        page_client.logout()
    # The access events the run wrote (one per person shown) would otherwise pile up run after
    # run in the benchmark database and slow the home page's "recently consulted" down.
    AccessEvent.objects.filter(user__username__in=list(clients), pk__gt=first_event).delete()
    if results["load"] is not None:
        results["load_after"] = os.getloadavg()
    return results


def every_listing_page(village_id: int, child, house_id: int) -> list[tuple]:
    """The other pages of the permission matrix that list or aggregate (issue 19: the bench
    grows with the product), each as the demo account whose role opens it on the first village,
    its first house, its child or its first record: (key, label, URL, username)."""
    from ancrage.privacy.models import RetentionRun

    ref = child.reference
    pages = [
        # care: a child's records and the house's
        ("ppe", "PPE d'un enfant", f"/personnes/{ref}/ppe/", USERNAME),
        ("person_deadlines", "Échéancier d'un enfant", f"/personnes/{ref}/echeancier/", USERNAME),
        ("child_calendar", "Agenda d'un enfant", f"/personnes/{ref}/agenda/", USERNAME),
        ("autonomy", "Projet pour l'autonomie", f"/personnes/{ref}/autonomie/", USERNAME),
        ("house_journal", "Journal de la maison", f"/maisons/{house_id}/journal/", USERNAME),
        ("house_calendar", "Agenda de la maison", f"/maisons/{house_id}/agenda/", USERNAME),
        ("my_calendar", "Mon agenda (famille SOS)", "/mon-agenda/", "parent.sos"),
        # people and placements
        ("access_log", "Journal des consultations", f"/personnes/{ref}/consultations/", USERNAME),
        ("person_visits", "Visites d'un enfant", f"/personnes/{ref}/visites/", USERNAME),
        ("waiting_list", "Liste d'attente", f"/villages/{village_id}/admissions/", USERNAME),
        ("village_visits", "Calendrier des visites", f"/villages/{village_id}/visites/", USERNAME),
        # safeguarding
        (
            "village_indicators",
            "Indicateurs du village",
            f"/villages/{village_id}/signalements/indicateurs/",
            USERNAME,
        ),
        # insertion
        ("o2r_activities", "O2R : activités", "/o2r/activites/", O2R_USERNAME),
        ("o2r_outreach", "O2R : repérage", "/o2r/reperage/", O2R_USERNAME),
        (
            "o2r_referrals",
            "O2R : orientations des villages",
            "/o2r/orientations-villages/",
            O2R_USERNAME,
        ),
        # participation
        ("council", "Conseil de la vie sociale", f"/villages/{village_id}/conseil/", USERNAME),
        ("youth_messages", "Messages des jeunes", "/messages-des-jeunes/", USERNAME),
        ("youth_home", "Espace jeune", "/mon-espace/", "jeune"),
        # staff
        ("staff_home", "Personnel : accueil", "/personnel/", "rh"),
        (
            "staff_register",
            "Registre du personnel (village)",
            f"/personnel/etablissements/{village_id}/",
            "rh",
        ),
        ("staff_courses", "Personnel : formations", "/personnel/formations/", "rh"),
        # families
        ("families", "Familles : liste", "/familles/", "intervenante.familles"),
        ("families_caseload", "Familles : suivi", "/familles/suivi/", "intervenante.familles"),
        # accounting
        ("finance_home", "Accueil (gestionnaire)", "/", "gestionnaire"),
        ("accounting_home", "Comptabilité : accueil", "/comptabilite/", "gestionnaire"),
        (
            "accounting_figures",
            "Comptabilité : coût par section",
            "/comptabilite/repartition/",
            "gestionnaire",
        ),
        (
            "accounting_imports",
            "Comptabilité : écritures",
            "/comptabilite/ecritures/",
            "gestionnaire",
        ),
        ("accounting_approvals", "Temps à approuver", "/comptabilite/temps/a-approuver/", USERNAME),
        # privacy
        (
            "privacy_runs",
            "Données : passages de conservation",
            "/protection-des-donnees/passages/",
            "dpo",
        ),
        ("privacy_holds", "Données : gels", "/protection-des-donnees/gels/", "dpo"),
        (
            "privacy_requests",
            "Données : demandes des personnes",
            "/protection-des-donnees/demandes/",
            "dpo",
        ),
        # accounts
        ("memberships", "Affectations à confirmer", "/compte/affectations/", "directrice"),
    ]
    run = RetentionRun.objects.order_by("-pk").values_list("pk", flat=True).first()
    if run:
        pages.append(
            (
                "privacy_run",
                "Données : dossiers échus (dernier passage)",
                f"/protection-des-donnees/passages/{run}/",
                "dpo",
            )
        )
    return pages


# The report pages: read from the stored summary (cached) or built, published and stored (cold).
REPORT_PAGES = ("o2r_report", "o2r_report_service", "o2r_report_funder")


def report_page(key, label, url, client, repeat: int, time_limit: float) -> list[dict]:
    """The report page twice: cold (no stored summary: built, protected, stored) and cached (the
    summary current). Each inside a transaction rolled back: nothing stays in the database."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from ancrage.insertion.models import ReportSummary

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    def cold():
        with transaction.atomic():
            # no summary at all, whoever stored one (a committed one would be read, not built)
            ReportSummary.objects.all().delete()
            get()
            transaction.set_rollback(True)

    with CaptureQueriesContext(connection) as captured:
        cold()
    built = {"key": f"{key}_cold", "label": f"{label}, calcul", "url": url}
    built["queries"], built["queries_vary"] = len(captured), False
    built.update(timed(cold, max(3, repeat // 5), time_limit, warmup=1))
    with transaction.atomic():
        ReportSummary.objects.all().delete()
        get()
        with CaptureQueriesContext(connection) as captured:
            get()
        read = {"key": key, "label": f"{label}, synthèse", "url": url}
        read["queries"], read["queries_vary"] = len(captured), False
        read.update(timed(get, repeat, time_limit))
        transaction.set_rollback(True)
    return [read, built]


def o2r_report_against_naive(user, repeat: int, time_limit: float, naive_runs: int) -> dict:
    """The O2R report's computation (`report.build`, aggregates in SQL) against the naive
    per-object loop of bench/o2r_naive.py, over the same services and period as the page (the
    last 12 months): the same figures, asserted here, then both timed in the same run."""
    from dateutil.relativedelta import relativedelta
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from o2r_naive import figures, naive_figures

    from ancrage.insertion import report
    from ancrage.insertion.models import Beneficiary
    from ancrage.insertion.queries.programme import user_service_ids

    today = timezone.localdate()
    start, end = today - relativedelta(years=1) + timedelta(days=1), today
    service_ids = sorted(user_service_ids(user))
    sql = figures(report.build(service_ids, start, end))
    with CaptureQueriesContext(connection) as captured:
        report.build(service_ids, start, end)
    sql_queries = len(captured)
    sql_timing = timed(lambda: report.build(service_ids, start, end), repeat, time_limit)

    # The naive loop is slow by design (minutes at large scale): run `naive_runs` times at most,
    # stopping past the time limit, no warm-up. Its queries are counted by a wrapper (a counter:
    # CaptureQueriesContext keeps 9,000 at most, and slows each query down).
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    if naive_runs < 1:  # --naive-runs 0: the build alone (the loop takes minutes at large scale)
        return {
            "beneficiaries": Beneficiary.objects.filter(service_id__in=service_ids).count(),
            "sql_queries": sql_queries,
            "steps": sql["steps"],
            "sql": sql_timing,
        }
    samples, naive, deadline = [], None, time.monotonic() + time_limit
    with connection.execute_wrapper(count):
        for _ in range(naive_runs):
            started = time.perf_counter()
            naive = naive_figures(service_ids, start, end)
            samples.append(time.perf_counter() - started)
            if time.monotonic() > deadline:
                break
    # Not in the test suite: a benchmark's own check that it compares like with like.
    assert sql == naive, f"the naive loop and report.build disagree:\n{sql}\n{naive}"
    naive_queries = len(executed) // len(samples)
    return {
        "beneficiaries": Beneficiary.objects.filter(service_id__in=service_ids).count(),
        "sql_queries": sql_queries,
        "naive_queries": naive_queries,
        "steps": sql["steps"],
        "sql": sql_timing,
        "naive": summary(samples),
    }


# Reporting (in the parent process) ---------------------------------------------------------


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.2f} at start"
    return f"{platform.node()}: {os.cpu_count()} CPUs (nproc){memory}{load}"


def ratio(large, demo) -> str:
    return f"{large / demo:.1f}×" if demo else "—"


def growth_table(large: dict | None, triple: dict | None) -> list[str]:
    """The growth line: each page's median at three times the data (`--scales ... triple`,
    `ancrage seed --scale triple`) over its median at the large scale, "budget exceeded" above
    GROWTH_BUDGET (issue 19: a page costs what it shows, not what the database holds); and each
    page's p95 at the large scale against PAGE_BUDGET_MS (the O2R report has its own budget)."""
    if not large:
        return []
    lines = ["", "### Budgets: p95 at large scale, growth at three times the data", ""]
    lines.append(
        f"p95 at the `large` scale ≤ {PAGE_BUDGET_MS:.0f} ms (the O2R report built cold: "
        f"{REPORT_BUDGET_S:.0f} s, its own budget); median at the `triple` scale ÷ median at "
        f"the `large` scale ≤ {GROWTH_BUDGET}. A page over either is printed as a failure."
    )
    lines.append("")
    header = (
        "| page | large p95 (ms) | large median (ms) | triple median (ms) | triple ÷ large | "
        "budget |"
    )
    lines += [header, _rule(header)]
    failures = []
    for p in large["pages"]:
        if "median" not in p or not p["url"]:
            continue
        t = next((t for t in (triple or {}).get("pages", []) if t["key"] == p["key"]), None)
        # the report built cold has its own budget; read from its summary, a page's
        limit = REPORT_BUDGET_S * 1000 if p["key"].endswith("_cold") else PAGE_BUDGET_MS
        verdicts = []
        if p["p95"] > limit:
            verdicts.append(f"**p95 over {limit:.0f} ms**")
        growth_cell, triple_cell = "—", "—"
        if t is not None and "median" in t and p["median"]:
            growth = t["median"] / p["median"]
            growth_cell, triple_cell = f"{growth:.2f}×", f"{t['median']:.1f}"
            if growth > GROWTH_BUDGET:
                verdicts.append("**growth budget exceeded**")
        if verdicts:
            failures.append(p["label"])
        lines.append(
            f"| {p['label']} | {p['p95']:.1f} | {p['median']:.1f} | {triple_cell} | "
            f"{growth_cell} | {', '.join(verdicts) or 'within'} |"
        )
    lines += [
        "",
        f"Budget failures: **{len(failures)}**"
        + (f" ({', '.join(failures)})." if failures else "."),
    ]
    return lines


def sqlite_table(runs: dict, sqlite_runs: dict) -> list[str]:
    """SQLite beside PostgreSQL, scale by scale (issue 19: at the large scale, the four main
    pages and the O2R home within SQLITE_BUDGET of PostgreSQL, on the median)."""
    if not sqlite_runs:
        return []
    lines = ["", "### SQLite beside PostgreSQL", ""]
    lines.append(
        f"Each SQLite line ran on a copy of the file named, right after PostgreSQL's at the same "
        f"scale, with the same pages, user, surname and requests. Budget (issue 19, large scale): "
        f"the four main pages and the O2R home within {SQLITE_BUDGET}× of PostgreSQL (SQLite ÷ "
        f"PostgreSQL, median); the other lines are shown for information."
    )
    lines.append("")
    for scale, run in sqlite_runs.items():
        pg = runs.get(scale)
        stats = run.get("analysed_tables")
        load = run.get("load"), run.get("load_after")
        lines.append(
            f"- {scale}: `{run['source']}` ({run['persons']:,} persons; `sqlite_stat1` covers "
            f"{stats or 0} tables); load average {_load(load[0])} → {_load(load[1])}"
            + (
                f"; PostgreSQL `{pg['database']}` ({pg['persons']:,} persons), load average "
                f"{_load(pg.get('load'))} → {_load(pg.get('load_after'))}"
                if pg
                else "; PostgreSQL not measured at this scale"
            )
            + "."
        )
    lines.append("")
    header = (
        "| page | scale | PostgreSQL median (ms) | PostgreSQL p95 (ms) | SQLite median (ms) | "
        "SQLite p95 (ms) | SQLite queries | SQLite ÷ PostgreSQL (median) | "
        "SQLite ÷ PostgreSQL (p95) | budget |"
    )
    lines += [header, _rule(header)]
    failures = []
    for scale, run in sqlite_runs.items():
        pg_pages = {p["key"]: p for p in (runs.get(scale) or {}).get("pages", [])}
        rows = list(run["pages"])
        if run.get("o2r_report") and (runs.get(scale) or {}).get("o2r_report"):
            rows.append({"key": "o2r_build", "label": "report.build", **run["o2r_report"]["sql"]})
            pg_pages["o2r_build"] = {"key": "o2r_build", **runs[scale]["o2r_report"]["sql"]}
        for p in rows:
            pg = pg_pages.get(p["key"])
            if "median" not in p:
                lines.append(f"| {p['label']} | {scale} | | | HTTP {p['status']} | | | | | |")
                continue
            cells = ["—", "—"]
            ratios = ["—", "—"]
            verdict = ""
            if pg and "median" in pg:
                cells = [f"{pg['median']:.1f}", f"{pg['p95']:.1f}"]
                ratios = [ratio(p["median"], pg["median"]), ratio(p["p95"], pg["p95"])]
                if p["key"] in SQLITE_BUDGET_PAGES and scale == "large":
                    over = p["median"] > SQLITE_BUDGET * pg["median"]
                    verdict = f"**over {SQLITE_BUDGET}×**" if over else "within"
                    if over:
                        failures.append(p["label"])
            queries = p.get("queries", "")
            lines.append(
                f"| {p['label']} | {scale} | {cells[0]} | {cells[1]} | {p['median']:.1f} | "
                f"{p['p95']:.1f} | {queries} | {ratios[0]} | {ratios[1]} | {verdict} |"
            )
    lines += [
        "",
        f"SQLite over {SQLITE_BUDGET}× PostgreSQL: **{len(failures)}**"
        + (f" ({', '.join(failures)})." if failures else "."),
    ]
    return lines


def _load(value) -> str:
    return "/".join(f"{v:.2f}" for v in value) if value else "?"


def report(
    runs: dict,
    started: datetime,
    command: str,
    repeat: int,
    host: str,
    sqlite_runs: dict | None = None,
) -> str:
    demo, large = runs.get("demo"), runs.get("large")
    databases = ", ".join(f"`{run['database']}`" for run in runs.values())
    if sqlite_runs:
        databases += "; SQLite: " + ", ".join(f"`{r['source']}`" for r in sqlite_runs.values())
    lines = [
        f"Run of {started:%Y-%m-%d %H:%M} UTC on {host}; PostgreSQL ({databases}).",
        f"Command: `{command}`. {repeat} timed requests per line (after 5 warm-up requests), "
        f"logged in as `{USERNAME}` with a verified second factor.",
        "",
        "| scale | persons in the database | persons `chef.service` sees |",
        "| --- | ---: | ---: |",
    ]
    for run in runs.values():
        lines.append(f"| {run['scale']} | {run['persons']:,} | {run['visible']:,} |")
    lines += ["", "### Pages", ""]
    header = "| page | scale | SQL queries | median (ms) | p95 (ms) | n |"
    if demo and large:
        header += " large ÷ demo (median) | large ÷ demo (p95) |"
    lines += [header, _rule(header)]
    keys = list(dict.fromkeys(p["key"] for run in runs.values() for p in run["pages"]))
    for key in keys:
        for run in runs.values():
            p = next((p for p in run["pages"] if p["key"] == key), None)
            if p is None:
                continue
            if "status" in p:
                lines.append(f"| {p['label']} | {run['scale']} | HTTP {p['status']} | | | |")
                continue
            queries = f"{p['queries']}{' (varies)' if p['queries_vary'] else ''}"
            row = (
                f"| {p['label']} | {run['scale']} | {queries} | {p['median']:.1f} | "
                f"{p['p95']:.1f} | {p['n']} |"
            )
            if demo and large:
                d = next((d for d in demo["pages"] if d["key"] == key and "median" in d), None)
                row += (
                    f" {ratio(p['median'], d['median'])} | {ratio(p['p95'], d['p95'])} |"
                    if run is large and d
                    else " | |"
                )
            lines.append(row)
    # three times everything (`triple`), else three times the O2R rows (`o2r3`, bench/o2r_triple.py)
    lines += growth_table(large, runs.get("triple") or runs.get("o2r3"))
    lines += sqlite_table(runs, sqlite_runs or {})
    if any(run.get("o2r_report") for run in runs.values()):
        lines += o2r_build_table(runs)
    if any(run["search"] for run in runs.values()):
        lines += search_table(runs, large or demo or list(runs.values())[-1])
    return "\n".join(lines)


def o2r_build_table(runs: dict) -> list[str]:
    """`report.build` against the naive loop, scale by scale."""
    lines = [
        "",
        "### O2R activity report: aggregates in SQL against the naive per-object loop",
        "",
        f"`report.build` over the services of `{O2R_USERNAME}` for the last 12 months (what "
        "`/o2r/rapport/` computes), against bench/o2r_naive.py (the objects of the period loaded, "
        "their related objects read one query each, counted in Python), in the same run; both "
        "gave the same "
        f"figures (asserted). Budget: ≤ {REPORT_BUDGET_S:.0f} s and at least "
        f"{REPORT_SPEEDUP:.0f}× faster than the naive loop.",
        "",
    ]
    header = (
        "| scale | beneficiaries of the services | SQL queries (build / naive) | "
        "build median (ms) | build p95 (ms) | naive median (ms) | n (build / naive) | "
        "speed-up (median) | within budget |"
    )
    lines += [header, _rule(header)]
    for run in runs.values():
        r = run.get("o2r_report")
        if not r:
            continue
        if "naive" not in r:
            lines.append(
                f"| {run['scale']} | {r['beneficiaries']:,} | {r['sql_queries']} / not run | "
                f"{r['sql']['median']:.1f} | {r['sql']['p95']:.1f} | not run | "
                f"{r['sql']['n']} / 0 | not measured | not measured |"
            )
            continue
        speedup = r["naive"]["median"] / r["sql"]["median"]
        ok = r["sql"]["p95"] <= REPORT_BUDGET_S * 1000 and speedup >= REPORT_SPEEDUP
        # The budget is the large scale's: at demo scale a few dozen beneficiaries leave the
        # naive loop little to lose.
        verdict = ("yes" if ok else "**no**") if run["scale"] == "large" else "(large only)"
        lines.append(
            f"| {run['scale']} | {r['beneficiaries']:,} | {r['sql_queries']} / "
            f"{r['naive_queries']:,} | {r['sql']['median']:.1f} | {r['sql']['p95']:.1f} | "
            f"{r['naive']['median']:.0f} | {r['sql']['n']} / {r['naive']['n']} | "
            f"{speedup:.0f}× | {verdict} |"
        )
    return lines


def search_table(runs: dict, last: dict) -> list[str]:
    """The search over every person, with and without the trigram index, and its plans."""
    lines = [
        "",
        "### `Person.objects.search(…)[:50]` over every person (no scope)",
        "",
        f"Budget: p95 ≤ {SEARCH_BUDGET_MS:.0f} ms (benchmark issue, over 300,000 persons).",
        "",
    ]
    header = "| scale | variant | query | matches | median (ms) | p95 (ms) | n | within budget |"
    lines += [header, _rule(header)]
    for run in runs.values():
        for s in run["search"]:
            ok = "yes" if s["p95"] <= SEARCH_BUDGET_MS else "**no**"
            lines.append(
                f"| {run['scale']} | {s['variant']} | {s['kind']} `{s['text']}` | "
                f"{s['matches']:,} | {s['median']:.1f} | {s['p95']:.1f} | {s['n']} | {ok} |"
            )
    if last.get("explain"):
        lines += [
            "",
            f"Plan at {last['scale']} scale (`EXPLAIN ANALYZE` of the surname search):",
            "",
            "```",
            last["explain"],
            "```",
        ]
    if last.get("explain_without_index"):
        lines += ["", "The same without the trigram index:", "", "```"]
        lines += [last["explain_without_index"], "```"]
    return lines


def _rule(header: str) -> str:
    """The Markdown rule under a header: figures aligned right."""
    cells = header.strip("|").split("|")
    numeric = ("(ms)", "queries", "matches", "÷")
    return (
        "|"
        + "|".join(
            " ---: " if any(w in c for w in numeric) or c.strip() == "n" else " --- " for c in cells
        )
        + "|"
    )


def write_results(table: str) -> None:
    block = f"{START_MARK}\n{table}\n{END_MARK}"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    if START_MARK in text and END_MARK in text:
        before, rest = text.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n## Latest run\n\n" + block + "\n"
    RESULTS.write_text(text)


def worker_env(url: str) -> dict:
    """The environment of a worker process: its database, and Django as the bench runs it."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "ancrage.settings",
        # Not production (development secret key), DEBUG off, the real second factor.
        "ANCRAGE_DEMO": "1",
        "ANCRAGE_RELAX_2FA": "0",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
    }


def parse_sqlite(values: list[str]) -> dict[str, str]:
    """`--sqlite SCALE=URL` options as {scale: URL}, each URL naming an existing SQLite file."""
    urls = {}
    for value in values:
        scale, _, url = value.partition("=")
        if not scale or not url.startswith("sqlite:///"):
            sys.exit(f"--sqlite SCALE=sqlite:////path/file.sqlite3, not {value!r}")
        if not sqlite_path(url).is_file():
            sys.exit(f"{sqlite_path(url)}: no such SQLite file (ancrage seed --scale {scale})")
        urls[scale] = url
    return urls


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite:///relative` or `sqlite:////absolute` URL, as dj-database-url reads
    it."""
    return Path(url.removeprefix("sqlite:///"))


class sqlite_copy:  # noqa: N801 (a context manager, used as a function)
    """A copy of a SQLite file in a temporary directory (`BENCH_TMPDIR`, else the system's), for
    as long as the block runs, as a URL: the bench writes (sessions, access events, reports in
    transactions rolled back), the file it was given stays as it was. SQLite's backup API reads
    the file in one transaction, so the copy is consistent even with its write-ahead log beside
    it."""

    def __init__(self, url: str):
        self.source = sqlite_path(url)

    def __enter__(self) -> str:
        self.directory = Path(
            tempfile.mkdtemp(prefix="ancrage-bench-", dir=os.environ.get("BENCH_TMPDIR"))
        )
        size = self.source.stat().st_size
        wal = self.source.with_name(self.source.name + "-wal")
        size += wal.stat().st_size if wal.exists() else 0
        if shutil.disk_usage(self.directory).free < size * 1.2:
            shutil.rmtree(self.directory)
            sys.exit(f"not enough disk for a copy of {self.source} in {self.directory.parent}")
        target = self.directory / self.source.name
        started = time.monotonic()
        copy_sqlite_file(self.source, target)
        print(
            f"   copied {self.source} ({size / 2**20:,.0f} MiB) in "
            f"{time.monotonic() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        return f"sqlite:///{target}"

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def copy_sqlite_file(source: Path, target: Path) -> None:
    """`source` copied to `target` with SQLite's backup API (source opened read-only)."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--scales", nargs="+", default=["demo", "large"])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per line")
    parser.add_argument(
        "--time-limit", type=float, default=120.0, help="seconds at most per line (then fewer)"
    )
    parser.add_argument(
        "--naive-runs",
        type=int,
        default=3,
        help="runs at most of the naive O2R report loop (within --time-limit; 0: not run)",
    )
    parser.add_argument(
        "--no-naive-at",
        nargs="*",
        default=[],
        metavar="SCALE",
        help="scales where the naive loop is not run (it takes about 18 min at large scale)",
    )
    parser.add_argument("--surname", default="", help="default: the commonest in the first scale")
    parser.add_argument(
        "--sqlite",
        action="append",
        default=[],
        metavar="SCALE=URL",
        help="also time SCALE on a copy of this SQLite file, right after PostgreSQL's "
        "(sqlite:////path/large.sqlite3; the file itself is only read)",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="KEY",
        help="time these lines only (default: every line): page keys (search person home "
        "board o2r_home o2r_report …) and " + ", ".join(EXTRA_LINES),
    )
    parser.add_argument("--no-write", action="store_true", help="print only, keep RESULTS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        only = set(args.pages) if args.pages else None
        result = worker(
            args.worker, args.surname, args.requests, args.time_limit, args.naive_runs, only
        )
        print(json.dumps(result))
        return

    base = args.database_url or DEFAULT_DATABASE_URL
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/run.py needs PostgreSQL: --database-url postgres://…/ancrage_bench")
    sqlite_urls = parse_sqlite(args.sqlite)
    started = datetime.now(UTC)
    host = machine()
    runs, sqlite_runs, surname = {}, {}, args.surname

    def measure(scale: str, url: str) -> dict:
        nonlocal surname
        command = [sys.executable, __file__, "--worker", scale]
        command += ["--requests", str(args.requests), "--time-limit", str(args.time_limit)]
        naive_runs = 0 if scale in args.no_naive_at else args.naive_runs
        command += ["--naive-runs", str(naive_runs)]
        if surname:
            command += ["--surname", surname]
        if args.pages:
            command += ["--pages", *args.pages]
        print(f"== {scale}: {url}", file=sys.stderr, flush=True)
        done = subprocess.run(
            command,
            env=worker_env(url),
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        surname = result["surname"]  # the same name at every scale, on both databases
        return result

    for scale in dict.fromkeys([*args.scales, *sqlite_urls]):
        if scale in args.scales:
            runs[scale] = measure(scale, f"{base}_{scale}")
        if scale in sqlite_urls:
            with sqlite_copy(sqlite_urls[scale]) as copy:
                sqlite_runs[scale] = measure(scale, copy)
            sqlite_runs[scale]["source"] = sqlite_urls[scale]
    extra = [a for a in sys.argv[1:] if a != "--database-url" and a != args.database_url]
    if os.environ.get("MAKELEVEL"):
        invocation = os.environ.get("BENCH_COMMAND", "make bench")
        invocation += f' BENCH_ARGS="{" ".join(extra)}"' if extra else ""
    else:
        invocation = " ".join(["bench/run.py", *sys.argv[1:]])
    table = report(runs, started, invocation, args.requests, host, sqlite_runs)
    print(table)
    if not args.no_write:
        write_results(table)
        print(f"\n→ {RESULTS.relative_to(PROJECT_DIR)}", file=sys.stderr)


if __name__ == "__main__":
    main()
