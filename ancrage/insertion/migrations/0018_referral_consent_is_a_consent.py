# A village referral's consent becomes one of the young person's consents (`people.Consent`, kind
# "partner_sharing", the O2R service its partner): each referral's consent copied here, its own
# columns dropped by 0019 (a migration of its own: PostgreSQL alters no table with the copy's
# deferred checks still pending in the same transaction).

import django.db.models.deletion
from django.db import migrations, models


def referral_consents_to_consents(apps, schema_editor):
    VillageReferral = apps.get_model("insertion", "VillageReferral")
    Consent = apps.get_model("people", "Consent")
    for referral in VillageReferral.objects.filter(consent__isnull=True).select_related("person"):
        person = referral.person
        referral.consent = Consent.objects.create(
            person_id=referral.person_id,
            kind="partner_sharing",
            use="",
            partner_id=referral.service_id,
            given_by="self",
            signatories=f"{person.first_names} {person.last_name}".strip()[:300] or "-",
            child_opinion="agrees",
            form=referral.consent_how,
            terms=referral.consent_text,
            given_on=referral.consent_on,
            recorded_by_id=referral.referred_by_id,
            recorded_at=referral.referred_at,
        )
        referral.save(update_fields=["consent"])


def consents_back_to_referrals(apps, schema_editor):
    VillageReferral = apps.get_model("insertion", "VillageReferral")
    for referral in VillageReferral.objects.select_related("consent"):
        referral.consent_on = referral.consent.given_on
        referral.consent_how = referral.consent.form
        referral.consent_text = referral.consent.terms
        referral.save(update_fields=["consent_on", "consent_how", "consent_text"])


class Migration(migrations.Migration):

    dependencies = [
        ('insertion', '0017_beneficiary_situation'),
        ('people', '0008_consent_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='villagereferral',
            name='consent',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='village_referral', to='people.consent', verbose_name='consentement au partage'),
        ),
        # Nullable before they go, so that going back re-adds them on existing rows (and fills them
        # before they are required again).
        migrations.AlterField(
            model_name='villagereferral',
            name='consent_on',
            field=models.DateField(null=True, verbose_name='consentement recueilli le'),
        ),
        migrations.AlterField(
            model_name='villagereferral',
            name='consent_how',
            field=models.CharField(max_length=200, null=True, verbose_name='forme du consentement'),
        ),
        migrations.AlterField(
            model_name='villagereferral',
            name='consent_text',
            field=models.TextField(null=True, verbose_name='ce que le jeune a accepté'),
        ),
        migrations.RunPython(referral_consents_to_consents, consents_back_to_referrals),
    ]
