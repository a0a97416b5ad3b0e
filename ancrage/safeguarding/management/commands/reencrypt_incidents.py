"""Re-encrypt the safeguarding encrypted columns (incidents, declarations, drafts) with the first
salt of SALT_KEY (rotation)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ancrage.safeguarding.models import Declaration, Incident, IncidentDraft

FIELDS = ["narrative", "immediate_measures", "adults_involved"]
# Every model with encrypted columns, and those columns.
ENCRYPTED = [
    (Incident, FIELDS),
    (Declaration, ["facts", "measures_taken", "media_impact"]),
    (IncidentDraft, ["data"]),
]


class Command(BaseCommand):
    help = (
        "Réécrit les champs chiffrés des signalements, déclarations et brouillons avec la clé "
        "courante (après rotation)."
    )

    def handle(self, *args, **options):
        counts = {}
        with transaction.atomic():
            for model, fields in ENCRYPTED:
                count = 0
                for row in model.objects.select_for_update().only("pk", *fields).iterator():
                    # Read with any key, written with the first one; the version is not touched.
                    row.save(update_fields=fields)
                    count += 1
                counts[model] = count
        self.stdout.write(
            f"{counts[Incident]} signalement(s), {counts[Declaration]} déclaration(s), "
            f"{counts[IncidentDraft]} brouillon(s) rechiffré(s)."
        )
