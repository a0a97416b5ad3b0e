"""Documents attached before 2026-12-05 kept a part of the name the browser sent; they are shown
from now on under a name made of their kind and the day they came, as new ones are."""

from django.db import migrations
from django.utils import timezone

# The kinds' French labels as slugs, as kernel.uploads.display_name writes them today.
STEMS = {"judgment": "jugement", "ase_decision": "decision-de-l-ase", "other": "autre-piece"}
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def rename(apps, schema_editor):
    MeasureDocument = apps.get_model("placements", "MeasureDocument")
    for document in MeasureDocument.objects.order_by("pk").iterator():
        day = timezone.localdate(document.uploaded_at)
        document.original_name = (
            f"{STEMS.get(document.kind, 'piece')}-{day.isoformat()}"
            f"{EXTENSIONS.get(document.content_type, '')}"
        )
        document.save(update_fields=["original_name"])


class Migration(migrations.Migration):
    dependencies = [("placements", "0003_created_record")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
