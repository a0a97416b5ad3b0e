"""Outreach actions and contacts keep who created them and when through the kernel's
CreatedRecord: the same columns, so the change is the fields' state only (labels, the reverse
name, a default in place of auto_now_add); no SQL runs."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def created_fields(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="créé le"
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_created",
                to=settings.AUTH_USER_MODEL,
                verbose_name="créé par",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("insertion", "0003_contact_first_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=created_fields("contact") + created_fields("outreachaction")
        ),
    ]
