"""Re-encrypt the safeguarding encrypted columns (incidents, declarations, drafts) with the first
salt of SALT_KEY (rotation), now or through a worker."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ancrage.safeguarding.rotation import reencrypt
from ancrage.safeguarding.tasks import reencrypt_encrypted_columns


class Command(BaseCommand):
    help = (
        "Réécrit les champs chiffrés des signalements, déclarations et brouillons avec la clé "
        "courante (après rotation)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Confier le rechiffrement à un worker (ancrage worker) : pour une grande base.",
        )
        parser.add_argument(
            "--batch", type=int, default=500, help="Lignes rechiffrées par transaction."
        )

    def handle(self, *args, queue, batch, **options):
        if queue:
            reencrypt_encrypted_columns.enqueue()
            self.stdout.write("Rechiffrement confié au worker.")
            return
        counts = reencrypt(batch)
        incidents = counts["safeguarding.incident"]
        declarations = counts["safeguarding.declaration"]
        drafts = counts["safeguarding.incidentdraft"]
        self.stdout.write(
            ngettext("%d signalement", "%d signalements", incidents) % incidents
            + ", "
            + ngettext("%d déclaration", "%d déclarations", declarations) % declarations
            + ", "
            + ngettext("%d brouillon rechiffré.", "%d brouillons rechiffrés.", drafts) % drafts
        )
