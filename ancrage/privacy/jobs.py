"""The retention run as background jobs: the dry run (what is due, counted per establishment and
outcome, with the references; a CSV to keep) and, once a director or the DPO approved it, the
run. The run computes again what is due on its own day and acts only on the files both due then
and listed (unprotected) in the approved dry run; each file in one transaction, so a run
stopped midway is relaunched and goes on where it stopped (the files done are no longer due)."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.kernel.exports import spreadsheet_row
from ancrage.kernel.jobs import JobFile, JobKind, start_job
from ancrage.privacy import services
from ancrage.privacy.models import Outcome, RetentionRun
from ancrage.privacy.retention import due_files, summary

OUTCOME_LABELS = {
    Outcome.ARCHIVE: gettext_lazy("archivage"),
    Outcome.ANONYMISE: gettext_lazy("anonymisation"),
}


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow(spreadsheet_row(row))
    return out.getvalue().encode("utf-8-sig")


def _run_of(job) -> RetentionRun:
    run = RetentionRun.objects.filter(pk=job.params.get("run")).first()
    if run is None:
        raise ValidationError(_("Ce passage de conservation n'existe plus."))
    return run


def compute_dry_run(run: RetentionRun, today=None) -> list[dict] | None:
    """Compute the run's dry run and propose it for approval; None when it was done already."""
    today = today or timezone.localdate()
    lines = [file.as_line() for file in due_files(today, run.organisation_id)]
    with transaction.atomic():
        updated = RetentionRun.objects.filter(pk=run.pk, state=RetentionRun.State.DRY_RUN).update(
            plan=lines, computed_on=today, state=RetentionRun.State.PROPOSED
        )
    return lines if updated else None


def run_dry_run(job, progress) -> JobFile:
    run = _run_of(job)
    progress(0, 2)
    today = timezone.localdate()
    lines = compute_dry_run(run, today)
    if lines is None:
        raise ValidationError(_("Cette simulation a déjà été faite."))
    progress(1, 2)
    header = [
        _("Référence"),
        _("Établissement"),
        _("Dernier contact"),
        _("Échéance"),
        _("Suite prévue"),
        _("Protégé par"),
    ]
    rows = [header] + [
        [
            line["reference"],
            line["establishment"],
            line["last_contact"],
            line["due_on"],
            "" if line["protected_by"] else str(OUTCOME_LABELS[line["outcome"]]),
            ", ".join(line["protected_by"]),
        ]
        for line in lines
    ]
    return JobFile(_csv(rows), f"simulation-conservation-{today.isoformat()}.csv", "text/csv")


def run_retention(job, progress) -> JobFile:
    """The approved run. Relaunched after an interruption, it computes again and skips what
    is done (anonymised files are never due again; archived ones not before their period)."""
    run = _run_of(job)
    if run.state not in (RetentionRun.State.APPROVED, RetentionRun.State.DONE):
        raise ValidationError(_("Ce passage n'est pas approuvé."))
    today = timezone.localdate()
    approved = {line["person"] for line in run.plan if not line["protected_by"]}
    files = [
        f for f in due_files(today, run.organisation_id) if f.acted_upon and f.person_id in approved
    ]
    done = dict(run.results.get("files", {}))
    total = len(files) + 1
    progress(0, total)
    for position, file in enumerate(files, start=1):
        outcome = services.apply_to_file(run, file)
        if outcome:
            done[str(file.person_id)] = {"outcome": str(outcome), "at": timezone.now().isoformat()}
            # Saved after each file: the run's record says what is done even if it stops.
            RetentionRun.objects.filter(pk=run.pk).update(results={**run.results, "files": done})
        progress(position, total)
    purged = services.purge_traces(today)
    records = services.anonymise_past_records(run.organisation_id, today)
    counts = {str(outcome): 0 for outcome in OUTCOME_LABELS}
    for result in done.values():
        counts[result["outcome"]] += 1
    results = {
        "files": done,
        "counts": counts,
        "purged": purged,
        "records": records,
        "computed_on": str(today),
    }
    RetentionRun.objects.filter(pk=run.pk).update(
        results=results, state=RetentionRun.State.DONE, finished_at=timezone.now()
    )
    progress(total, total)
    rows = [[_("Suite"), _("Dossiers")]]
    rows += [[str(OUTCOME_LABELS[outcome]), count] for outcome, count in counts.items()]
    rows += [
        [_("Consultations supprimées (journal)"), purged["access_events"]],
        [_("Modifications supprimées (historique)"), purged["changes"]],
        [_("Membres du conseil anonymisés (fin de mandat)"), records["council_members"]],
        [_("Comptes de salariés sans dossier anonymisés (départ)"), records["accounts"]],
    ]
    return JobFile(_csv(rows), f"passage-conservation-{today.isoformat()}.csv", "text/csv")


def back_to_run(job):
    return reverse("privacy:run", args=[job.params.get("run")])


DRY_RUN = JobKind(
    name="retention_dry_run",
    label=gettext_lazy("Simulation du passage de conservation"),
    permission=("retention_run", "change"),
    run=run_dry_run,
    relaunch=False,
    back=back_to_run,
)
RUN = JobKind(
    name="retention_run",
    label=gettext_lazy("Passage de conservation (archivage et anonymisation)"),
    permission=("retention_run", "change"),
    run=run_retention,
    # Safe: it computes again and each file is done once.
    relaunch=True,
    back=back_to_run,
)


def start_dry_run(user, organisation_id: int) -> RetentionRun:
    """Record a run of the organisation and start its dry run (outside a transaction: see
    `start_job`)."""
    run = RetentionRun.objects.create(started_by=user, organisation_id=organisation_id)
    job = start_job(user, DRY_RUN.name, {"run": run.pk})
    RetentionRun.objects.filter(pk=run.pk).update(dry_run_job=job)
    run.dry_run_job = job
    return run


def approve_and_run(user, run: RetentionRun) -> RetentionRun:
    run = services.approve_run(user, run)
    job = start_job(user, RUN.name, {"run": run.pk})
    RetentionRun.objects.filter(pk=run.pk).update(run_job=job)
    run.run_job = job
    return run


__all__ = ["DRY_RUN", "RUN", "approve_and_run", "start_dry_run", "summary"]
