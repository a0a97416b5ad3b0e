"""Data protection at scale: a retention dry run (every file of the organisation weighed against
its rule), a retention run (the first --files files due, each archived or anonymised in its own
transaction; then the same files anonymised, as a later run does), the access log and change
audit purged, and a subject-access export (the ZIP with its PDF summary and JSON) of the person
with the largest file. `make bench` runs it on the large database.

Inside one transaction rolled back at the end (the database is left as it was). The branch's
migrations not yet applied to the database are applied first inside that transaction (and rolled
back with it), so a shared benchmark database is measured with the code under test. Wall clock
on whatever machine runs it, the load average printed beside: compare the figures of one run.

    .venv/bin/python bench/privacy.py --database-url postgres://postgres@127.0.0.1:5432/ancrage_bench_large
    .venv/bin/python bench/privacy.py --database-url ... --files 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


class Rollback(Exception):
    pass


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--files", type=int, default=200, help="files the timed run acts upon")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        ANCRAGE_DEMO="1",
        DJANGO_SETTINGS_MODULE="ancrage.settings",
    )
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor
    from django.db.models import Count
    from django.utils import timezone

    from ancrage.accounts.models import User
    from ancrage.care.models.journal import JournalEntry
    from ancrage.organisation.models import Organisation
    from ancrage.people.models import Person
    from ancrage.privacy import requests, services
    from ancrage.privacy.models import Outcome, SubjectRequest
    from ancrage.privacy.retention import due_files

    figures = {"load before": load()}
    today = timezone.localdate()
    try:
        with transaction.atomic():
            executor = MigrationExecutor(connection)
            targets = executor.loader.graph.leaf_nodes()
            pending = executor.migration_plan(targets)
            if pending:
                executor.migrate(targets)
            figures["migrations"] = len(pending)
            organisation = Organisation.objects.order_by("pk").first()
            persons = Person.objects.count()

            started = time.perf_counter()
            files = due_files(today, organisation.pk)
            lines = [file.as_line() for file in files]
            figures["dry run"] = time.perf_counter() - started
            acted = [file for file in files if file.acted_upon]
            outcomes = Counter(str(file.outcome) for file in acted)
            protected = len(files) - len(acted)

            chosen = acted[: args.files]
            started = time.perf_counter()
            for file in chosen:
                services.apply_to_file(None, file)
            figures["run"] = time.perf_counter() - started
            # The same files anonymised, as a later run does once their archive period ends
            # (every app's anonymiser, the change audit of what it erased forgotten).
            started = time.perf_counter()
            for file in chosen:
                services.apply_to_file(None, replace(file, outcome=Outcome.ANONYMISE))
            figures["anonymise"] = time.perf_counter() - started
            started = time.perf_counter()
            purged = services.purge_traces(today)
            figures["purge"] = time.perf_counter() - started

            largest = (
                JournalEntry.objects.filter(child__isnull=False)
                .values("child_id")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .first()
            )
            person = Person.objects.get(pk=largest["child_id"])
            request = SubjectRequest.objects.create(
                person=person,
                establishment_id=person.stays.order_by("-pk")
                .values_list("unit__establishment_id", flat=True)
                .first(),
                requester_name="Banc d'essai",
                requester_quality=SubjectRequest.Quality.SELF,
                received_on=today,
                identity_check="Banc d'essai",
                identity_checked_by=User.objects.order_by("pk").first(),
                due_on=today,
            )
            started = time.perf_counter()
            sections = requests.export_sections(person.pk)
            figures["sections"] = time.perf_counter() - started
            started = time.perf_counter()
            archive = requests.export_archive(request)
            figures["export"] = time.perf_counter() - started
            records = sum(len(section["records"]) for section in sections)
            raise Rollback
    except Rollback:
        pass
    figures["load after"] = load()
    print(
        f"<!-- {persons} persons, load average before {figures['load before']}, after "
        f"{figures['load after']}; {figures['migrations']} branch migrations applied and "
        "rolled back -->"
    )
    print("| Step | Volume | Time | Rate |")
    print("|---|---|---|---|")
    print(
        f"| Retention dry run | {persons} persons, {len(lines)} files due "
        f"({', '.join(f'{n} {o}' for o, n in sorted(outcomes.items()))}, {protected} protected) "
        f"| {figures['dry run']:.1f} s | {persons / figures['dry run']:,.0f} persons/s |"
    )
    if chosen:
        print(
            f"| Retention run (rolled back) | {len(chosen)} files, each in its transaction "
            f"| {figures['run']:.1f} s | {1000 * figures['run'] / len(chosen):.0f} ms/file |"
        )
        print(
            f"| The same files anonymised (rolled back) | {len(chosen)} files, every app's "
            f"anonymiser | {figures['anonymise']:.1f} s | "
            f"{1000 * figures['anonymise'] / len(chosen):.0f} ms/file |"
        )
    print(
        f"| Access log and change audit purge | {purged['access_events']} events, "
        f"{purged['changes']} changes | {figures['purge']:.1f} s | |"
    )
    print(
        f"| Subject-access export, largest file | {records} records, ZIP {len(archive) / 1e3:.0f}"
        f" kB | {figures['export']:.1f} s (sections {figures['sections']:.1f} s) | |"
    )


if __name__ == "__main__":
    main()
