"""Re-encrypt the incidents' encrypted columns with the first salt of SALT_KEY (rotation)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ancrage.safeguarding.models import Incident

FIELDS = ["narrative", "immediate_measures", "adults_involved"]


class Command(BaseCommand):
    help = "Réécrit les champs chiffrés des signalements avec la clé courante (après rotation)."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for incident in Incident.objects.select_for_update().only("pk", *FIELDS).iterator():
                # Read with any key, written with the first one; the version is not touched.
                incident.save(update_fields=FIELDS)
                count += 1
        self.stdout.write(f"{count} signalement(s) rechiffré(s).")
