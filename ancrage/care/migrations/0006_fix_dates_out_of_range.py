"""Dates stored before the ranges were held (a year 1, a year 9999) are brought inside the outer
window the next migration's constraints hold: emptied where the field may be empty, else moved to
the nearest edge. The counts are logged, never the records."""

from django.db import migrations

from ancrage.kernel.dates import fix_out_of_range

FIELDS = [
    ("care", "Appointment", "starts_at", False),
    ("care", "Appointment", "ends_at", False),
    ("care", "Review", "held_on", False),
    ("care", "PlannedReview", "planned_date", False),
]


def fix(apps, schema_editor):
    fix_out_of_range([(apps.get_model(app, model), field, nullable) for app, model, field, nullable in FIELDS])


class Migration(migrations.Migration):
    dependencies = [("care", "0005_created_record")]

    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
