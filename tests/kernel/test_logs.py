"""Structured logs (LOG_FORMAT=json, ancrage/kernel/logs.py): one valid JSON object a line, and
no personal data in them. A realistic run of requests is made with every line of Ancrage's
loggers (DEBUG), Django's request loggers and the login throttle's (INFO) captured through the
JSON formatter; the persons seeded with unique marker names, e-mails and birth dates never
appear in it."""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage

from ancrage.kernel.access import Role
from ancrage.kernel.logs import JsonFormatter
from tests.conftest import login

MARKERS = {
    "first_names": "Quillonette",
    "last_name": "Zarbowitzky",
    "birth_name": "Vromanchel",
    "email": "quillonette.zarbowitzky@exemple.test",
}
BIRTH_DATE_TEXTS = ("2011-07-29", "29/07/2011", "29 juillet 2011")
CAPTURED = {"ancrage": logging.DEBUG, "django": logging.INFO, "axes": logging.INFO}


@pytest.fixture
def json_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    saved = {}
    for name, level in CAPTURED.items():
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(level)
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for name in CAPTURED:
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).setLevel(saved[name])


def test_the_logs_of_a_run_of_requests_are_json_lines_without_personal_data(
    client, world, case_files, json_logs
):
    child = world.child
    for field, value in MARKERS.items():
        setattr(child, field, value)
    child.birth_date = datetime.date(2011, 7, 29)
    child.save()
    # A file missing from storage: the download logs an error (the document's number and its
    # random stored name, nothing of the child).
    world.document.file.storage.delete(world.document.file.name)
    assert not default_storage.exists(world.document.file.name)

    # A failed login under a marker as user name, then the head of service's day.
    client.post("/compte/connexion/", {"username": MARKERS["last_name"], "password": "faux"})
    head = world.users[Role.HEAD_OF_SERVICE]
    login(client, head)
    assert client.get("/").status_code == 200
    assert client.get("/personnes/", {"q": MARKERS["last_name"]}).status_code == 200
    assert client.get(f"/personnes/{child.reference}/").status_code == 200
    assert client.get(f"/personnes/{child.reference}/consultations/").status_code == 200
    response = client.post(
        f"/personnes/{child.reference}/modifier/",
        {"first_names": MARKERS["first_names"], "last_name": "", "email": "pas-un-courriel"},
    )
    assert response.status_code == 200  # the form again, with its errors
    assert client.get(f"/pieces/{world.document.pk}/").status_code == 404
    assert client.get("/personnes/PAS-UNE-REFERENCE/").status_code == 404
    assert client.get(f"/personnes/{world.stranger.reference}/").status_code == 404
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get("/o2r/rapport/").status_code == 403

    lines = json_logs.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert all(set(record) >= {"time", "level", "logger", "message"} for record in records)
    loggers = {record["logger"] for record in records}
    # The run did log: the missing file (Ancrage), the 404s and the 403 (Django).
    assert "ancrage.placements.views.measures" in loggers
    assert {record.get("status") for record in records} >= {403, 404}
    text = json_logs.getvalue()
    for marker in (*MARKERS.values(), *BIRTH_DATE_TEXTS):
        assert marker.lower() not in text.lower()


def test_log_format_json_makes_the_settings_write_json_lines():
    script = (
        "import logging, django; django.setup(); "
        "logging.getLogger('ancrage.essai').warning('bonjour %s', 'monde')"
    )
    env = {**os.environ, "ANCRAGE_TESTING": "1", "LOG_FORMAT": "json"}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "ancrage.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert (record["level"], record["logger"], record["message"]) == (
        "WARNING",
        "ancrage.essai",
        "bonjour monde",
    )


def test_an_unknown_log_format_is_refused():
    env = {**os.environ, "ANCRAGE_TESTING": "1", "LOG_FORMAT": "xml"}
    env["DJANGO_SETTINGS_MODULE"] = "ancrage.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


def test_an_error_keeps_its_traceback_in_one_field_on_one_line():
    try:
        raise ValueError("panne")
    except ValueError:
        record = logging.LogRecord("ancrage.x", logging.ERROR, __file__, 1, "échec", (), None)
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "échec" and "ValueError: panne" in parsed["exception"]
