"""A trigram index on people_person.search_text, on PostgreSQL only.

Person search filters on `search_text LIKE '%word%'` (`search_text__contains`, the text is already
lower-case), which no B-tree index can serve: PostgreSQL read the whole table for every search.
A GIN index with pg_trgm's `gin_trgm_ops` answers that same LIKE, so the ORM query stays the same
on both databases. SQLite has no such index and keeps its table scan (the demo's few hundred
persons). The index is not declared in `Person.Meta.indexes`, where it would have to exist on
SQLite too; see docs/decisions.md (2026-11-23, trigram index) and bench/RESULTS.md.
"""

from django.db import migrations

INDEX = "person_search_trgm_idx"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other objects may use it, and it costs nothing unused.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
