"""Repérage: outreach actions and contacts, saved once they happened."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion import tallies
from ancrage.insertion.models import (
    Contact,
    OutreachAction,
)
from ancrage.insertion.services.programme import programme_for
from ancrage.insertion.summary import record_change


@transaction.atomic
def log_outreach_action(
    *, team, by, date, kind, place, commune, efop_territory, people_met, partners="", programme=None
) -> OutreachAction:
    if date > timezone.localdate():
        raise ValidationError({"date": _("Une action de repérage se saisit une fois faite.")})
    try:
        programme = programme_for(team, date, programme)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from None
    record_change(programme)
    return OutreachAction.objects.create(
        programme=programme,
        service_id=team.establishment_id,
        team=team,
        date=date,
        kind=kind,
        place=place,
        commune=commune,
        efop_territory=efop_territory,
        people_met=people_met,
        partners=partners,
        created_by=by,
    )


@transaction.atomic
def record_contact(
    *,
    team,
    by,
    met_on,
    nickname,
    commune,
    efop_territory,
    age_bracket="unknown",
    sex="X",
    next_step=Contact.NextStep.MEET_AGAIN,
    next_step_on=None,
    note="",
    outreach_action=None,
    programme=None,
) -> Contact:
    """A person met, counted in the programme of their outreach action, else in `programme` (or
    the one the service runs that day)."""
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("La rencontre ne peut pas être dans le futur.")})
    if next_step_on and next_step_on < met_on:
        raise ValidationError({"next_step_on": _("La suite ne peut pas précéder la rencontre.")})
    if outreach_action is not None and outreach_action.team_id != team.pk:
        raise ValidationError(
            {"outreach_action": _("Cette action n'est pas celle de votre équipe.")}
        )
    if outreach_action is not None:
        if programme is not None and programme.pk != outreach_action.programme_id:
            raise ValidationError(
                {"programme": _("L'action de repérage choisie relève d'un autre programme.")}
            )
        programme = outreach_action.programme
    else:
        try:
            programme = programme_for(team, met_on, programme)
        except ValidationError as error:
            raise ValidationError({"met_on": error.messages}) from None
    record_change(programme)
    contact = Contact.objects.create(
        programme=programme,
        service_id=team.establishment_id,
        team=team,
        outreach_action=outreach_action,
        met_on=met_on,
        nickname=nickname,
        commune=commune,
        efop_territory=efop_territory,
        age_bracket=age_bracket,
        sex=sex,
        next_step=next_step,
        next_step_on=next_step_on,
        note=note,
        created_by=by,
    )
    tallies.contact_added(contact)
    return contact
