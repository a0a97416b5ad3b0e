"""The trigram index that serves person search on PostgreSQL (migration people.0002). Its speed is
measured by `make bench` (bench/RESULTS.md), never here: these tests check that it exists and that
the ORM's search query can use it."""

import pytest
from django.db import connection

from ancrage.people.models import Person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_search_text_has_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_search_trgm_idx'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_text gin_trgm_ops)" in definition


def test_the_search_query_can_use_it():
    # A test table is so small that PostgreSQL scans it anyway; with scans ruled out for this
    # transaction, the plan shows whether the index accepts the LIKE '%word%' the ORM writes.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Person.objects.search("martin").explain()
    assert "person_search_trgm_idx" in plan
