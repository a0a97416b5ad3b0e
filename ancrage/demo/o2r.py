"""Deterministic O2R demo data: a programme carried by the consortium (its lead and a partner
with its own service), outreach over the last year, anonymous and converted contacts,
beneficiaries with eligibility and priority publics, activities with attendance,
accompaniments (some nearing 9 months, one extended to 12 with a reason), exits and follow-ups.

Scale-aware: the large scale makes 200 000 people met, 100 000 beneficiaries and about
1 000 000 attendance records, all with bulk inserts."""

from __future__ import annotations

from bisect import bisect_right
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from ancrage.accounts.models import Membership
from ancrage.insertion import tallies
from ancrage.insertion.models import (
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
    Tally,
    Target,
    TraineeRemuneration,
    VillageReferral,
)
from ancrage.insertion.services.beneficiary import derived_flags
from ancrage.kernel.access import Role
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import Person

COMMUNES = {
    "44 Centre": ["Nantes", "Rezé", "Saint-Herblain"],
    "44 Nord": ["Châteaubriant", "Nozay"],
    "44 Sud": ["Clisson", "Machecoul"],
    "72 Sud": ["La Flèche", "Sablé-sur-Sarthe"],
    "53 Nord": ["Mayenne", "Ernée"],
}
PLACES = ["Place du marché", "Gare routière", "Maison de quartier", "Médiathèque", "Parc"]
PARTNERS = ["Mission locale", "CCAS", "Centre social", "Club de prévention", "France Travail"]
WORKSHOPS = [
    "Atelier CV et lettre",
    "Atelier numérique",
    "Sortie sportive",
    "Atelier confiance en soi",
    "Découverte des métiers",
    "Atelier mobilité",
]
TYPED = [f.value for f in PriorityPublic if f.value not in ("under_26", "aged_55_plus", "woman")]


def seed_o2r(world, o2r, teams, consortium, partner, territories):
    large = world.scale.villages >= 50
    rng, fake, anchor = world.rng, world.fake, world.anchor
    counts = (
        {
            key: n * world.scale.volume
            for key, n in {
                "actions": 10_000,
                "anonymous": 50_000,
                "beneficiaries": 100_000,
                "activities": 230_000,
            }.items()
        }
        if large
        else {"actions": 60, "anonymous": 40, "beneficiaries": 90, "activities": 40}
    )
    partner_service = Establishment.objects.create(
        organisation=partner,
        kind=Establishment.Kind.O2R_SERVICE,
        name="Service O2R Insertion Solidaire",
        commune="Saint-Nazaire",
        postcode="44600",
        departement="44",
        efop_territory=territories["44 Nord"],
    )
    partner_team = Unit.objects.create(
        establishment=partner_service, kind=Unit.Kind.O2R_TEAM, name="Équipe Estuaire"
    )
    partner_counsellor = world.user(
        "conseiller.partenaire", "Inès", "Garnier", Role.O2R_COUNSELLOR, unit=partner_team
    )
    start = anchor - timedelta(days=420)
    programme = Programme.objects.create(
        name="O2R Pays de la Loire 2025-2028",
        call="AMI DREETS Pays de la Loire : offre de repérage et de remobilisation (2025)",
        region="Pays de la Loire",
        departements="44,49,53,72",
        start_date=start,
        end_date=start + relativedelta(years=3) - timedelta(days=1),
        agreement_amount=Decimal("450000.00"),
        consortium=consortium,
        target_publics=["under_26", "rural_isolated", "aged_55_plus", "no_stable_housing"],
        # The seed call: under 26 in the four départements, 55 and over in Mayenne and Sarthe.
        priority_departements={"under_26": ["44", "49", "53", "72"], "aged_55_plus": ["53", "72"]},
    )
    programme.services.set([o2r, partner_service])
    # The agreement's yearly targets per member, entered by the chef de file: the association
    # carries the larger share, both grow after the first year.
    for organisation, base in ((o2r.organisation, (160, 80, 50, 20)), (partner, (70, 35, 20, 8))):
        for year in (1, 2, 3):
            growth = 1 if year == 1 else 1.2
            reached, remobilised, accompanied, positive = (round(n * growth) for n in base)
            Target.objects.create(
                programme=programme,
                organisation=organisation,
                year=year,
                reached=reached,
                remobilised=remobilised,
                accompanied=accompanied,
                positive_exits=positive,
            )
    programme.efop_territories.set([territories[name] for name in COMMUNES])
    all_teams = list(teams) + [partner_team]
    counsellors = {
        m.unit_id: m.user_id
        for m in Membership.objects.filter(role=Role.O2R_COUNSELLOR, unit__in=all_teams)
    }
    counsellors[partner_team.pk] = partner_counsellor.pk

    with world.step("O2R : repérage, bénéficiaires"):

        def day_within(days_back_low, days_back_high):
            return anchor - timedelta(days=rng.randint(days_back_low, days_back_high))

        # Outreach actions over the last year
        actions = []
        for i in range(counts["actions"]):
            team = all_teams[i % len(all_teams)]
            territory = rng.choice(list(COMMUNES))
            actions.append(
                OutreachAction(
                    programme=programme,
                    service_id=team.establishment_id,
                    team=team,
                    date=day_within(1, 364),
                    kind=rng.choice(OutreachAction.Kind.values),
                    place=rng.choice(PLACES),
                    commune=rng.choice(COMMUNES[territory]),
                    efop_territory=territories[territory],
                    partners=rng.choice(["", *PARTNERS]),
                    people_met=rng.randint(5, 35),
                    created_by_id=counsellors[team.pk],
                )
            )
        OutreachAction.objects.bulk_create(actions, batch_size=world.BATCH)
        by_team = {}
        for action in actions:
            by_team.setdefault(action.team_id, []).append(action)

        def contact_row(team, met_on, beneficiary=None, nickname=None, sex="X"):
            action = rng.choice(by_team[team.pk])
            return Contact(
                programme=programme,
                service_id=team.establishment_id,
                team=team,
                outreach_action=action,
                met_on=min(met_on, anchor),
                nickname=nickname or fake.first_name(),
                age_bracket=rng.choice(Contact.AgeBracket.values),
                sex=sex,
                commune=action.commune,
                efop_territory_id=action.efop_territory_id,
                next_step=rng.choice(Contact.NextStep.values),
                next_step_on=min(met_on + timedelta(days=rng.randint(3, 20)), anchor),
                beneficiary=beneficiary,
                created_by_id=counsellors[team.pk],
            )

        contacts = [
            contact_row(all_teams[i % len(all_teams)], day_within(0, 300), sex=rng.choice("FMX"))
            for i in range(counts["anonymous"])
        ]

        # Beneficiaries, their persons and eligibility
        persons, beneficiaries = [], []
        for i in range(counts["beneficiaries"]):
            team = all_teams[i % len(all_teams)]
            sex = rng.choice([Person.Sex.FEMALE, Person.Sex.MALE])
            age_days = (
                rng.randint(17 * 365 + 30, 62 * 365)
                if rng.random() < 0.5
                else rng.randint(17 * 365 + 30, 25 * 365)
            )
            persons.append(
                world.person(
                    last_name=fake.last_name(),
                    sex=sex,
                    birth_date=anchor - timedelta(days=age_days),
                )
            )
            territory = rng.choice(list(COMMUNES))
            beneficiaries.append(
                Beneficiary(
                    programme=programme,
                    service_id=team.establishment_id,
                    team=team,
                    commune=rng.choice(COMMUNES[territory]),
                    efop_territory=territories[territory],
                    consent_on=day_within(20, 400),
                    consent_how=rng.choice(
                        ["Accord oral après lecture de la notice", "Formulaire signé"]
                    ),
                    consent_by_id=counsellors[team.pk],
                )
            )
        # The demo counsellor's team: accompaniments at the alert points (nearing 9 months, over
        # 9 without extension, extended to 12 with a reason), told apart by their start dates.
        special_starts = [
            anchor - relativedelta(months=9) + timedelta(days=12),
            anchor - relativedelta(months=9) + timedelta(days=3),
            anchor - relativedelta(months=9) - timedelta(days=5),
            anchor - relativedelta(months=10),
        ]
        Person.objects.bulk_create(persons, batch_size=2000)
        for person, beneficiary in zip(persons, beneficiaries, strict=True):
            beneficiary.person = person
        for n, beneficiary in enumerate(b for b in beneficiaries if b.team_id == teams[0].pk):
            if n < len(special_starts):
                beneficiary.consent_on = special_starts[n] - timedelta(days=7)
        eligibilities, accompaniments, exits = [], [], []
        for person, beneficiary in zip(persons, beneficiaries, strict=True):
            flags = derived_flags(
                programme,
                departement=beneficiary.efop_territory.departement,
                birth_date=person.birth_date,
                sex=person.sex,
                on=beneficiary.consent_on,
            )
            flags |= {flag for flag in TYPED if rng.random() < 0.12}
            for flag in flags:
                setattr(beneficiary, str(flag), True)
            contacts.append(
                contact_row(
                    beneficiary.team,
                    beneficiary.consent_on - timedelta(days=rng.randint(0, 40)),
                    nickname=person.first_names.split()[0],
                    sex=person.sex,
                )
            )
            contacts[-1].pending_beneficiary = beneficiary
        Beneficiary.objects.bulk_create(beneficiaries, batch_size=world.BATCH)
        for contact in contacts:
            if hasattr(contact, "pending_beneficiary"):
                contact.beneficiary = contact.pending_beneficiary
        Contact.objects.bulk_create(contacts, batch_size=world.BATCH)

        specials = {}
        for n, beneficiary in enumerate(b for b in beneficiaries if b.team_id == teams[0].pk):
            if n < len(special_starts):
                specials[beneficiary.pk] = special_starts[n]
        for beneficiary in beneficiaries:
            registered = rng.random() < 0.45
            eligibilities.append(
                Eligibility(
                    beneficiary=beneficiary,
                    basis=(
                        Eligibility.Basis.NOT_REGISTERED
                        if not registered
                        else rng.choice(
                            [
                                Eligibility.Basis.NO_SUITABLE_ACCOMPANIMENT,
                                Eligibility.Basis.NO_RECENT_CONTACT,
                            ]
                        )
                    ),
                    registered_with_france_travail=registered,
                    suitable_accompaniment=False,
                    last_network_contact_on=(
                        beneficiary.consent_on - timedelta(days=rng.randint(160, 500))
                        if registered
                        else None
                    ),
                    checked_on=beneficiary.consent_on,
                    checked_by_id=beneficiary.consent_by_id,
                )
            )
            start_date = specials.get(beneficiary.pk)
            if start_date is None and rng.random() < 0.65:
                start_date = beneficiary.consent_on + timedelta(days=rng.randint(5, 25))
                if start_date > anchor:
                    start_date = None
            if start_date is None:
                continue
            limit = start_date + relativedelta(months=9)
            accompaniment = Accompaniment(
                beneficiary=beneficiary,
                service_id=beneficiary.service_id,
                team_id=beneficiary.team_id,
                start_date=start_date,
                referent_id=beneficiary.consent_by_id,
                limit_date=limit,
            )
            special_index = (
                list(specials).index(beneficiary.pk) if beneficiary.pk in specials else None
            )
            if special_index == 3:
                accompaniment.limit_date = start_date + relativedelta(months=12)
                accompaniment.extension_reason = (
                    "Entrée en formation qualifiante prévue dans 6 semaines ; "
                    "logement en cours de stabilisation."
                )
                accompaniment.extended_on = limit - timedelta(days=10)
                accompaniment.extended_by_id = beneficiary.consent_by_id
            accompaniments.append(accompaniment)
            beneficiary.status = Beneficiary.Status.ACCOMPANIMENT
            if special_index is None and limit < anchor and rng.random() < 0.8:
                exit_date = min(limit - timedelta(days=rng.randint(0, 120)), anchor)
                exit_date = max(exit_date, start_date + timedelta(days=30))
                exits.append(
                    Exit(
                        beneficiary=beneficiary,
                        date=exit_date,
                        reason=rng.choice(Exit.Reason.values),
                        by_id=beneficiary.consent_by_id,
                    )
                )
                accompaniment.end_date = exit_date
                beneficiary.status = Beneficiary.Status.EXITED
        Eligibility.objects.bulk_create(eligibilities, batch_size=world.BATCH)
        Accompaniment.objects.bulk_create(accompaniments, batch_size=world.BATCH)
        Exit.objects.bulk_create(exits, batch_size=world.BATCH)
        Beneficiary.objects.bulk_update(
            [b for b in beneficiaries if b.status != Beneficiary.Status.REMOBILISATION],
            ["status"],
            batch_size=world.BATCH,
        )

        follow_ups = []
        for exit_ in exits:
            for months in (3, 6):
                due = exit_.date + relativedelta(months=months)
                done = due <= anchor and rng.random() < 0.85
                follow_ups.append(
                    FollowUp(
                        exit=exit_,
                        service_id=exit_.beneficiary.service_id,
                        team_id=exit_.beneficiary.team_id,
                        months=months,
                        due_date=due,
                        recorded_on=due + timedelta(days=rng.randint(0, 10)) if done else None,
                        situation=rng.choice(FollowUp.Situation.values) if done else "",
                    )
                )
        for follow_up in follow_ups:
            if follow_up.recorded_on and follow_up.recorded_on > anchor:
                follow_up.recorded_on = anchor
        FollowUp.objects.bulk_create(follow_ups, batch_size=world.BATCH)

        barriers, objectives, referrals, remunerations = [], [], [], []
        for accompaniment in accompaniments:
            for kind in rng.sample(Barrier.Kind.values, rng.randint(1, 3)):
                barriers.append(
                    Barrier(
                        accompaniment=accompaniment,
                        kind=kind,
                        status=rng.choice(Barrier.Status.values),
                        situation=rng.choice(
                            [
                                "Pas de permis, horaires de bus incompatibles",
                                "Hébergé chez un ami, demande de logement en cours",
                                "Suivi médical à reprendre",
                                "Dossier CAF incomplet",
                                "Pas d'ordinateur ni de connexion",
                            ]
                        ),
                        updated_on=accompaniment.start_date + timedelta(days=rng.randint(0, 30)),
                    )
                )
            objectives.append(
                Objective(
                    accompaniment=accompaniment,
                    text=rng.choice(
                        ["Obtenir le code de la route", "Trouver un stage", "Ouvrir ses droits"]
                    ),
                    due_date=accompaniment.start_date + timedelta(days=rng.randint(30, 200)),
                )
            )
            if rng.random() < 0.4:
                referrals.append(
                    PartnerReferral(
                        accompaniment=accompaniment,
                        date=accompaniment.start_date + timedelta(days=rng.randint(0, 20)),
                        partner=rng.choice(PARTNERS),
                        purpose="Ouverture de droits et inscription",
                    )
                )
            if rng.random() < 0.15:
                first = accompaniment.start_date + timedelta(days=30)
                last = min(
                    first + timedelta(days=60), accompaniment.end_date or accompaniment.limit_date
                )
                if last >= first:
                    remunerations.append(
                        TraineeRemuneration(
                            accompaniment=accompaniment, start_date=first, end_date=last
                        )
                    )
        Barrier.objects.bulk_create(barriers, batch_size=world.BATCH)
        BarrierUpdate.objects.bulk_create(
            [
                BarrierUpdate(
                    barrier=b,
                    date=b.updated_on,
                    status=b.status,
                    situation=b.situation,
                    by_id=b.accompaniment.referent_id,
                )
                for b in barriers
            ],
            batch_size=world.BATCH,
        )
        Objective.objects.bulk_create(objectives, batch_size=world.BATCH)
        PartnerReferral.objects.bulk_create(referrals, batch_size=world.BATCH)
        TraineeRemuneration.objects.bulk_create(remunerations, batch_size=world.BATCH)

    # Remobilisation activities: mostly collective, with their attendance
    # Each team's beneficiaries by consent date: those who had joined by an activity's date
    # are a prefix of the list (bisect), so the large scale stays linear.
    team_members, team_dates = {}, {}
    for beneficiary in sorted(beneficiaries, key=lambda b: (b.consent_on, b.pk)):
        team_members.setdefault(beneficiary.team_id, []).append(beneficiary)
        team_dates.setdefault(beneficiary.team_id, []).append(beneficiary.consent_on)
    activities, attendance = [], []
    for i in range(counts["activities"]):
        team = all_teams[i % len(all_teams)]
        collective = rng.random() < 0.75
        activities.append(
            Activity(
                programme=programme,
                service_id=team.establishment_id,
                team=team,
                format=Activity.Format.COLLECTIVE if collective else Activity.Format.INDIVIDUAL,
                kind=Activity.Kind.WORKSHOP if collective else Activity.Kind.INTERVIEW,
                title=rng.choice(WORKSHOPS) if collective else "Entretien individuel",
                date=day_within(0, 360),
                duration_minutes=rng.choice([60, 90, 120, 180]),
                created_by_id=counsellors[team.pk],
            )
        )
    Activity.objects.bulk_create(activities, batch_size=world.BATCH)
    with world.progress("O2R : activités et présences", len(activities)) as progress:
        written = 0  # activities whose attendance is written
        for done, activity in enumerate(activities, 1):
            joined = bisect_right(team_dates.get(activity.team_id, []), activity.date)
            members = team_members.get(activity.team_id, [])[: max(joined, 1)]
            size = min(len(members), rng.randint(3, 8) if activity.format == "collective" else 1)
            for beneficiary in rng.sample(members, size):
                attendance.append(Attendance(activity=activity, beneficiary=beneficiary))
            if len(attendance) >= world.BATCH * 4:
                Attendance.objects.bulk_create(attendance, batch_size=world.BATCH)
                progress.update(done - written)
                written = done
                attendance = []
        Attendance.objects.bulk_create(attendance, batch_size=world.BATCH)
        progress.update(len(activities) - written)
    # The bulk inserts above went around the services: the teams' counts made from the rows.
    tallies.rebuild()
    world.accounts.append(
        ("conseiller.partenaire", str(Role(Role.O2R_COUNSELLOR).label), str(partner_team))
    )


def clear_o2r():
    """Delete every O2R record, dependants first (tests that reload the demo)."""
    for model in (
        Attendance,
        Activity,
        FollowUp,
        Exit,
        TraineeRemuneration,
        PartnerReferral,
        AccompanimentAction,
        Objective,
        BarrierUpdate,
        Barrier,
        Accompaniment,
        Eligibility,
        VillageReferral,
        Tally,
        Contact,
        Beneficiary,
        OutreachAction,
        Programme,
    ):
        model.objects.all().delete()
