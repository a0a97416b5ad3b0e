"""`make backup` / `make restore` (ancrage backup / restore): a backup restored into a fresh
database gives back a child's file, and the judgment attached to her measure."""

import subprocess
import sys

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_backup_restored_into_a_fresh_database_gives_back_a_childs_file(case_files, tmp_path):
    world = case_files
    s = connection.settings_dict
    server = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    fresh = f"{s['NAME']}_restored"
    restored_media = tmp_path / "restored-media"
    env = {"ANCRAGE_TESTING": "1", "PATH": "/usr/bin:/bin"}
    # the documents written by the fixture live in the test's MEDIA_ROOT
    from django.conf import settings

    media = settings.MEDIA_ROOT
    ancrage = [sys.executable, "-m", "ancrage"]
    subprocess.run(
        [*ancrage, "backup", str(tmp_path / "backup")],
        env={**env, "DATABASE_URL": f"{server}/{s['NAME']}", "MEDIA_ROOT": str(media)},
        check=True,
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(
            [*ancrage, "restore", str(tmp_path / "backup")],
            env={**env, "DATABASE_URL": f"{server}/{fresh}", "MEDIA_ROOT": str(restored_media)},
            check=True,
        )
        with psycopg.connect(f"{server}/{fresh}") as restored:
            row = restored.execute(
                "SELECT first_names, last_name, birth_date FROM people_person WHERE reference = %s",
                [world.child.reference],
            ).fetchone()
            (document,) = restored.execute(
                "SELECT file FROM placements_measuredocument WHERE id = %s", [world.document.pk]
            ).fetchone()
        assert row == (world.child.first_names, world.child.last_name, world.child.birth_date)
        world.document.file.open("rb")
        original = world.document.file.read()
        world.document.file.close()
        assert (restored_media / document).read_bytes() == original
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
