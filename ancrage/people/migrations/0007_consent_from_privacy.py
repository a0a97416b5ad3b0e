# The image consents move from privacy to people, where every app may record a consent (the
# O2R referral's consent to share with a partner among them): state only, the table is renamed
# by the next migration.

import ancrage.kernel.dates
import datetime
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_lock_version'),
        ('privacy', '0004_request_decision'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('use', models.CharField(choices=[('internal', 'Usage interne (albums, affichage au village)'), ('publications', "Publications de l'association (site, journal, réseaux)"), ('press', 'Presse et médias')], max_length=15, verbose_name='usage')),
                        ('given_by', models.CharField(choices=[('parents', "Les titulaires de l'autorité parentale"), ('delegate', "Le tuteur ou le service délégataire de l'autorité parentale"), ('self', 'La personne elle-même (majeure)')], max_length=10, verbose_name='donné par')),
                        ('signatories', models.CharField(max_length=300, verbose_name='signataires')),
                        ('child_opinion', models.CharField(choices=[('agrees', "D'accord"), ('opposes', "S'y oppose"), ('not_able', 'Trop jeune pour donner son avis'), ('adult', 'Majeure : consent elle-même')], max_length=10, verbose_name="avis de l'enfant")),
                        ('child_words', models.TextField(blank=True, verbose_name='ses mots')),
                        ('given_on', models.DateField(validators=[ancrage.kernel.dates.InRange('past')], verbose_name='donné le')),
                        ('expires_on', models.DateField(validators=[ancrage.kernel.dates.InRange('event')], verbose_name="valable jusqu'au")),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='enregistré le')),
                        ('withdrawn_on', models.DateField(blank=True, null=True, verbose_name='retiré le')),
                        ('withdrawal_note', models.TextField(blank=True, verbose_name="retrait : qui l'a demandé, comment")),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person', verbose_name='personne')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': "consentement au droit à l'image",
                        'verbose_name_plural': "consentements au droit à l'image",
                        'ordering': ['use', '-given_on', '-pk'],
                        'db_table': 'privacy_imageconsent',
                        'constraints': [models.CheckConstraint(condition=models.Q(('given_on__isnull', True), models.Q(('given_on__gte', datetime.date(1900, 1, 1)), ('given_on__lte', datetime.date(2199, 12, 31))), _connector='OR'), name='image_consent_given_on_in_window'), models.CheckConstraint(condition=models.Q(('expires_on__isnull', True), models.Q(('expires_on__gte', datetime.date(1900, 1, 1)), ('expires_on__lte', datetime.date(2199, 12, 31))), _connector='OR'), name='image_consent_expires_on_in_window'), models.CheckConstraint(condition=models.Q(('expires_on__gt', models.F('given_on'))), name='image_consent_expires_after_given'), models.CheckConstraint(condition=models.Q(models.Q(('withdrawn_by__isnull', True), ('withdrawn_on__isnull', True)), models.Q(('withdrawn_by__isnull', False), ('withdrawn_on__isnull', False)), _connector='OR'), name='image_consent_withdrawal_whole')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
