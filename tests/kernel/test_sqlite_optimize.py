"""The SQLite backend runs `PRAGMA optimize` as SQLite recommends: before a connection closes,
and when a long-lived connection opens (kernel/sqlite/base.py)."""

import sqlite3

import pytest
from django.db import connections

from ancrage.kernel.sqlite.base import DatabaseWrapper


def wrapper(path, conn_max_age=0):
    settings = {**connections["default"].settings_dict}
    settings.update(
        ENGINE="ancrage.kernel.sqlite", NAME=str(path), CONN_MAX_AGE=conn_max_age, OPTIONS={}
    )
    return DatabaseWrapper(settings, alias="optimize_test")


@pytest.fixture
def traced(monkeypatch):
    """The statements every new SQLite connection runs, in order."""
    statements = []
    connect = sqlite3.connect

    def tracing(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", tracing)
    monkeypatch.setattr(DatabaseWrapper.Database, "connect", tracing)
    return statements


def test_a_connection_runs_pragma_optimize_before_it_closes(tmp_path, traced, django_db_blocker):
    with django_db_blocker.unblock():
        db = wrapper(tmp_path / "a.sqlite3")
        db.ensure_connection()
        assert "PRAGMA optimize" not in traced
        assert "PRAGMA optimize=0x10002" not in traced
        db.close()
    assert traced[-1] == "PRAGMA optimize"


def test_a_long_lived_connection_optimizes_when_it_opens(tmp_path, traced, django_db_blocker):
    with django_db_blocker.unblock():
        db = wrapper(tmp_path / "b.sqlite3", conn_max_age=600)
        db.ensure_connection()
        assert "PRAGMA optimize=0x10002" in traced
        db.close()
