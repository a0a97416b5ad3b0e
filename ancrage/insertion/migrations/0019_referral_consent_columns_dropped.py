# The referral's own consent columns, copied into `people.Consent` by 0018, dropped.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('insertion', '0018_referral_consent_is_a_consent'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='villagereferral',
            name='consent_how',
        ),
        migrations.RemoveField(
            model_name='villagereferral',
            name='consent_on',
        ),
        migrations.RemoveField(
            model_name='villagereferral',
            name='consent_text',
        ),
        migrations.AlterField(
            model_name='villagereferral',
            name='consent',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='village_referral', to='people.consent', verbose_name='consentement au partage'),
        ),
    ]
