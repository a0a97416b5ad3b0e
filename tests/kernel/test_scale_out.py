"""The proof of scale-out (issue 16): two web instances (gunicorn) on two loopback ports and two
RQ workers, separate processes sharing nothing but PostgreSQL, Redis and the files' folder. A
burst of 200 exports started on both instances is spread over both workers, every job finishes
once; a worker killed (by its PID) in the middle of a job leaves it to the other, which finishes
it; sessions and the login rate limit hold across both instances. Marked `postgres`: it runs in
the PostgreSQL pass, where `.ci/run` has started Redis."""

import os
import signal
import time

import pytest
from django.db import connection

from ancrage.kernel.access import Role
from ancrage.kernel.models import Job
from tests.kernel.scale_out import Browser, Processes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.argon2,  # the web instances check the password with the production hasher
    pytest.mark.django_db(transaction=True),
]

BURST = 200
# A Redis database of its own, emptied before and after.
REDIS_URL = "redis://127.0.0.1:6379/12"
STALL_SECONDS = 10
PASSWORD = "mot-de-passe-du-financeur-2026"


def _database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_for(condition, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(step)


@pytest.fixture
def redis_queue():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


def test_two_instances_and_two_workers_share_the_work_and_survive_a_killed_worker(
    o2r_files, tmp_path, redis_queue
):
    # the funder reads the report of the O2R programme the world's organisation carries
    world = o2r_files
    funder = world.users[Role.FUNDER]
    funder.set_password(PASSWORD)
    funder.save()
    processes = Processes(
        {
            "DATABASE_URL": _database_url(),
            "TASK_BACKEND": "rq",
            "REDIS_URL": REDIS_URL,
            "ANCRAGE_TESTING": "1",
            "DEBUG": "0",
            "MEDIA_ROOT": str(tmp_path / "files"),
            "JOB_STALL_SECONDS": str(STALL_SECONDS),
        }
    )
    try:
        first, second = processes.web(), processes.web()
        workers = [processes.worker("premier"), processes.worker("second")]
        processes.wait_ready()
        browser = Browser()
        browser.login(first, funder.username, PASSWORD)
        # the session opened on the first instance works on the second
        assert browser.request(second + "/o2r/rapport/")[0] == 200

        for n in range(BURST):
            base = (first, second)[n % 2]
            status, headers, _body = browser.request(
                base + "/o2r/rapport/rapport-o2r.xlsx", {"start": "", "end": ""}
            )
            assert status == 302 and headers["Location"].startswith("/taches/")
        _wait_for(
            lambda: Job.objects.exclude(state__in=["done", "failed"]).count() == 0, timeout=600
        )
        jobs = list(Job.objects.all())
        assert len(jobs) == BURST
        assert {job.state for job in jobs} == {"done"}
        assert {job.attempts for job in jobs} == {1}, "a job was run twice"
        by_worker = {}
        for job in jobs:
            by_worker[job.worker] = by_worker.get(job.worker, 0) + 1
        assert len(by_worker) == 2, f"one worker did everything: {by_worker}"
        assert len({job.file for job in jobs}) == BURST
        pids = {int(name.rsplit(":", 1)[1]) for name in by_worker}
        assert pids == {worker.pid for worker in workers}

        # A worker killed in the middle of a job (a PDF: long enough to be caught running).
        status, headers, _body = browser.request(
            second + "/o2r/rapport/rapport-o2r.pdf", {"start": "", "end": ""}
        )
        killed_job = Job.objects.get(pk=headers["Location"].strip("/").rsplit("/", 1)[1])
        _wait_for(
            lambda: Job.objects.filter(pk=killed_job.pk, state="running").exists(),
            timeout=120,
            step=0.01,
        )
        killed_job.refresh_from_db()
        victim_pid = int(killed_job.worker.rsplit(":", 1)[1])
        os.kill(victim_pid, signal.SIGKILL)
        victim = next(worker for worker in workers if worker.pid == victim_pid)
        victim.wait(timeout=10)
        survivor = next(worker for worker in workers if worker.pid != victim_pid)
        killed_job.refresh_from_db()
        assert (killed_job.state, killed_job.attempts) == ("running", 1)
        # Once the job has given no sign of life for JOB_STALL_SECONDS, the next job run
        # (anyone's export) takes it up again; the surviving worker finishes both.
        time.sleep(STALL_SECONDS + 1)
        browser.request(first + "/o2r/rapport/rapport-o2r.xlsx", {"start": "", "end": ""})
        _wait_for(
            lambda: Job.objects.exclude(state__in=["done", "failed"]).count() == 0, timeout=180
        )
        killed_job.refresh_from_db()
        assert killed_job.state == "done"
        assert killed_job.attempts == 2
        assert killed_job.worker.endswith(f":{survivor.pid}")
        status, _headers, _body = browser.request(first + f"/taches/{killed_job.pk}/fichier/")
        assert status == 200

        # The rate limit is shared too: the failed logins counted on one instance lock the
        # account on the other (django-axes keeps its attempts in the database).
        intruder = Browser()
        intruder.request(first + "/compte/connexion/")
        for _ in range(5):
            intruder.request(
                first + "/compte/connexion/", {"username": funder.username, "password": "faux"}
            )
        someone = Browser()
        someone.request(second + "/compte/connexion/")
        status, _headers, body = someone.request(
            second + "/compte/connexion/", {"username": funder.username, "password": PASSWORD}
        )
        assert status != 302
        assert "Compte temporairement bloqué" in body
    finally:
        processes.stop()
