"""Each contact and activity gets the programme it was recorded for: a contact its outreach
action's, else its beneficiary's, else the programme its service ran on the day it was met; an
activity its attendees' programme, else the programme its service ran on its day (the newest
one when none ran that day)."""

from django.db import migrations


def service_programme(Programme, service_id, day):
    programmes = Programme.objects.filter(services=service_id).order_by("-start_date", "pk")
    running = programmes.filter(start_date__lte=day, end_date__gte=day).first()
    return running or programmes.first()


def fill(apps, schema_editor):
    Programme = apps.get_model("insertion", "Programme")
    Contact = apps.get_model("insertion", "Contact")
    Activity = apps.get_model("insertion", "Activity")
    Attendance = apps.get_model("insertion", "Attendance")
    for contact in Contact.objects.filter(programme__isnull=True).select_related(
        "outreach_action", "beneficiary"
    ):
        if contact.outreach_action_id:
            programme_id = contact.outreach_action.programme_id
        elif contact.beneficiary_id:
            programme_id = contact.beneficiary.programme_id
        else:
            found = service_programme(Programme, contact.service_id, contact.met_on)
            programme_id = found.pk if found else None
        if programme_id:
            Contact.objects.filter(pk=contact.pk).update(programme_id=programme_id)
    for activity in Activity.objects.filter(programme__isnull=True):
        programme_id = (
            Attendance.objects.filter(activity_id=activity.pk)
            .values_list("beneficiary__programme_id", flat=True)
            .order_by("pk")
            .first()
        )
        if programme_id is None:
            found = service_programme(Programme, activity.service_id, activity.date)
            programme_id = found.pk if found else None
        if programme_id:
            Activity.objects.filter(pk=activity.pk).update(programme_id=programme_id)


class Migration(migrations.Migration):
    dependencies = [
        ("insertion", "0013_programme_on_contacts_and_activities"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
