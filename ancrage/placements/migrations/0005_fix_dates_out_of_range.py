"""Dates stored before the ranges were held (a year 1, a year 9999) are brought inside the outer
window the next migration's constraints hold: emptied where the field may be empty, else moved to
the nearest edge. The counts are logged, never the records."""

from django.db import migrations

from ancrage.kernel.dates import fix_out_of_range

FIELDS = [
    ("placements", "ProtectionMeasure", "start_date", False),
    ("placements", "ProtectionMeasure", "end_date", True),
    ("placements", "ProtectionMeasure", "review_date", True),
    ("placements", "Stay", "start_date", False),
    ("placements", "Stay", "end_date", True),
    ("placements", "VisitRight", "start_date", False),
    ("placements", "VisitRight", "end_date", True),
    ("placements", "Visit", "starts_at", False),
    ("placements", "Visit", "ends_at", False),
    ("placements", "AdmissionRequest", "wished_start_date", True),
]


def fix(apps, schema_editor):
    fix_out_of_range([(apps.get_model(app, model), field, nullable) for app, model, field, nullable in FIELDS])


class Migration(migrations.Migration):
    dependencies = [("placements", "0004_document_names_from_kind_and_date")]

    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
