"""The qualification's checkboxes "information préoccupante (CRIP)" and "signalement au
procureur (copie au département)" become transmission records, so that nothing is lost when
they are removed (0006): one record per box ticked, addressed as the checkbox said (the CRIP of
the village's département; the procureur, with the copy to the président du conseil
départemental), created by whoever first qualified the incident, at that moment. When and by
whom it was transmitted was never recorded: those stay empty, for the team to complete.
Backwards, the boxes are ticked again for the incidents that have such a record."""

from django.db import migrations

IP = "information_preoccupante"
SIGNALEMENT = "signalement"


def forwards(apps, schema_editor):
    Incident = apps.get_model("safeguarding", "Incident")
    IncidentTransition = apps.get_model("safeguarding", "IncidentTransition")
    Transmission = apps.get_model("safeguarding", "Transmission")
    incidents = Incident.objects.filter(information_preoccupante=True) | Incident.objects.filter(
        signalement=True
    )
    rows = []
    for incident in incidents.select_related("establishment").order_by("pk").iterator():
        qualification = (
            IncidentTransition.objects.filter(incident=incident, to_status="qualified")
            .order_by("at", "pk")
            .first()
        )
        author_id = qualification.author_id if qualification else incident.reporter_id
        at = qualification.at if qualification else (incident.qualified_at or incident.reported_at)
        departement = incident.establishment.departement
        common = {"incident_id": incident.pk, "created_by_id": author_id, "created_at": at}
        if incident.information_preoccupante:
            rows.append(
                Transmission(
                    kind=IP,
                    recipient=f"CRIP du département ({departement})",
                    **common,
                )
            )
        if incident.signalement:
            rows.append(
                Transmission(
                    kind=SIGNALEMENT,
                    recipient="Procureur de la République",
                    copy_to=f"Président du conseil départemental ({departement})",
                    **common,
                )
            )
    Transmission.objects.bulk_create(rows, batch_size=1000)


def backwards(apps, schema_editor):
    Incident = apps.get_model("safeguarding", "Incident")
    Transmission = apps.get_model("safeguarding", "Transmission")
    for kind in (IP, SIGNALEMENT):
        Incident.objects.filter(
            pk__in=Transmission.objects.filter(kind=kind).values("incident_id")
        ).update(**{kind: True})
    Transmission.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0004_transmission"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
