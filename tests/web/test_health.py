"""Health checks and outages: `/sante/` (liveness) and `/sante/pret/` (readiness) answer 503 when
a dependency is down; during a database outage every page that needs the database answers the
French 503 page (no database needed to render it) with Retry-After, and the product recovers
without a restart (a throwaway PostgreSQL cluster, stopped and started again by the test)."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from ancrage.kernel import outage

pytestmark = pytest.mark.django_db


def test_liveness_and_readiness_answer_ok_when_everything_answers(client):
    for name in ("web:health", "web:health_ready"):
        response = client.get(reverse(name))
        assert (response.status_code, response.content) == (200, b"ok")


def test_readiness_answers_503_when_the_rq_queue_is_down(client, settings):
    settings.TASK_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}}
    response = client.get(reverse("web:health_ready"))
    assert response.status_code == 503
    assert "file des tâches (Redis) injoignable" in response.content.decode()
    assert response["Retry-After"] == str(outage.RETRY_AFTER)
    # liveness does not depend on the queue
    assert client.get(reverse("web:health")).status_code == 200


def test_the_outage_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = outage.outage_page()
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER)
    assert "Service momentanément indisponible" in response.content.decode()


def test_the_error_handler_tells_a_database_outage_from_a_bug(rf):
    """handler500 runs while the error is being handled: the driver's OperationalError (the
    database went away mid-request) gives the French 503 page, any other error the French 500
    page."""
    from ancrage.web.views import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
    assert response["Retry-After"] == str(outage.RETRY_AFTER)
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


# A throwaway PostgreSQL cluster: its own data folder and port, started and stopped by the test.
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    assert found, "PostgreSQL's pg_ctl is not installed (apt-get install postgresql)"
    return Path(found[-1]).parent


class Cluster:
    """Its own folder under /tmp (pytest's are private to root, and the server runs as the
    postgres user when the tests run as root), removed by `remove()`."""

    def __init__(self):
        folder = Path(tempfile.mkdtemp(prefix="ancrage-outage-"))
        self.folder = folder
        self.bin = _postgres_bin()
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        # initdb and the server refuse to run as root: run them as the postgres user then
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def run(self, tool, *args):
        done = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, timeout=120
        )
        if done.returncode:
            raise subprocess.CalledProcessError(
                done.returncode, tool, done.stdout, done.stderr.decode()[-2000:]
            )

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        log = str(self.folder / "server.log")  # the server's output, not the test's pipes
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start"
        )

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _get(opener, url, data=None):
    """(status, body, headers) of a request through `opener` (keeps its cookies)."""
    try:
        with opener.open(url, data=data, timeout=30) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


@pytest.mark.postgres
def test_a_database_outage_answers_503_in_french_and_the_product_recovers(tmp_path):
    cluster = Cluster()
    cluster.start()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "ANCRAGE_TESTING": "1",
        "DEBUG": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    ancrage = [sys.executable, "-m", "ancrage"]
    server = None
    try:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ancrage.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        for _ in range(100):
            try:
                status, body, _h = _get(opener, base + "/sante/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        # the database answers, its migrations are not applied yet: alive, not ready
        assert (status, body) == (200, "ok")
        status, body, _h = _get(opener, base + "/sante/pret/")
        assert status == 503
        assert "migrations non appliquées" in body
        subprocess.run([*ancrage, "migrate", "--noinput", "-v0"], env=env, check=True)
        script = (
            "from ancrage.accounts.models import User; "
            "User.objects.create_user('panne', password='mot-de-passe-de-panne-2026')"
        )
        subprocess.run([*ancrage, "shell", "-c", script], env=env, check=True)
        assert _get(opener, base + "/sante/pret/")[:2] == (200, "ok")
        status, login_page, _h = _get(opener, base + "/compte/connexion/")
        token = login_page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        form = f"csrfmiddlewaretoken={token}&username=panne&password=mot-de-passe-de-panne-2026"
        status, home, _h = _get(opener, base + "/compte/connexion/", form.encode())
        assert status == 200
        assert "Tableau de bord" in home

        cluster.stop()
        for path in ("/", "/sante/", "/sante/pret/", "/o2r/rapport/"):
            status, body, headers = _get(opener, base + path)
            assert status == 503, path
            assert headers["Retry-After"] == str(outage.RETRY_AFTER), path
        status, body, _h = _get(opener, base + "/")
        assert "Service momentanément indisponible" in body
        assert "Server Error" not in body

        cluster.start()
        # the same server process, not restarted, answers again
        assert _get(opener, base + "/sante/pret/")[:2] == (200, "ok")
        status, home, _h = _get(opener, base + "/")
        assert status == 200
        assert "Tableau de bord" in home
        assert server.poll() is None
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.remove()


def test_the_server_process_freezes_what_it_loaded_out_of_the_garbage_collector():
    """ancrage/wsgi.py (what gunicorn loads) leaves the objects of the start-up out of the
    collector's passes: a full pass walks a request's objects only (issue 19)."""
    script = (
        "import gc; assert gc.get_freeze_count() == 0; import ancrage.wsgi; "
        "print(gc.get_freeze_count())"
    )
    env = {**os.environ, "ANCRAGE_TESTING": "1", "DJANGO_SETTINGS_MODULE": "ancrage.settings"}
    frozen = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    # Django, the apps and the URL table: hundreds of thousands of objects
    assert int(frozen) > 50_000
