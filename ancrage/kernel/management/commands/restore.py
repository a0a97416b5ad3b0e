"""`ancrage restore FOLDER`: put back a backup of `ancrage backup` into the database of
DATABASE_URL (an empty one, or one to replace: its objects are dropped first) and MEDIA_ROOT."""

import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ancrage.kernel.management.commands.backup import libpq_environment


class Command(BaseCommand):
    help = "Restaure une sauvegarde (ancrage backup) dans la base de DATABASE_URL et MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Dossier de la sauvegarde (ancrage.dump, media.tar.gz).")

    def handle(self, *args, folder, **options):
        source = Path(folder)
        dump, media = source / "ancrage.dump", source / "media.tar.gz"
        if not dump.exists() or not media.exists():
            raise CommandError(f"{source} ne contient pas ancrage.dump et media.tar.gz.")
        env = libpq_environment()
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={env['PGDATABASE']}",
                "--exit-on-error",
                str(dump),
            ],
            env=env,
            check=True,
        )
        target = Path(settings.MEDIA_ROOT)
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media) as archive:
            for member in archive.getmembers():
                if not member.name.startswith("media"):
                    continue
                member.name = member.name.removeprefix("media").lstrip("/")
                if member.name:
                    archive.extract(member, target, filter="data")
        self.stdout.write(f"Sauvegarde de {source} restaurée.")
