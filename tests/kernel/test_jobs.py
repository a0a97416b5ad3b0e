"""Background jobs (ancrage/kernel/jobs.py): run by the real worker of the database backend
(`ancrage worker --batch` in the test), idempotent, private to their starter, their files
deleted after JOB_RESULT_HOURS, a bad input failing with a French reason and nothing written, a
queue outage answered with a French reason instead of an error page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from ancrage.kernel import jobs
from ancrage.kernel.access import Role
from ancrage.kernel.models import Job
from tests.conftest import login, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# What the test kind did, one entry per time its work really ran.
RUNS = []


def count_to(job, progress):
    """A job kind for the tests: counts to params["n"], recording each step; "n" < 0 is a bad
    input, "boom" an unexpected error."""
    n = job.params["n"]
    if n == "boom":
        raise RuntimeError("unexpected")
    if n < 0:
        raise ValidationError("Le nombre doit être positif.")
    RUNS.append(job.pk)
    for step in range(n):
        progress(step + 1, n)
    return jobs.JobFile(f"compté jusqu'à {n}".encode(), "compte.txt", "text/plain")


COUNT = jobs.JobKind(
    name="test_count", label="Compter", permission=("o2r_report", "view"), run=count_to
)
ONCE = jobs.JobKind(
    name="test_once",
    label="Compter sans relance",
    permission=("o2r_report", "view"),
    run=count_to,
    relaunch=False,
)


@pytest.fixture(autouse=True)
def test_kinds():
    RUNS.clear()
    jobs.register_job_kind(COUNT)
    jobs.register_job_kind(ONCE)
    yield
    del jobs.JOB_KINDS[COUNT.name], jobs.JOB_KINDS[ONCE.name]


@pytest.fixture
def lead(world):
    return world.users[Role.O2R_LEAD]


def test_a_job_runs_in_the_worker_and_its_file_is_downloaded_by_its_starter(client, lead):
    job = jobs.start_job(lead, "test_count", {"n": 3})
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == (Job.State.DONE, 3, 3, 1)
    assert job.expires_at > timezone.now() + datetime.timedelta(hours=23)
    login(client, lead)
    page = client.get(reverse("web:job", args=[job.pk]))
    assert page.status_code == 200
    assert "Télécharger compte.txt" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    response = client.get(reverse("web:job_file", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "compté jusqu'à 3".encode()
    assert 'filename="compte.txt"' in response["Content-Disposition"]


def test_a_job_is_seen_by_its_starter_only(client, world, lead):
    job = jobs.start_job(lead, "test_count", {"n": 1})
    run_worker()
    for role in (Role.FUNDER, Role.ESTABLISHMENT_DIRECTOR, Role.TECH_ADMIN):
        login(client, world.users[role])
        assert client.get(reverse("web:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("web:job_file", args=[job.pk])).status_code == 404
        assert client.post(reverse("web:job_relaunch", args=[job.pk])).status_code == 404


def test_the_page_polls_while_the_job_waits_and_answers_htmx_with_its_status(client, lead):
    job = jobs.start_job(lead, "test_count", {"n": 2})
    login(client, lead)
    page = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "En attente" in page
    run_worker()
    partial = client.get(reverse("web:job", args=[job.pk]), headers={"HX-Request": "true"})
    content = partial.content.decode()
    assert content.startswith('<section id="job-status"')
    assert "hx-trigger" not in content  # finished: the polling stops
    assert 'value="100"' in content
    assert "HX-Request" in partial["Vary"]


def test_a_task_delivered_twice_does_the_work_once(lead):
    job = jobs.start_job(lead, "test_count", {"n": 2})
    jobs.run_job.enqueue(str(job.pk))  # a second delivery of the same job
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert [job.pk] == RUNS
    assert job.attempts == 1
    assert len(default_storage.listdir("jobs")[1]) == 1


def test_a_job_whose_worker_died_is_taken_up_again_and_finished_once(lead, settings):
    settings.JOB_STALL_SECONDS = 60
    job = jobs.start_job(lead, "test_count", {"n": 2})
    # A worker took it and was killed: the task is gone, the job still says "running".
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        attempts=1,
        done=1,
        total=2,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    run_worker()  # the worker takes up stalled jobs as it starts
    job.refresh_from_db()
    assert (job.state, job.attempts, RUNS) == (Job.State.DONE, 2, [job.pk])


def test_a_running_job_with_a_live_worker_is_not_taken_twice(lead, settings):
    settings.JOB_STALL_SECONDS = 60
    job = jobs.start_job(lead, "test_count", {"n": 2})
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts, RUNS) == (Job.State.RUNNING, 1, [])


def test_a_bad_input_fails_with_its_french_reason_and_writes_nothing(client, lead, settings):
    job = jobs.start_job(lead, "test_count", {"n": -1})
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.failure, job.file) == (
        Job.State.FAILED,
        "Le nombre doit être positif.",
        "",
    )
    assert not (settings.MEDIA_ROOT / "jobs").exists()
    login(client, lead)
    page = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert "Le nombre doit être positif." in page
    assert "Relancer" in page
    assert client.get(reverse("web:job_file", args=[job.pk])).status_code == 404


def test_an_unexpected_error_fails_the_job_with_a_french_message(lead):
    job = jobs.start_job(lead, "test_count", {"n": "boom"})
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure == str(jobs.UNEXPECTED)
    from django_tasks_db.models import DBTaskResult

    # and the backend keeps the error for the administrator
    assert DBTaskResult.objects.get().exception_class_path == "builtins.RuntimeError"


def test_relancer_runs_a_failed_job_again_with_its_parameters(client, lead):
    job = jobs.start_job(lead, "test_count", {"n": 2})
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, failure="Interrompue.")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    login(client, lead)
    response = client.post(reverse("web:job_relaunch", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.failure, RUNS) == (Job.State.DONE, "", [job.pk])


def test_relancer_is_refused_where_it_is_not_safe(client, lead):
    job = jobs.start_job(lead, "test_once", {"n": -1})
    run_worker()
    login(client, lead)
    assert "Relancer" not in client.get(reverse("web:job", args=[job.pk])).content.decode()
    response = client.post(reverse("web:job_relaunch", args=[job.pk]), follow=True)
    assert "Cette tâche ne peut pas être relancée." in response.content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED


def test_the_file_is_deleted_when_its_time_is_up(client, lead, settings):
    job = jobs.start_job(lead, "test_count", {"n": 1})
    run_worker()
    job.refresh_from_db()
    path = settings.MEDIA_ROOT / job.file
    assert path.exists()
    login(client, lead)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    assert client.get(reverse("web:job_file", args=[job.pk])).status_code == 404
    assert jobs.purge_expired_files() == 1
    assert not path.exists()
    page = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert "Le fichier a été supprimé" in page


def test_a_queue_outage_fails_the_start_with_a_french_reason(client, lead, settings):
    # RQ over a Redis that does not answer (nothing listens on port 1)
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    job = jobs.start_job(lead, "test_count", {"n": 1})
    assert (job.state, job.failure) == (Job.State.FAILED, str(jobs.QUEUE_DOWN))
    login(client, lead)
    page = client.get(reverse("web:job", args=[job.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "des tâches ne répond pas : la tâche n&#x27;a pas pu être lancée" in content


def test_the_starter_finds_the_job_on_the_home_page(client, lead, django_assert_max_num_queries):
    login(client, lead)
    response = client.post(reverse("insertion:report_xlsx"), {"start": "", "end": ""})
    job = Job.objects.get()
    # 13 before the lead's home showed each programme's agreement year against its targets
    # (the programmes read once more)
    with django_assert_max_num_queries(14):
        home = client.get(reverse("web:home")).content.decode()
    assert "Mes tâches en arrière-plan" in home
    assert reverse("web:job", args=[job.pk]) in home
    assert response["Location"] == reverse("web:job", args=[job.pk])


def test_the_database_backend_needs_no_redis(lead, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.RQ_QUEUES = {"default": {"URL": settings.REDIS_URL, "SOCKET_CONNECT_TIMEOUT": 1}}
    job = jobs.start_job(lead, "test_count", {"n": 1})
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_a_queued_job_whose_task_was_lost_is_enqueued_again_by_the_housekeeping(lead, settings):
    """A Redis queue flushed or lost: the job says "queued" and no task will ever run it. The
    housekeeping (cron or its own schedule), not only the next worker to start, enqueues it again,
    once, and the worker then runs it once."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.JOB_LOST_SECONDS = 600
    job = jobs.start_job(lead, "test_count", {"n": 2})
    recent = jobs.start_job(lead, "test_count", {"n": 1})
    DBTaskResult.objects.all().delete()  # the queue is lost
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    call_command("job_housekeeping", verbosity=0)
    # the old job has its task again, the recent one (maybe only late) is left alone
    assert DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [str(job.pk)]
    call_command("job_housekeeping", verbosity=0)  # a second pass does not enqueue it twice
    assert DBTaskResult.objects.count() == 1
    run_worker()
    job.refresh_from_db()
    recent.refresh_from_db()
    assert (job.state, job.attempts, RUNS) == (Job.State.DONE, 1, [job.pk])
    assert recent.state == Job.State.QUEUED


def test_the_housekeeping_takes_up_a_dead_workers_job_without_a_new_worker_start(lead, settings):
    settings.JOB_STALL_SECONDS = 60
    job = jobs.start_job(lead, "test_count", {"n": 2})
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert jobs.job_housekeeping.call() == {"stalled": 1, "lost": 0, "purged": 0}
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED


def test_the_housekeeping_schedules_its_next_run(lead, settings):
    from django_tasks_db.models import DBTaskResult

    settings.JOB_HOUSEKEEPING_SECONDS = 300
    before = timezone.now()
    jobs.job_housekeeping.call(reschedule=True)
    scheduled = DBTaskResult.objects.get(task_path__endswith="job_housekeeping")
    assert scheduled.args_kwargs["kwargs"] == {"reschedule": True}
    assert before + datetime.timedelta(seconds=300) <= scheduled.run_after
    assert scheduled.run_after <= timezone.now() + datetime.timedelta(seconds=300)


def test_a_refusal_without_words_still_fails_with_a_french_reason(lead):
    """A kind that refuses its input without saying why (an empty ValidationError) fails the
    job with a French reason, never a job stuck running on the database's constraint."""

    def refuse(job, progress):
        raise ValidationError([])

    jobs.register_job_kind(
        jobs.JobKind(name="test_mute", label="Muet", permission=("o2r_report", "view"), run=refuse)
    )
    try:
        job = jobs.start_job(lead, "test_mute", {})
        run_worker()
        job.refresh_from_db()
        assert job.state == Job.State.FAILED
        assert job.failure == str(jobs.REFUSED)
    finally:
        del jobs.JOB_KINDS["test_mute"]
