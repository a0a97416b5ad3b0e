"""Background jobs: long work (exports, imports, retention runs) started from a page, run by a
worker through Django's tasks API, followed on the job page.

An app declares a kind of job with `register_job_kind(JobKind(...))` in its `AppConfig.ready()`
(the kernel never imports the apps above it); a view calls `start_job(user, kind, params)` and
redirects to the job page. The one task, `run_job`, claims the job, calls the kind's `run(job,
progress)` and stores the file it returns. It is idempotent: a job already finished, or running
under a live worker, is not run again, so a task delivered twice (a worker killed and its job
enqueued again) does the work once.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from ancrage.kernel.access import can
from ancrage.kernel.models import Job

logger = logging.getLogger(__name__)

QUEUE_DOWN = gettext_lazy(
    "La file d'attente des tâches ne répond pas : la tâche n'a pas pu être lancée. "
    "Réessayez dans quelques minutes ; si cela dure, prévenez l'administrateur technique."
)
REFUSED = gettext_lazy("La tâche a été refusée : ses paramètres ne conviennent plus.")
UNEXPECTED = gettext_lazy(
    "La tâche s'est arrêtée sur une erreur inattendue ; rien n'a été produit. "
    "L'erreur est enregistrée pour l'administrateur technique."
)


@dataclass(frozen=True)
class JobFile:
    """What a job produces: the bytes of a file, the name it is downloaded under, its type."""

    content: bytes
    filename: str
    content_type: str


# progress(done, total): how far the job is, shown on its page.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobKind:
    """A kind of job. `run(job, progress)` does the work from `job.params` and `job.started_by`
    and returns a `JobFile`; it raises `ValidationError` (in French) for a bad input, which
    fails the job with that reason and writes nothing. `permission` is the line of the table
    that starting (and relaunching) it needs; `relaunch` says whether running it again is safe
    (an export is; an import that already wrote would not be); `back` gives the page the job was
    started from."""

    name: str
    label: str
    permission: tuple[str, str]
    run: Callable[[Job, Progress], JobFile]
    relaunch: bool = True
    back: Callable[[Job], str] | None = None


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    if JOB_KINDS.get(kind.name) not in (None, kind):
        raise ValueError(f"The job kind {kind.name!r} is registered twice")
    JOB_KINDS[kind.name] = kind


def kind_of(job: Job) -> JobKind | None:
    return JOB_KINDS.get(job.kind)


def _enqueue(job: Job) -> Job:
    """Hand the job to the queue; when the queue is down, the job fails with a French reason
    (the page says so and offers to relaunch it) instead of an error page."""
    try:
        result = run_job.enqueue(str(job.pk))
    except Exception:
        logger.exception("The task queue refused job %s", job.pk)
        job.state, job.failure, job.finished_at = Job.State.FAILED, str(QUEUE_DOWN), timezone.now()
        job.save(update_fields=["state", "failure", "finished_at"])
        return job
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    return job


def start_job(user, kind: str, params: dict | None = None) -> Job:
    """Record a job of `kind` for `user` and enqueue it. Call it outside a transaction: with a
    queue in another process (RQ), a worker must find the job's row once it is enqueued."""
    job_kind = JOB_KINDS[kind]
    if not can(user, *job_kind.permission):
        raise PermissionDenied
    job = Job.objects.create(kind=kind, params=params or {}, started_by=user)
    return _enqueue(job)


def relaunch_job(user, job: Job) -> Job:
    """Run a failed job again, with the same parameters, when its kind says that is safe and
    its starter still holds the right."""
    job_kind = kind_of(job)
    if job.state != Job.State.FAILED or job_kind is None or not job_kind.relaunch:
        raise ValidationError(_("Cette tâche ne peut pas être relancée."))
    if not can(user, *job_kind.permission):
        raise ValidationError(_("Vous n'avez plus le droit de lancer cette tâche."))
    updated = Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
        state=Job.State.QUEUED, failure="", done=0, total=0, finished_at=None, task_id=""
    )
    if not updated:
        raise ValidationError(_("Cette tâche a déjà été relancée."))
    job.refresh_from_db()
    return _enqueue(job)


def _stalled(now):
    return Q(
        state=Job.State.RUNNING,
        heartbeat_at__lt=now - timedelta(seconds=settings.JOB_STALL_SECONDS),
    )


def _claim(job_id) -> Job | None:
    """Take the job for this worker: a queued job, or a running one whose worker stopped giving
    signs of life. Nothing when it is finished or running elsewhere (a duplicate delivery)."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(Q(state=Job.State.QUEUED) | _stalled(now), pk=job_id)
            .first()
        )
        if job is None:
            return None
        job.state, job.attempts = Job.State.RUNNING, job.attempts + 1
        job.started_at = job.heartbeat_at = now
        job.done = 0
        job.worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
        job.save(
            update_fields=["state", "attempts", "started_at", "heartbeat_at", "done", "worker"]
        )
    return job


def _finish(job: Job, **fields) -> bool:
    """Write the end of this attempt, unless another attempt took the job over meanwhile."""
    return bool(
        Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts).update(
            finished_at=timezone.now(), **fields
        )
    )


@task()
def run_job(job_id: str) -> str:
    """The one task of every job kind (see the module's docstring). It first takes up the jobs
    of a worker that died (and deletes the files whose time is up): any running worker thus
    finishes them, not only the next one to start."""
    purge_expired_files()
    requeue_stalled_jobs()
    job = _claim(job_id)
    if job is None:
        return "skipped"
    job_kind = kind_of(job)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts).update(
            done=min(done, total), total=total, heartbeat_at=timezone.now()
        )

    try:
        if job_kind is None:
            raise ValidationError(_("Ce type de tâche n'existe plus."))
        if not can(job.started_by, *job_kind.permission):
            raise ValidationError(_("Vous n'avez plus le droit de lancer cette tâche."))
        produced = job_kind.run(job, progress)
    except ValidationError as error:
        # a refusal always says why (the job page shows it; the database requires a reason)
        reason = " ".join(message for message in error.messages if message) or str(REFUSED)
        _finish(job, state=Job.State.FAILED, failure=reason)
        return "failed"
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, state=Job.State.FAILED, failure=str(UNEXPECTED))
        raise
    # The file is written first under a fresh name, then the job points to it: a crash between
    # the two leaves an unreferenced file (purged), never a job pointing to half a file.
    name = default_storage.save(
        f"jobs/{job.pk}-{get_random_string(12)}", ContentFile(produced.content)
    )
    done = _finish(
        job,
        state=Job.State.DONE,
        file=name,
        filename=produced.filename,
        content_type=produced.content_type,
        expires_at=timezone.now() + timedelta(hours=settings.JOB_RESULT_HOURS),
        done=F("total"),
    )
    if not done:
        default_storage.delete(name)
        return "superseded"
    return "done"


def requeue_stalled_jobs() -> int:
    """Enqueue again the jobs whose worker stopped giving signs of life (killed, machine lost):
    their task, idempotent, claims them once. `ancrage worker` calls it as it starts."""
    count = 0
    now = timezone.now()
    for job in Job.objects.filter(_stalled(now)).order_by("created_at"):
        # One requeuer wins: the job waits again, so the others leave it to the task enqueued
        # here (a duplicate delivery finds it claimed).
        if Job.objects.filter(_stalled(now), pk=job.pk).update(
            state=Job.State.QUEUED, heartbeat_at=now
        ):
            _enqueue(job)
            count += 1
    return count


def _lost(now):
    """Queued for longer than JOB_LOST_SECONDS since it was queued (or last enqueued again)."""
    since = now - timedelta(seconds=settings.JOB_LOST_SECONDS)
    return Q(state=Job.State.QUEUED) & (
        Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True, created_at__lt=since)
    )


def requeue_lost_jobs() -> int:
    """Enqueue again the queued jobs that no worker claimed for JOB_LOST_SECONDS: their task
    was lost with its queue (Redis restarted without persistence, a queue flushed). A task
    that was only late is then delivered twice, and the second delivery finds the job claimed."""
    count = 0
    now = timezone.now()
    for job in Job.objects.filter(_lost(now)).order_by("created_at"):
        # The mark moves first: two housekeepers never both enqueue the same job.
        if Job.objects.filter(_lost(now), pk=job.pk).update(heartbeat_at=now):
            _enqueue(job)
            count += 1
    return count


def housekeeping() -> dict[str, int]:
    """What keeps the jobs moving without waiting for the next job or worker: jobs of a dead
    worker, jobs whose task was lost, files whose time is up."""
    return {
        "stalled": requeue_stalled_jobs(),
        "lost": requeue_lost_jobs(),
        "purged": purge_expired_files(),
    }


def next_housekeeping(now=None):
    return (now or timezone.now()) + timedelta(seconds=settings.JOB_HOUSEKEEPING_SECONDS)


@task()
def job_housekeeping(reschedule: bool = False) -> dict[str, int]:
    """`housekeeping` as a task: cron enqueues it (`ancrage job_housekeeping --queue`), or it
    schedules itself every JOB_HOUSEKEEPING_SECONDS once started with `--schedule`."""
    done = housekeeping()
    if reschedule:
        job_housekeeping.using(run_after=next_housekeeping()).enqueue(reschedule=True)
    return done


def purge_expired_files() -> int:
    """Delete the files of the jobs whose time is up; the job stays, saying the file is gone."""
    count = 0
    expired = Job.objects.filter(expires_at__lte=timezone.now()).exclude(file="")
    for job in expired.only("pk", "file"):
        default_storage.delete(job.file)
        Job.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count


def open_result(job: Job):
    """The job's file, open for reading."""
    return default_storage.open(job.file, "rb")


# The home page names the jobs started in this session only, so a user who started none pays no
# query for it (the home's pinned count stays).
SESSION_KEY = "ancrage_jobs"
REMEMBERED = 10


def remember_job(request, job: Job) -> None:
    """Note the job in the session, for the starter's home page."""
    ids = [str(job.pk), *request.session.get(SESSION_KEY, [])]
    request.session[SESSION_KEY] = list(dict.fromkeys(ids))[:REMEMBERED]


def recent_jobs(request) -> list[Job]:
    """The jobs this session started, newest first (none, and no query, when it started none)."""
    ids = request.session.get(SESSION_KEY)
    if not ids:
        return []
    jobs = list(Job.objects.visible_to(request.user).filter(pk__in=ids).order_by("-created_at"))
    for job in jobs:
        kind = kind_of(job)
        job.label = kind.label if kind else job.kind
    return jobs
