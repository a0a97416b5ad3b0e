"""The scale-out harness shared by the scale-out test (tests/kernel/test_scale_out.py) and the
bench (bench/jobs.py): web instances (gunicorn) on loopback ports and RQ workers, all separate
processes that share nothing but PostgreSQL, Redis and the files' folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Web instances and workers started with the same environment; `stop()` ends them all."""

    def __init__(self, env: dict):
        self.env = {**os.environ, **env}
        self.webs: list[tuple[subprocess.Popen, str]] = []
        self.workers: list[subprocess.Popen] = []

    def web(self) -> str:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ancrage.wsgi", "-b", f"127.0.0.1:{port}"]
            + ["-w", "1", "--threads", "4"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        self.webs.append((process, base))
        return base

    def worker(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "ancrage", "worker", "--in-process", "--name", name, "-v0"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(process)
        return process

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        for _process, base in self.webs:
            while True:
                try:
                    with urllib.request.urlopen(base + "/sante/pret/", timeout=30) as response:
                        if response.status == 200:
                            break
                except OSError:  # not listening yet, or still starting
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{base} is not ready")
                time.sleep(0.2)

    def stop(self):
        for process in [p for p, _b in self.webs] + self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [p for p, _b in self.webs] + self.workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """One person's cookies (the session) across every instance: cookies do not depend on the
    port, so a session opened on one instance is used on the other."""

    def __init__(self):
        self.cookies = CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, url, data: dict | None = None):
        body = None
        if data is not None:
            data = {"csrfmiddlewaretoken": self.csrf(), **data}
            body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, response.headers, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def login(self, base, username, password):
        self.request(base + "/compte/connexion/")
        status, headers, _body = self.request(
            base + "/compte/connexion/", {"username": username, "password": password}
        )
        assert status == 302, f"login refused ({status})"
