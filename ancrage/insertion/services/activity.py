"""Remobilisation activities and their attendance."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion.models import (
    Activity,
    Attendance,
)
from ancrage.insertion.summary import record_change


@transaction.atomic
def record_activity(
    *, team, by, format, kind, title, date, duration_minutes, attendees
) -> Activity:
    attendees = list(attendees)
    errors = {}
    if not duration_minutes or duration_minutes <= 0:
        errors["duration_minutes"] = _("Indiquez la durée en minutes.")
    if not attendees:
        errors["attendees"] = _("Cochez au moins une personne présente.")
    elif format == Activity.Format.INDIVIDUAL and len(attendees) != 1:
        errors["attendees"] = _("Une activité individuelle concerne une seule personne.")
    if any(b.service_id != team.establishment_id for b in attendees):
        errors["attendees"] = _("Une personne cochée n'est pas suivie par votre service.")
    elif len({b.programme_id for b in attendees}) > 1:
        # The activity is counted in its attendees' programme: never two at once.
        errors["attendees"] = _(
            "Les personnes cochées relèvent de deux programmes : saisissez une activité par "
            "programme."
        )
    if date > timezone.localdate():
        errors["date"] = _("Une activité se saisit une fois tenue.")
    elif "attendees" not in errors:
        # Nobody takes part in the programme before agreeing to be followed.
        early = sorted(str(b) for b in attendees if date < b.consent_on)
        if early:
            errors["attendees"] = _(
                "Activité du %(date)s antérieure au consentement de : %(names)s."
            ) % {"date": date.strftime("%d/%m/%Y"), "names": ", ".join(early)}
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(
        programme_id=attendees[0].programme_id,
        service_id=team.establishment_id,
        team=team,
        format=format,
        kind=kind,
        title=title,
        date=date,
        duration_minutes=duration_minutes,
        created_by=by,
    )
    Attendance.objects.bulk_create(Attendance(activity=activity, beneficiary=b) for b in attendees)
    record_change(activity.programme_id)
    return activity
