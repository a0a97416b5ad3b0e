"""A byte-ordered index on the surname key, on PostgreSQL only, for one- and two-letter searches.

A query of one or two letters per word finds the persons whose surname starts with it, in
alphabetical order (`Person.objects.search`, docs/decisions.md 2026-11-23). The ORM writes
`(last_name_key COLLATE "C")::text LIKE 'ma%' ORDER BY (last_name_key COLLATE "C"),
(first_names_key COLLATE "C"), id LIMIT 50`: with this index PostgreSQL turns the LIKE into a range
of the index, whatever the database's collation, and reads the first 50 rows in order instead of
sorting every match (46,000 persons for "ma" at large scale). SQLite keeps its scan (the demo's few
hundred persons). Not in `Person.Meta.indexes`, where it would have to exist on SQLite too.
"""

from django.db import migrations

INDEX = "person_surname_prefix_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
        '((last_name_key COLLATE "C"), (first_names_key COLLATE "C"), id)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_person_search_trigram_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
