# The image consents are now `people.Consent` (state only: people's migration 0007 took the
# table over).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_consent_from_privacy'),
        ('privacy', '0004_request_decision'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImageConsent')],
            database_operations=[],
        ),
    ]
