"""The flags worked out, never typed, corrected on the files already checked: "Femme" from the
recorded sex (typed by hand until now, it disagreed with it); the age publics on the consent
date (the report's one reference date), only where the programme targets them (all of its
départements: no programme had priority départements before this migration)."""

from django.db import migrations

from ancrage.kernel.calendar import age_on


def derive(apps, schema_editor):
    Beneficiary = apps.get_model("insertion", "Beneficiary")
    checked = Beneficiary.objects.filter(eligibility__isnull=False).select_related(
        "person", "programme", "efop_territory"
    )
    for beneficiary in checked.iterator(chunk_size=2000):
        person, programme = beneficiary.person, beneficiary.programme
        codes = [code.strip() for code in programme.departements.split(",") if code.strip()]
        age = age_on(person.birth_date, beneficiary.consent_on) if person.birth_date else None

        def priority(public, applies):
            return bool(
                applies
                and public in programme.target_publics
                and beneficiary.efop_territory.departement in codes
            )

        flags = {
            "woman": person.sex == "F",
            "under_26": priority("under_26", age is not None and age < 26),
            "aged_55_plus": priority("aged_55_plus", age is not None and age >= 55),
        }
        if any(getattr(beneficiary, name) != value for name, value in flags.items()):
            Beneficiary.objects.filter(pk=beneficiary.pk).update(**flags)


class Migration(migrations.Migration):
    dependencies = [("insertion", "0006_programme_priority_departements")]

    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
