"""The load run's clients (driven by bench/load.py, which starts gunicorn and locust headless).

Each simulated user is a staff member logged in with a verified second factor: bench/load.py
wrote their sessions in the database beforehand and lists them, with the pages of their own
village, in the JSON file named by BENCH_LOAD_SESSIONS. A user takes the next session of the list
(20 clients over fewer sessions share them) and browses a realistic mix of the existing pages,
with a short pause between two pages. Anything but a 200 (a redirect to the login page included)
is a failure, recorded with its status and URL (in the file named by BENCH_LOAD_FAILURES).
"""

import itertools
import json
import os
import random

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["BENCH_LOAD_SESSIONS"]) as sessions_file:
    SETUP = json.load(sessions_file)
SESSIONS = itertools.cycle(SETUP["sessions"])
O2R_SESSIONS = itertools.cycle(SETUP.get("o2r_sessions") or [None])
COOKIE = SETUP["cookie_name"]
FAILURES = os.environ.get("BENCH_LOAD_FAILURES")


# FastHttpUser (geventhttpclient) rather than HttpUser (requests): the clients run on the same
# two cores as the server, and it takes several times less CPU per request.
class Client(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    sessions = SESSIONS

    def on_start(self):
        self.session = next(self.sessions)
        # Seeded from the session so a run is repeatable as far as locust's scheduling allows.
        self.rng = random.Random(self.session["cookie"])
        self.headers = {"Cookie": f"{COOKIE}={self.session['cookie']}"}

    def get(self, name, url):
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} {url}")
                if FAILURES:
                    with open(FAILURES, "a") as failures:
                        failures.write(f"{name}: HTTP {r.status_code} {url}\n")


class Staff(Client):
    """A village's head of service (four clients in five)."""

    weight = 4

    @task(2)
    def home(self):
        self.get("Accueil", "/")

    @task(3)
    def search(self):
        self.get("Recherche", "/personnes/?q=" + self.rng.choice(self.session["searches"]))

    @task(3)
    def child(self):
        self.get("Fiche d'un enfant", self.rng.choice(self.session["children"]))

    @task(2)
    def board(self):
        self.get("Tableau du village", self.session["board"])

    @task(1)
    def waiting_list(self):
        self.get("Liste d'attente", self.session["waiting_list"])

    @task(1)
    def visits(self):
        self.get("Calendrier des visites", self.session["visits"])

    @task(1)
    def deadlines(self):
        self.get("Échéancier du village", self.session["deadlines"])

    @task(1)
    def incidents(self):
        self.get("Signalements du village", self.session["incidents"])


class O2RStaff(Client):
    """The O2R lead or a counsellor (one client in five): the beneficiary list, and the activity
    report for the lead (a counsellor, who may not see it, reads the list's second page)."""

    abstract = not SETUP.get("o2r_sessions")  # none at all: only village staff
    weight = 1
    sessions = O2R_SESSIONS

    @task(3)
    def beneficiaries(self):
        self.get("O2R : bénéficiaires", self.session["beneficiaries"])

    @task(1)
    def report(self):
        if self.session["report"]:
            self.get("O2R : rapport d'activité", self.session["report"])
        else:
            self.get("O2R : bénéficiaires", self.session["beneficiaries"] + "?page=2")
