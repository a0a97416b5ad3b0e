"""`ancrage backup FOLDER`: the PostgreSQL database (pg_dump, custom format) and the private
files (MEDIA_ROOT: measure documents, exports) into FOLDER, as `ancrage.dump` and `media.tar.gz`."""

import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def libpq_environment() -> dict:
    """The database of DATABASES["default"] for PostgreSQL's tools (PGHOST, PGDATABASE...), so
    no password appears on a command line."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("La sauvegarde demande PostgreSQL (DATABASE_URL=postgres://…).")
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    env.update({variable: str(db[key]) for key, variable in names.items() if db.get(key)})
    return env


class Command(BaseCommand):
    help = "Sauvegarde la base PostgreSQL (pg_dump, format custom) et les fichiers privés."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Dossier où écrire ancrage.dump et media.tar.gz.")

    def handle(self, *args, folder, **options):
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(target, 0o700)  # personal data: readable by the service's user only
        dump = target / "ancrage.dump"
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}"],  # noqa: S607
            env=libpq_environment(),
            check=True,
        )
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
            if media.exists():
                archive.add(media, arcname="media")
        self.stdout.write(f"Sauvegarde écrite dans {target}.")
