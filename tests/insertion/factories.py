"""Builders of O2R records for tests: a programme carried by a consortium, and a few files."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.insertion.models import Beneficiary, Contact
from ancrage.insertion.services.accompaniment import add_action, add_objective, open_accompaniment
from ancrage.insertion.services.beneficiary import check_eligibility, convert_contact, record_exit
from ancrage.insertion.services.outreach import record_contact
from ancrage.insertion.services.programme import create_programme
from ancrage.insertion.services.referral import refer_from_village
from ancrage.kernel.access import Role
from ancrage.organisation.models import Consortium, EfopTerritory, Establishment, Unit
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.organisation.factories import OrganisationFactory
from tests.people.factories import PersonFactory


def programme_kwargs(**overrides):
    today = timezone.localdate()
    kwargs = {
        "name": "O2R Pays de la Loire 2025-2028",
        "call": "AMI DREETS Pays de la Loire O2R 2025",
        "region": "Pays de la Loire",
        "departements": "44,49,53,72",
        "start_date": today - datetime.timedelta(days=500),
        "end_date": today - datetime.timedelta(days=500) + datetime.timedelta(days=3 * 365),
        "agreement_amount": Decimal("150000.00"),
    }
    kwargs.update(overrides)
    return kwargs


def counsellor(team, username):
    user = UserFactory(username=username)
    MembershipFactory(
        user=user, role=Role.O2R_COUNSELLOR, unit=team, start_date=datetime.date(2024, 1, 1)
    )
    return User.objects.get(pk=user.pk)


def new_beneficiary(
    team, by, person=None, territory=None, consent_on=None, programme=None, **person_fields
):
    """A beneficiary of the team through the ordinary path (a contact converted), in
    `programme` when given (else the one the team's service runs that day)."""
    territory = (
        territory
        or EfopTerritory.objects.get_or_create(name="44 Centre", defaults={"departement": "44"})[0]
    )
    consent_on = consent_on or timezone.localdate() - datetime.timedelta(days=30)
    contact = record_contact(
        team=team,
        by=by,
        met_on=consent_on,
        nickname="Sam",
        commune="Nantes",
        efop_territory=territory,
        age_bracket=Contact.AgeBracket.AGE_18_25,
        programme=programme,
    )
    person = person or PersonFactory(
        birth_date=person_fields.pop("birth_date", datetime.date(2002, 5, 4)), **person_fields
    )
    return convert_contact(
        contact, by=by, consent_on=consent_on, consent_how="Accord oral", person=person
    )


def build_o2r(world):
    """The world's O2R service (team `world.o2r_team`) and a partner's service, one programme
    carried by a consortium (the world's organisation leading), and files on both sides."""
    territory, _ = EfopTerritory.objects.get_or_create(
        name="44 Centre", defaults={"departement": "44"}
    )
    partner = OrganisationFactory(name="Insertion Solidaire 44")
    partner_service = Establishment.objects.create(
        organisation=partner,
        kind=Establishment.Kind.O2R_SERVICE,
        name="Service O2R du partenaire",
        commune="Saint-Nazaire",
        departement="44",
    )
    partner_team = Unit.objects.create(
        establishment=partner_service, kind=Unit.Kind.O2R_TEAM, name="Équipe partenaire"
    )
    consortium = Consortium.objects.create(name="Consortium O2R 44", lead=world.organisation)
    consortium.members.set([world.organisation, partner])
    world.programme = create_programme(
        **programme_kwargs(),
        consortium=consortium,
        services=[world.o2r_team.establishment, partner_service],
        efop_territories=[territory],
        target_publics=["under_26", "aged_55_plus"],
    )
    world.territory = territory
    world.partner_team = partner_team
    me = world.users[Role.O2R_COUNSELLOR]
    other = counsellor(partner_team, "conseiller-partenaire")
    world.partner_counsellor = other
    world.beneficiary = new_beneficiary(
        world.o2r_team, me, first_names="Samir", last_name="Haddad", sex="M"
    )
    world.beneficiary_person = world.beneficiary.person
    world.other_beneficiary = new_beneficiary(
        partner_team, other, first_names="Chloé", last_name="Bernard"
    )
    world.other_beneficiary_person = world.other_beneficiary.person
    world.contact = record_contact(
        team=world.o2r_team,
        by=me,
        met_on=timezone.localdate(),
        nickname="Le grand",
        commune="Nantes",
        efop_territory=territory,
    )
    world.other_contact = record_contact(
        team=partner_team,
        by=other,
        met_on=timezone.localdate(),
        nickname="Tom",
        commune="Saint-Nazaire",
        efop_territory=territory,
    )
    exits = []
    for team, user in ((world.o2r_team, me), (partner_team, other)):
        exited = new_beneficiary(
            team, user, consent_on=timezone.localdate() - datetime.timedelta(days=60)
        )
        exits.append(
            record_exit(
                exited,
                by=user,
                date=timezone.localdate() - datetime.timedelta(days=10),
                reason="training",
            )
        )
    world.follow_up = exits[0].follow_ups.get(months=3)
    world.other_follow_up = exits[1].follow_ups.get(months=3)
    head = world.users[Role.HEAD_OF_SERVICE]
    young = PersonFactory(
        first_names="Jade", last_name="Morel", birth_date=datetime.date(2008, 1, 2)
    )
    world.referral = refer_from_village(
        young,
        village=world.village,
        service=world.o2r_team.establishment,
        by=head,
        consent_on=timezone.localdate(),
        consent_how="Entretien avec la cheffe de service",
        consent_text="Transmettre son nom et son âge au service O2R.",
    )
    world.other_referral = refer_from_village(
        young,
        village=world.village,
        service=partner_service,
        by=head,
        consent_on=timezone.localdate(),
        consent_how="Entretien",
        consent_text="Transmettre son nom au partenaire.",
    )
    assert Beneficiary.objects.count() == 4
    return world


def add_o2r_plans(world):
    """An accompaniment on each side of the consortium, with an objective and a planned action:
    `world.planned` (the world's team) and `world.other_planned` (the partner's)."""
    pairs = (
        (world.o2r_team, world.users[Role.O2R_COUNSELLOR], ""),
        (world.partner_team, world.partner_counsellor, "other_"),
    )
    start = timezone.localdate() - datetime.timedelta(days=20)
    for team, user, prefix in pairs:
        beneficiary = new_beneficiary(team, user, consent_on=start)
        check_eligibility(beneficiary, by=user, checked_on=start, registered=False)
        accompaniment = open_accompaniment(beneficiary, by=user, start_date=start, referent=user)
        objective = add_objective(accompaniment, text="Passer le permis B")
        action = add_action(
            accompaniment,
            objective=objective,
            text="S'inscrire à l'auto-école sociale",
            actor="beneficiary",
            due_date=start + datetime.timedelta(days=30),
            on=start,
        )
        setattr(world, f"{prefix}planned_beneficiary", beneficiary)
        setattr(world, f"{prefix}o2r_objective", objective)
        setattr(world, f"{prefix}planned", action)
    return world


def add_other_programme(world):
    """A programme the partner carries alone, on its own service: `world.other_programme`,
    none of the world's O2R service's business."""
    world.other_programme = create_programme(
        **programme_kwargs(name="O2R Insertion Solidaire 2026-2029"),
        organisation=world.partner_team.establishment.organisation,
        services=[world.partner_team.establishment],
        efop_territories=[world.territory],
    )
    return world
