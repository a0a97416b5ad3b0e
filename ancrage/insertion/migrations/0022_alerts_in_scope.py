"""The file's service and team copied on its accompaniment and follow-ups, and the O2R home's
partial indexes led by them: the alerts of a service or a team counted from its own index."""

import django.db.models.deletion
from django.db import migrations, models

# Correlated subqueries: PostgreSQL and SQLite alike.
FILL = [
    "UPDATE insertion_accompaniment SET "
    "service_id = (SELECT b.service_id FROM insertion_beneficiary b "
    "WHERE b.id = insertion_accompaniment.beneficiary_id), "
    "team_id = (SELECT b.team_id FROM insertion_beneficiary b "
    "WHERE b.id = insertion_accompaniment.beneficiary_id)",
    "UPDATE insertion_followup SET "
    "service_id = (SELECT b.service_id FROM insertion_exit e JOIN insertion_beneficiary b "
    "ON b.id = e.beneficiary_id WHERE e.id = insertion_followup.exit_id), "
    "team_id = (SELECT b.team_id FROM insertion_exit e JOIN insertion_beneficiary b "
    "ON b.id = e.beneficiary_id WHERE e.id = insertion_followup.exit_id)",
]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in FILL:
            cursor.execute(sql)
        if schema_editor.connection.vendor == "postgresql":
            # the new foreign keys checked now: the columns are altered next, in this transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def scope_fields(null):
    return [
        (
            "service",
            models.ForeignKey(
                db_index=False,
                null=null,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisation.establishment",
            ),
        ),
        (
            "team",
            models.ForeignKey(
                db_index=False,
                null=null,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisation.unit",
            ),
        ),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("insertion", "0021_tally"),
        ("organisation", "0002_french_order_of_names"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ("accompaniment", "followup")
            for name, field in scope_fields(null=True)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=model, name=name, field=field)
            for model in ("accompaniment", "followup")
            for name, field in scope_fields(null=False)
        ),
        migrations.RemoveIndex(model_name="accompaniment", name="accompaniment_open_limit_idx"),
        migrations.RemoveIndex(model_name="followup", name="follow_up_open_due_idx"),
        migrations.AddIndex(
            model_name="accompaniment",
            index=models.Index(
                condition=models.Q(("end_date__isnull", True)),
                fields=["service", "limit_date", "id"],
                name="accompaniment_service_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="accompaniment",
            index=models.Index(
                condition=models.Q(("end_date__isnull", True)),
                fields=["team", "limit_date", "id"],
                name="accompaniment_team_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("recorded_on__isnull", True)),
                fields=["service", "due_date", "id"],
                name="follow_up_service_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("recorded_on__isnull", True)),
                fields=["team", "due_date", "id"],
                name="follow_up_team_open_idx",
            ),
        ),
    ]
