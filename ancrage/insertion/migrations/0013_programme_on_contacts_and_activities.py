import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insertion", "0012_contact_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="programme",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contacts",
                to="insertion.programme",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="programme",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="insertion.programme",
            ),
        ),
    ]
