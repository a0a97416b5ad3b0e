"""Writes on the families of the programme, one transaction each: the referral (the household as
persons of the registry, linked by the people services) and the decision to support it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.accounts.models import Membership, User
from ancrage.families.models import FamilyCase, FamilyMember
from ancrage.kernel.versions import locked
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import FamilyLink, Person
from ancrage.people.services import link_relatives

PARENT_KIND = {
    Person.Sex.FEMALE: FamilyLink.Kind.MOTHER,
    Person.Sex.MALE: FamilyLink.Kind.FATHER,
}


def workers_of(team: Unit):
    """The active users working today in the team or its service: who may be the family's
    worker."""
    working = Membership.objects.in_force().filter(unit_id=team.pk) | (
        Membership.objects.in_force().filter(establishment_id=team.establishment_id)
    )
    return User.objects.filter(is_active=True, pk__in=working.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def _person(entry) -> Person:
    """A person of the registry already known (a `Person`), or a new one from its identity."""
    if isinstance(entry, Person):
        return entry
    person = Person(**entry)
    person.full_clean()
    person.save()
    return person


def _link_if_new(person: Person, relative: Person, kind: str, by) -> None:
    if not FamilyLink.objects.filter(person=person, relative=relative).exists():
        link_relatives(person, relative, kind, by=by)


@transaction.atomic
def refer_family(
    *,
    team: Unit,
    by,
    name: str,
    referrer: str,
    referred_on,
    reasons: str,
    parents=(),
    children=(),
    referrer_detail: str = "",
    commune: str = "",
    other_adults=(),
) -> FamilyCase:
    """Record a family referred to the team's programme. Parents and children are persons of
    the registry (new ones are created from their identity, known ones are reused); each child
    is linked to each parent and the children to one another, through the people services, so
    that brothers and sisters already known (placed in a village, say) join the same fratrie."""
    errors = {}
    if team.kind != Unit.Kind.TEAM or (
        team.establishment.kind != Establishment.Kind.FAMILY_STRENGTHENING
    ):
        errors["team"] = _("Choisissez une équipe d'un service de renforcement familial.")
    if referrer not in FamilyCase.Referrer.values:
        errors["referrer"] = _("Choisissez qui oriente la famille.")
    if not (reasons or "").strip():
        errors["reasons"] = _("Indiquez les motifs de l'orientation.")
    if not parents:
        errors["parents"] = _("Indiquez au moins un parent.")
    if not children:
        errors["children"] = _("Indiquez au moins un enfant.")
    if referred_on and referred_on > timezone.localdate():
        errors["referred_on"] = _("La date d'orientation ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    case = FamilyCase(
        service=team.establishment,
        team=team,
        name=name,
        referrer=referrer,
        referrer_detail=referrer_detail,
        referred_on=referred_on,
        reasons=reasons,
        commune=commune,
        created_by=by,
    )
    case.full_clean()
    case.save()
    parent_persons = [_person(entry) for entry in parents]
    child_persons = [_person(entry) for entry in children]
    adults = [_person(entry) for entry in other_adults]
    seen = set()
    for role, persons in (
        (FamilyMember.Role.PARENT, parent_persons),
        (FamilyMember.Role.CHILD, child_persons),
        (FamilyMember.Role.OTHER_ADULT, adults),
    ):
        for person in persons:
            if person.pk in seen:
                raise ValidationError(
                    {"parents": _("Une même personne figure deux fois dans le foyer.")}
                )
            seen.add(person.pk)
            FamilyMember.objects.create(case=case, person=person, role=role)
    for child in child_persons:
        for parent in parent_persons:
            _link_if_new(child, parent, PARENT_KIND.get(parent.sex, FamilyLink.Kind.PARENT), by)
    for i, child in enumerate(child_persons):
        for other in child_persons[i + 1 :]:
            _link_if_new(child, other, FamilyLink.Kind.SIBLING, by)
    return case


@transaction.atomic
def decide_support(
    case: FamilyCase,
    *,
    by,
    support: bool,
    decided_on,
    reason: str = "",
    parents_consent: bool = False,
    consent_on=None,
    worker=None,
    expected_version=None,
) -> FamilyCase:
    """Decide whether the programme supports the family. Supporting it needs the parents'
    consent (and its day) and a worker of the team; not supporting it needs the reason."""
    case = locked(case, expected_version)
    errors = {}
    if case.status != FamilyCase.Status.REFERRED:
        raise ValidationError(_("La décision sur cette famille est déjà prise."))
    if decided_on and decided_on < case.referred_on:
        errors["decided_on"] = _("La décision ne peut pas précéder l'orientation.")
    if support:
        if not parents_consent:
            errors["parents_consent"] = _(
                "L'accompagnement suppose l'accord des parents : recueillez-le d'abord."
            )
        if parents_consent and consent_on is None:
            errors["consent_on"] = _("Indiquez le jour où l'accord a été recueilli.")
        if worker is None:
            errors["worker"] = _("Désignez l'intervenant·e qui suivra la famille.")
        elif not workers_of(case.team).filter(pk=worker.pk).exists():
            errors["worker"] = _("Cette personne ne travaille pas dans l'équipe de la famille.")
    elif not (reason or "").strip():
        errors["reason"] = _("Indiquez pourquoi la famille n'est pas accompagnée.")
    if errors:
        raise ValidationError(errors)
    case.status = FamilyCase.Status.SUPPORTED if support else FamilyCase.Status.DECLINED
    case.decided_on = decided_on
    case.decided_by = by
    case.decision_reason = reason
    case.parents_consent = parents_consent
    case.consent_on = consent_on if parents_consent else None
    case.worker = worker if support else None
    case.full_clean()
    case.save()
    return case
