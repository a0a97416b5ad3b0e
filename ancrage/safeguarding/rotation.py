"""Key rotation of the safeguarding encrypted columns: every row re-saved with the first salt of
SALT_KEY (FIELD_ENCRYPTION_SALTS). Rows are taken in primary-key order, a batch per transaction,
so a large table is never locked whole and an interrupted run is simply run again: re-encrypting
a row already under the new key changes nothing but its ciphertext."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from ancrage.safeguarding.models import Declaration, Incident, IncidentDraft

logger = logging.getLogger(__name__)

# Every model with encrypted columns, and those columns.
ENCRYPTED = [
    (Incident, ["narrative", "immediate_measures", "adults_involved"]),
    (Declaration, ["facts", "measures_taken", "media_impact"]),
    (IncidentDraft, ["data"]),
]
BATCH = 500


def reencrypt(
    batch: int = BATCH, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-save every encrypted row with the current key; returns the count per model label."""
    counts = {}
    for model, fields in ENCRYPTED:
        label, count, after = model._meta.label_lower, 0, None
        while True:
            with transaction.atomic():
                rows = model.objects.select_for_update().only("pk", *fields).order_by("pk")
                if after is not None:
                    rows = rows.filter(pk__gt=after)
                taken = list(rows[:batch])
                for row in taken:
                    # Read with any key, written with the first one; the version is not touched.
                    row.save(update_fields=fields)
            if not taken:
                break
            after, count = taken[-1].pk, count + len(taken)
            if progress:
                progress(label, count)
        counts[label] = count
        logger.info("Re-encrypted %s rows of %s", count, label)
    return counts
