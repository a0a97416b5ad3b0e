"""The settings each PostgreSQL connection of the application starts with (settings.py)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_applications_queries_start_no_parallel_workers():
    """On the two cores the web server shares with PostgreSQL, a query planned with parallel
    workers starts two more server processes: an O2R team's list took 40 ms and three processes
    instead of 8 ms in one (docs/decisions.md, 2026-12-06)."""
    assert _show("max_parallel_workers_per_gather") == "0"


def test_the_applications_queries_are_not_compiled_by_jit():
    assert _show("jit") == "off"
