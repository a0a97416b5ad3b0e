import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0002_measures_admissions_separations_visits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The abstract CreatedRecord (ancrage.kernel.models) for who created a record and when: labels,
    # a reverse name and a Python default instead of auto_now_add, nothing in the tables (the
    # columns keep their types and nullability), so the state changes alone.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='judgenotification',
                    name='created_at',
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='créé le'),
                ),
                migrations.AlterField(
                    model_name='judgenotification',
                    name='created_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='%(app_label)s_%(class)s_created', to=settings.AUTH_USER_MODEL, verbose_name='créé par'),
                ),
                migrations.AlterField(
                    model_name='protectionmeasure',
                    name='created_at',
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='créé le'),
                ),
                migrations.AlterField(
                    model_name='protectionmeasure',
                    name='created_by',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='créé par'),
                ),
            ],
        ),
    ]
