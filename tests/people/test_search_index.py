"""The indexes that serve person search on PostgreSQL: the trigram index (migration people.0002)
and the byte-ordered surname index for one- and two-letter searches (people.0003). Their speed is
measured by `make bench` (bench/RESULTS.md), never here: these tests check that they exist and
that the ORM's search queries can use them."""

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


def test_the_surname_key_has_a_byte_ordered_prefix_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'person_surname_prefix_idx'"
        )
        (definition,) = cursor.fetchone()
    assert 'btree (last_name_key COLLATE "C", first_names_key COLLATE "C", id)' in definition


def test_a_two_letter_search_reads_that_index_in_order_without_sorting():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = Person.objects.search("ma")[:50].explain()
    assert "person_surname_prefix_idx" in plan
    assert "Sort" not in plan  # the rows come in the index's order: LIMIT stops early
