"""Every O2R write with its rule, in one transaction each; refusals are ValidationErrors with
French messages naming the field at fault."""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion.models import (
    ACCOMPANIMENT_MONTHS,
    AGE_FLAGS,
    AGREEMENT_YEARS,
    MINIMUM_AGREEMENT_EUROS,
    NO_CONTACT_MONTHS,
    TYPED_FLAGS,
    Accompaniment,
    AccompanimentAction,
    Activity,
    Attendance,
    Barrier,
    BarrierUpdate,
    Beneficiary,
    Contact,
    Eligibility,
    Exit,
    FollowUp,
    Objective,
    OutreachAction,
    PartnerReferral,
    PriorityPublic,
    Programme,
    TraineeRemuneration,
    VillageReferral,
)
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import Person

FOLLOW_UP_MONTHS = (3, 6)


# Programme --------------------------------------------------------------------------------
def _programme_errors(
    *, start_date, end_date, amount, organisation, consortium, services, target_publics
) -> dict:
    errors = {}
    if amount < MINIMUM_AGREEMENT_EUROS:
        errors["agreement_amount"] = _(
            "L'appel demande une convention d'au moins 150 000 € sur 3 ans."
        )
    if end_date <= start_date:
        errors["end_date"] = _("La fin doit suivre le début.")
    elif end_date > start_date + relativedelta(years=AGREEMENT_YEARS):
        errors["end_date"] = _("La convention couvre 3 ans au plus.")
    if (organisation is None) == (consortium is None):
        errors["organisation"] = _(
            "Le programme est porté soit par une organisation, soit par un consortium."
        )
    carriers = (
        {organisation.pk}
        if organisation
        else set(consortium.members.values_list("pk", flat=True)) | {consortium.lead_id}
        if consortium
        else set()
    )
    for service in services:
        if service.kind != Establishment.Kind.O2R_SERVICE:
            errors["services"] = _("« %(name)s » n'est pas un service O2R.") % {"name": service}
        elif service.organisation_id not in carriers:
            errors["services"] = _("« %(name)s » n'appartient pas au porteur du programme.") % {
                "name": service
            }
    unknown = set(target_publics) - set(PriorityPublic.values)
    if unknown:
        errors["target_publics"] = _("Public cible inconnu.")
    return errors


def _departements(departements):
    if isinstance(departements, str):
        return ",".join(d.strip() for d in departements.split(",") if d.strip())
    return ",".join(departements)


@transaction.atomic
def create_programme(
    *,
    name,
    call,
    region,
    departements,
    start_date,
    end_date,
    agreement_amount,
    organisation=None,
    consortium=None,
    services=(),
    efop_territories=(),
    target_publics=(),
) -> Programme:
    """An O2R programme: at least 150 000 € over 3 years at most, carried by one organisation
    or a consortium (not both), whose services belong to its carrier(s)."""
    return update_programme(
        Programme(),
        name=name,
        call=call,
        region=region,
        departements=departements,
        start_date=start_date,
        end_date=end_date,
        agreement_amount=agreement_amount,
        organisation=organisation,
        consortium=consortium,
        services=services,
        efop_territories=efop_territories,
        target_publics=target_publics,
    )


@transaction.atomic
def update_programme(
    programme: Programme,
    *,
    name,
    call,
    region,
    departements,
    start_date,
    end_date,
    agreement_amount,
    organisation=None,
    consortium=None,
    services=(),
    efop_territories=(),
    target_publics=(),
) -> Programme:
    """Create (an unsaved `programme`) or correct a programme, under the same rules."""
    amount = Decimal(agreement_amount)
    errors = _programme_errors(
        start_date=start_date,
        end_date=end_date,
        amount=amount,
        organisation=organisation,
        consortium=consortium,
        services=services,
        target_publics=target_publics,
    )
    if (
        name
        and Programme.objects.filter(name__iexact=name.strip()).exclude(pk=programme.pk).exists()
    ):
        errors["name"] = _("Un programme porte déjà ce nom.")
    if errors:
        raise ValidationError(errors)
    programme.name, programme.call, programme.region = name.strip(), call, region
    programme.departements = _departements(departements)
    programme.start_date, programme.end_date = start_date, end_date
    programme.agreement_amount = amount
    programme.organisation, programme.consortium = organisation, consortium
    programme.target_publics = list(target_publics)
    programme.save()
    programme.services.set(services)
    programme.efop_territories.set(efop_territories)
    return programme


def programme_for(team: Unit, on: date | None = None) -> Programme:
    """The programme the team's service runs on that day."""
    on = on or timezone.localdate()
    programme = (
        Programme.objects.filter(
            services=team.establishment_id, start_date__lte=on, end_date__gte=on
        )
        .order_by("-start_date")
        .first()
    )
    if programme is None:
        raise ValidationError(_("Aucun programme O2R en cours pour ce service à cette date."))
    return programme


# Repérage -----------------------------------------------------------------------------------
@transaction.atomic
def log_outreach_action(
    *, team, by, date, kind, place, commune, efop_territory, people_met, partners=""
) -> OutreachAction:
    if date > timezone.localdate():
        raise ValidationError({"date": _("Une action de repérage se saisit une fois faite.")})
    try:
        programme = programme_for(team, date)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from None
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
) -> Contact:
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("La rencontre ne peut pas être dans le futur.")})
    if next_step_on and next_step_on < met_on:
        raise ValidationError({"next_step_on": _("La suite ne peut pas précéder la rencontre.")})
    if outreach_action is not None and outreach_action.team_id != team.pk:
        raise ValidationError(
            {"outreach_action": _("Cette action n'est pas celle de votre équipe.")}
        )
    return Contact.objects.create(
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


def _consent_errors(consent_on, consent_how):
    errors = {}
    if consent_on is None:
        errors["consent_on"] = _("Indiquez la date du consentement.")
    elif consent_on > timezone.localdate():
        errors["consent_on"] = _("Le consentement ne peut pas être daté du futur.")
    if not (consent_how or "").strip():
        errors["consent_how"] = _("Indiquez comment le consentement a été recueilli.")
    return errors


@transaction.atomic
def convert_contact(
    contact: Contact,
    *,
    by,
    consent_on,
    consent_how,
    person=None,
    first_names="",
    last_name="",
    birth_date=None,
    sex=None,
) -> Beneficiary:
    """The contact agreed to be followed: a beneficiary, on an existing person (matched) or a
    new one; the contact stays attached as their history."""
    if contact.beneficiary_id:
        raise ValidationError(_("Ce contact est déjà un bénéficiaire."))
    errors = _consent_errors(consent_on, consent_how)
    if person is None:
        if not first_names.strip():
            errors["first_names"] = _("Le prénom est nécessaire pour ouvrir un dossier.")
        if not last_name.strip():
            errors["last_name"] = _("Le nom est nécessaire pour ouvrir un dossier.")
    if errors:
        raise ValidationError(errors)
    if person is None:
        person = Person.objects.create(
            first_names=first_names.strip(),
            last_name=last_name.strip(),
            birth_date=birth_date,
            sex=sex or contact.sex,
        )
    programme = programme_for(contact.team, consent_on)
    if Beneficiary.objects.filter(programme=programme, person=person).exists():
        raise ValidationError(_("Cette personne est déjà bénéficiaire du programme."))
    beneficiary = Beneficiary.objects.create(
        programme=programme,
        service_id=contact.service_id,
        team_id=contact.team_id,
        person=person,
        commune=contact.commune,
        efop_territory_id=contact.efop_territory_id,
        consent_on=consent_on,
        consent_how=consent_how.strip(),
        consent_by=by,
    )
    Contact.objects.filter(pk=contact.pk).update(beneficiary=beneficiary)
    contact.beneficiary = beneficiary
    return beneficiary


# Eligibility --------------------------------------------------------------------------------
def no_contact_since(last_contact_on: date | None, on: date) -> bool:
    """No contact with the réseau pour l'emploi for 5 months on that day: the last contact is
    on or before the same day 5 months earlier."""
    return last_contact_on is not None and last_contact_on <= on - relativedelta(
        months=NO_CONTACT_MONTHS
    )


def eligibility_basis(*, registered, suitable_accompaniment, last_contact_on, on):
    """The first basis that holds, in the order of the law (the "invisibles" first); None."""
    if not registered:
        return Eligibility.Basis.NOT_REGISTERED
    if not suitable_accompaniment:
        return Eligibility.Basis.NO_SUITABLE_ACCOMPANIMENT
    if no_contact_since(last_contact_on, on):
        return Eligibility.Basis.NO_RECENT_CONTACT
    return None


def age_flags(birth_date: date | None, on: date) -> list[str]:
    """Under 26 and 55 and over, from the birth date on the eligibility date."""
    if birth_date is None:
        return []
    age = relativedelta(on, birth_date).years
    if age < 26:
        return [PriorityPublic.UNDER_26]
    if age >= 55:
        return [PriorityPublic.AGED_55_PLUS]
    return []


@transaction.atomic
def check_eligibility(
    beneficiary: Beneficiary,
    *,
    by,
    checked_on,
    registered,
    suitable_accompaniment=False,
    last_contact_on=None,
    flags=(),
) -> Eligibility:
    """Record why the person belongs to the O2R public, or refuse when no basis holds. The
    age flags are worked out here and cannot be typed."""
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("La vérification ne peut pas être datée du futur.")})
    if last_contact_on and last_contact_on > checked_on:
        raise ValidationError(
            {"last_contact_on": _("Le dernier contact ne peut pas suivre la vérification.")}
        )
    typed = [flag for flag in flags if flag in TYPED_FLAGS]
    if set(flags) & set(AGE_FLAGS):
        raise ValidationError(
            {"flags": _("Les publics liés à l'âge se déduisent de la date de naissance.")}
        )
    basis = eligibility_basis(
        registered=registered,
        suitable_accompaniment=suitable_accompaniment,
        last_contact_on=last_contact_on,
        on=checked_on,
    )
    if basis is None:
        if last_contact_on is None:
            raise ValidationError(
                {
                    "last_contact_on": _(
                        "Non éligible : la personne est inscrite et accompagnée ; indiquez la "
                        "date du dernier contact avec le réseau pour l'emploi s'il date de 5 "
                        "mois ou plus."
                    )
                }
            )
        raise ValidationError(
            {
                "last_contact_on": _(
                    "Non éligible : inscrite à France Travail, accompagnée, et en contact avec le "
                    "réseau pour l'emploi depuis moins de 5 mois (dernier contact le %(date)s)."
                )
                % {"date": last_contact_on.strftime("%d/%m/%Y")}
            }
        )
    on = set(age_flags(beneficiary.person.birth_date, checked_on)) | set(typed)
    if beneficiary.source == Beneficiary.Source.VILLAGE:
        on.add(PriorityPublic.LEFT_CHILD_PROTECTION)
    for flag in PriorityPublic:
        setattr(beneficiary, flag.value, flag in on)
    beneficiary.save(update_fields=[flag.value for flag in PriorityPublic])
    eligibility, _created = Eligibility.objects.update_or_create(
        beneficiary=beneficiary,
        defaults={
            "basis": basis,
            "registered_with_france_travail": registered,
            "suitable_accompaniment": suitable_accompaniment,
            "last_network_contact_on": last_contact_on,
            "checked_on": checked_on,
            "checked_by": by,
        },
    )
    return eligibility


# Accompaniment ------------------------------------------------------------------------------
@transaction.atomic
def open_accompaniment(beneficiary: Beneficiary, *, by, start_date, referent) -> Accompaniment:
    if not Eligibility.objects.filter(beneficiary=beneficiary).exists():
        raise ValidationError(_("Vérifiez d'abord l'éligibilité de la personne."))
    if Accompaniment.objects.filter(beneficiary=beneficiary).exists():
        raise ValidationError(_("Un accompagnement est déjà ouvert."))
    if beneficiary.status == Beneficiary.Status.EXITED:
        raise ValidationError(_("La personne est sortie du dispositif."))
    if start_date < beneficiary.consent_on:
        raise ValidationError(
            {"start_date": _("L'accompagnement ne peut précéder le consentement.")}
        )
    accompaniment = Accompaniment.objects.create(
        beneficiary=beneficiary,
        start_date=start_date,
        referent=referent,
        limit_date=start_date + relativedelta(months=ACCOMPANIMENT_MONTHS),
    )
    Beneficiary.objects.filter(pk=beneficiary.pk).update(status=Beneficiary.Status.ACCOMPANIMENT)
    beneficiary.status = Beneficiary.Status.ACCOMPANIMENT
    return accompaniment


@transaction.atomic
def extend_accompaniment(accompaniment: Accompaniment, *, by, until, reason) -> Accompaniment:
    """From 9 months up to 12, only with a recorded reason (situations particulières)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("La prolongation au-delà de 9 mois exige un motif.")})
    if until > accompaniment.twelve_months_date:
        raise ValidationError(
            {
                "until": _("L'accompagnement ne peut dépasser 12 mois (jusqu'au %(date)s).")
                % {"date": accompaniment.twelve_months_date.strftime("%d/%m/%Y")}
            }
        )
    if until <= accompaniment.nine_months_date:
        raise ValidationError({"until": _("Une prolongation va au-delà des 9 mois.")})
    if accompaniment.end_date:
        raise ValidationError(_("L'accompagnement est terminé."))
    accompaniment.limit_date = until
    accompaniment.extension_reason = reason.strip()
    accompaniment.extended_on = timezone.localdate()
    accompaniment.extended_by = by
    accompaniment.save(
        update_fields=["limit_date", "extension_reason", "extended_on", "extended_by"]
    )
    return accompaniment


def limit_alert(accompaniment: Accompaniment, today: date | None = None) -> str | None:
    """ "near" within 30 days before the limit (the limit day included), "over" after it, for
    an open accompaniment; None otherwise."""
    if accompaniment.end_date:
        return None
    today = today or timezone.localdate()
    if today > accompaniment.limit_date:
        return "over"
    if today >= accompaniment.limit_date - relativedelta(days=30):
        return "near"
    return None


@transaction.atomic
def record_barrier(
    accompaniment, *, by, kind, situation, status=Barrier.Status.IDENTIFIED, on=None
) -> Barrier:
    """Open a barrier or record its new situation; each change stays in its history."""
    on = on or timezone.localdate()
    if not (situation or "").strip():
        raise ValidationError({"situation": _("Décrivez la situation.")})
    if on < accompaniment.start_date:
        raise ValidationError({"on": _("La date précède l'accompagnement.")})
    barrier, created = Barrier.objects.get_or_create(
        accompaniment=accompaniment,
        kind=kind,
        defaults={"status": status, "situation": situation, "updated_on": on},
    )
    if not created:
        if on < barrier.updated_on:
            raise ValidationError({"on": _("Une mise à jour plus récente existe déjà.")})
        barrier.status, barrier.situation, barrier.updated_on = status, situation, on
        barrier.save(update_fields=["status", "situation", "updated_on"])
    BarrierUpdate.objects.create(
        barrier=barrier, date=on, status=status, situation=situation, by=by
    )
    return barrier


@transaction.atomic
def add_objective(accompaniment, *, text, due_date=None) -> Objective:
    if not text.strip():
        raise ValidationError({"text": _("Écrivez l'objectif.")})
    return Objective.objects.create(
        accompaniment=accompaniment, text=text.strip(), due_date=due_date
    )


@transaction.atomic
def add_action(
    accompaniment, *, objective, text, actor, due_date=None, on=None
) -> AccompanimentAction:
    """An action towards one of the accompaniment's objectives still open: who acts, by when."""
    on = on or timezone.localdate()
    errors = {}
    if accompaniment.end_date:
        raise ValidationError(_("L'accompagnement est terminé."))
    if objective is None or objective.accompaniment_id != accompaniment.pk:
        errors["objective"] = _("Choisissez un objectif de cet accompagnement.")
    elif objective.closed:
        errors["objective"] = _("Cet objectif est déjà atteint ou abandonné.")
    if not (text or "").strip():
        errors["text"] = _("Décrivez l'action.")
    if actor not in AccompanimentAction.Actor.values:
        errors["actor"] = _("Indiquez qui agit.")
    if due_date and due_date < accompaniment.start_date:
        errors["due_date"] = _("L'échéance précède l'accompagnement.")
    if errors:
        raise ValidationError(errors)
    return AccompanimentAction.objects.create(
        accompaniment=accompaniment,
        objective=objective,
        date=on,
        text=text.strip(),
        actor=actor,
        due_date=due_date,
    )


@transaction.atomic
def complete_action(action: AccompanimentAction, *, on) -> AccompanimentAction:
    """Mark an action done, on a day between its recording and today."""
    action = AccompanimentAction.objects.select_for_update().get(pk=action.pk)
    if action.status == AccompanimentAction.Status.DONE:
        raise ValidationError(_("Cette action est déjà faite."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("La date ne peut être dans le futur.")})
    if on < action.date:
        raise ValidationError({"on": _("L'action ne peut être faite avant d'être prévue.")})
    action.status, action.done_on = AccompanimentAction.Status.DONE, on
    action.save(update_fields=["status", "done_on"])
    return action


OBJECTIVE_OUTCOMES = ("achieved", "abandoned")


@transaction.atomic
def close_objective(objective: Objective, *, outcome, on) -> Objective:
    """An objective is achieved or abandoned, once, on a day within the accompaniment."""
    objective = (
        Objective.objects.select_for_update().select_related("accompaniment").get(pk=objective.pk)
    )
    if objective.closed:
        raise ValidationError(_("Cet objectif est déjà atteint ou abandonné."))
    if outcome not in OBJECTIVE_OUTCOMES:
        raise ValidationError({"outcome": _("Choisissez : atteint ou abandonné.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("La date ne peut être dans le futur.")})
    if on < objective.accompaniment.start_date:
        raise ValidationError({"on": _("La date précède l'accompagnement.")})
    field = "achieved_on" if outcome == "achieved" else "abandoned_on"
    setattr(objective, field, on)
    objective.save(update_fields=[field])
    return objective


@transaction.atomic
def refer_to_partner(accompaniment, *, date, partner, purpose) -> PartnerReferral:
    if date < accompaniment.start_date:
        raise ValidationError({"date": _("La date précède l'accompagnement.")})
    return PartnerReferral.objects.create(
        accompaniment=accompaniment, date=date, partner=partner, purpose=purpose
    )


@transaction.atomic
def add_remuneration(accompaniment, *, start_date, end_date) -> TraineeRemuneration:
    """A trainee-remuneration period, inside the accompaniment (its limit, or its end)."""
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fin doit suivre le début.")})
    last = accompaniment.end_date or accompaniment.limit_date
    if start_date < accompaniment.start_date or end_date > last:
        raise ValidationError(
            {
                "end_date": _(
                    "La rémunération doit être comprise dans l'accompagnement "
                    "(du %(start)s au %(end)s)."
                )
                % {
                    "start": accompaniment.start_date.strftime("%d/%m/%Y"),
                    "end": last.strftime("%d/%m/%Y"),
                }
            }
        )
    if accompaniment.remunerations.filter(
        start_date__lte=end_date, end_date__gte=start_date
    ).exists():
        raise ValidationError({"start_date": _("Cette période chevauche une autre rémunération.")})
    return TraineeRemuneration.objects.create(
        accompaniment=accompaniment, start_date=start_date, end_date=end_date
    )


# Exit and follow-ups -----------------------------------------------------------------------
@transaction.atomic
def record_exit(beneficiary: Beneficiary, *, by, date, reason, note="") -> Exit:
    """The exit closes the accompaniment and schedules the follow-ups at 3 and 6 months."""
    if Exit.objects.filter(beneficiary=beneficiary).exists():
        raise ValidationError(_("La sortie est déjà enregistrée."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("La sortie ne peut pas être datée du futur.")})
    if date < beneficiary.consent_on:
        raise ValidationError(
            {"date": _("La sortie ne peut précéder l'entrée dans le dispositif.")}
        )
    accompaniment = Accompaniment.objects.filter(beneficiary=beneficiary).first()
    if accompaniment and date < accompaniment.start_date:
        raise ValidationError(
            {"date": _("La sortie ne peut précéder le début de l'accompagnement.")}
        )
    exit_ = Exit.objects.create(beneficiary=beneficiary, date=date, reason=reason, note=note, by=by)
    FollowUp.objects.bulk_create(
        FollowUp(exit=exit_, months=m, due_date=date + relativedelta(months=m))
        for m in FOLLOW_UP_MONTHS
    )
    if accompaniment:
        Accompaniment.objects.filter(pk=accompaniment.pk).update(end_date=date)
    Beneficiary.objects.filter(pk=beneficiary.pk).update(status=Beneficiary.Status.EXITED)
    beneficiary.status = Beneficiary.Status.EXITED
    return exit_


@transaction.atomic
def record_follow_up(follow_up: FollowUp, *, recorded_on, situation, note="") -> FollowUp:
    if recorded_on < follow_up.exit.date:
        raise ValidationError({"recorded_on": _("Le suivi suit la sortie.")})
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("Le suivi ne peut pas être daté du futur.")})
    follow_up.recorded_on, follow_up.situation, follow_up.note = recorded_on, situation, note
    follow_up.save(update_fields=["recorded_on", "situation", "note"])
    return follow_up


# Remobilisation -----------------------------------------------------------------------------
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
    if date > timezone.localdate():
        errors["date"] = _("Une activité se saisit une fois tenue.")
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(
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
    return activity


# From the villages ---------------------------------------------------------------------------
@transaction.atomic
def refer_from_village(
    person: Person, *, village, service, by, consent_on, consent_how, consent_text
) -> VillageReferral:
    """A head of service or director refers a young person of 16 or over, with their consent."""
    errors = _consent_errors(consent_on, consent_how)
    if not (consent_text or "").strip():
        errors["consent_text"] = _("Notez ce que le jeune a accepté.")
    age = person.age()
    if age is None or age < 16:
        errors["__all__"] = _("L'orientation vers l'O2R concerne les jeunes de 16 ans et plus.")
    if service.kind != Establishment.Kind.O2R_SERVICE:
        errors["service"] = _("Choisissez un service O2R.")
    if VillageReferral.objects.filter(person=person, service=service, status="pending").exists():
        errors["__all__"] = _("Une orientation vers ce service est déjà en attente.")
    if errors:
        raise ValidationError(errors)
    return VillageReferral.objects.create(
        person=person,
        village=village,
        service=service,
        referred_by=by,
        consent_on=consent_on,
        consent_how=consent_how.strip(),
        consent_text=consent_text.strip(),
    )


@transaction.atomic
def accept_referral(referral: VillageReferral, *, team, by, commune, efop_territory) -> Beneficiary:
    """The counsellor welcomes the young person: a beneficiary on the same person, flagged
    "left child protection", the village's consent carried over."""
    referral = VillageReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != VillageReferral.Status.PENDING:
        raise ValidationError(_("Cette orientation a déjà été traitée."))
    if team.establishment_id != referral.service_id:
        raise ValidationError(_("Cette orientation est adressée à un autre service."))
    programme = programme_for(team)
    if Beneficiary.objects.filter(programme=programme, person=referral.person).exists():
        raise ValidationError(_("Cette personne est déjà bénéficiaire du programme."))
    beneficiary = Beneficiary.objects.create(
        programme=programme,
        service_id=referral.service_id,
        team=team,
        person=referral.person,
        source=Beneficiary.Source.VILLAGE,
        commune=commune,
        efop_territory=efop_territory,
        consent_on=referral.consent_on,
        consent_how=referral.consent_how,
        consent_by=referral.referred_by,
        left_child_protection=True,
    )
    referral.status = VillageReferral.Status.ACCEPTED
    referral.beneficiary = beneficiary
    referral.save(update_fields=["status", "beneficiary"])
    return beneficiary
