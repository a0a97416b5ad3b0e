"""A beneficiary's file: a contact converted with consent, the eligibility and its priority
publics, the exit and the follow-ups at 3 and 6 months."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion import tallies
from ancrage.insertion.models import (
    AGE_FLAGS,
    NO_CONTACT_MONTHS,
    SITUATION_FIELDS,
    TYPED_FLAGS,
    Accompaniment,
    Beneficiary,
    Contact,
    Eligibility,
    Exit,
    FollowUp,
    PriorityPublic,
    Programme,
)
from ancrage.insertion.services.programme import programme_for
from ancrage.insertion.summary import record_change
from ancrage.kernel.calendar import add_months, age_on
from ancrage.kernel.versions import locked
from ancrage.people.models import Person

FOLLOW_UP_MONTHS = (3, 6)


def consent_errors(consent_on, consent_how):
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
    errors = consent_errors(consent_on, consent_how)
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
    # The contact's programme when it still runs on the consent date, else the one that does.
    programme = Programme.objects.filter(
        pk=contact.programme_id,
        services=contact.service_id,
        start_date__lte=consent_on,
        end_date__gte=consent_on,
    ).first() or programme_for(contact.team, consent_on)
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
    tallies.beneficiary_added(beneficiary)
    if not tallies.link_contact(contact, beneficiary):
        raise ValidationError(_("Ce contact est déjà un bénéficiaire."))
    record_change(programme)
    return beneficiary


def no_contact_since(last_contact_on: date | None, on: date) -> bool:
    """No regular contact with the réseau pour l'emploi in the last 5 months (L5316-1), on that
    day: the 5 months counted from the last contact have run out, i.e. `on` is on or after the
    last contact + 5 months (French month rule: 30 September + 5 months = 28 February). The
    rule holds from the day the 5 months are reached, that day included (docs/decisions.md,
    2026-12-05)."""
    return last_contact_on is not None and on >= add_months(last_contact_on, NO_CONTACT_MONTHS)


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
    """The age publics a birth date falls into on a day: under 26, or 55 and over."""
    if birth_date is None:
        return []
    age = age_on(birth_date, on)
    if age < 26:
        return [PriorityPublic.UNDER_26]
    if age >= 55:
        return [PriorityPublic.AGED_55_PLUS]
    return []


def derived_flags(programme, *, departement, birth_date, sex, on) -> set[str]:
    """The priority publics worked out, never typed: the age publics on `on` (the consent date:
    the one reference date of the flags and of the report's age table) where the programme's
    call makes them a priority in the beneficiary's département; "Femme" from the recorded
    sex."""
    flags = {
        flag for flag in age_flags(birth_date, on) if programme.gives_priority(flag, departement)
    }
    if sex == Person.Sex.FEMALE:
        flags.add(PriorityPublic.WOMAN)
    return flags


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
    expected_version=None,
) -> Eligibility:
    """Record why the person belongs to the O2R public, or refuse when no basis holds. The
    derived flags (age publics, "Femme") are worked out here and cannot be typed. A form built
    from an older state of the file is refused (`StaleEdit`)."""
    beneficiary = locked(beneficiary, expected_version)
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
    if PriorityPublic.WOMAN in flags:
        raise ValidationError(
            {"flags": _("« Femme » se déduit du sexe enregistré de la personne.")}
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
    person = beneficiary.person
    on = derived_flags(
        beneficiary.programme,
        departement=beneficiary.efop_territory.departement,
        birth_date=person.birth_date,
        sex=person.sex,
        on=beneficiary.consent_on,
    ) | set(typed)
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
    record_change(beneficiary.programme_id)
    return eligibility


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
        FollowUp(
            exit=exit_,
            service_id=beneficiary.service_id,
            team_id=beneficiary.team_id,
            months=m,
            due_date=add_months(date, m),
        )
        for m in FOLLOW_UP_MONTHS
    )
    if accompaniment:
        Accompaniment.objects.filter(pk=accompaniment.pk).update(end_date=date)
    tallies.move(beneficiary, Beneficiary.Status.EXITED)
    record_change(beneficiary.programme_id)
    return exit_


@transaction.atomic
def record_follow_up(follow_up: FollowUp, *, recorded_on, situation, note="") -> FollowUp:
    if recorded_on < follow_up.exit.date:
        raise ValidationError({"recorded_on": _("Le suivi suit la sortie.")})
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("Le suivi ne peut pas être daté du futur.")})
    follow_up.recorded_on, follow_up.situation, follow_up.note = recorded_on, situation, note
    follow_up.save(update_fields=["recorded_on", "situation", "note"])
    record_change(beneficiary_id=follow_up.exit.beneficiary_id)
    return follow_up


@transaction.atomic
def record_situation(beneficiary: Beneficiary, *, expected_version=None, **situation):
    """The person's social and professional situation at entry (what the annual report
    describes); a form built from an older state of the file is refused (`StaleEdit`)."""
    beneficiary = locked(beneficiary, expected_version)
    errors = {}
    for name in SITUATION_FIELDS:
        value = situation.get(name, "") or ""
        field = Beneficiary._meta.get_field(name)
        if value and value not in dict(field.choices):
            errors[name] = _("Choix inconnu.")
        setattr(beneficiary, name, value)
    if beneficiary.employment_duration and beneficiary.employment_situation in ("", "training"):
        errors["employment_duration"] = _(
            "La durée se rapporte à une situation sans emploi ou précaire : indiquez-la d'abord."
        )
    if errors:
        raise ValidationError(errors)
    beneficiary.save(update_fields=SITUATION_FIELDS)
    record_change(beneficiary.programme_id)
    return beneficiary
