import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insertion", "0014_fill_record_programmes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contacts",
                to="insertion.programme",
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="insertion.programme",
            ),
        ),
    ]
