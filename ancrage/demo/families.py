"""Deterministic demo data of the family-strengthening programme: one service with its team,
a worker's and the head's accounts, and fifteen families referred over the last year (most
supported, two not retained with their reason, one waiting for the decision), one of them with
a child already placed in a village (the village's staff see that family's file)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.families.concerns import INFORMATION_PREOCCUPANTE, raise_concern
from ancrage.families.models import FamilyCase
from ancrage.families.services import (
    add_goal,
    decide_support,
    end_support,
    plan_home_visit,
    record_home_visit,
    record_plan_review,
    refer_family,
    set_goal_progress,
    validate_plan,
)
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import FamilyLink, Person, new_reference
from ancrage.placements.models import Stay

FAMILIES = 15
REASONS = [
    "Difficultés à poser un cadre éducatif ; fatigue de la mère seule avec trois enfants.",
    "Absentéisme scolaire répété de l'aîné ; parents débordés.",
    "Logement suroccupé, budget très tendu, isolement social.",
    "Naissance récente, mère isolée, suivi PMI qui s'inquiète des soins au nourrisson.",
    "Conflits familiaux importants après la séparation des parents.",
]
REFERRER_DETAILS = {
    "ase": "ASE de Loire-Atlantique, antenne de Nantes Est",
    "pmi": "PMI de Rezé",
    "school": "École élémentaire Jules-Verne",
    "social_worker": "Service social de secteur",
    "family": "",
    "judge_aed": "AED décidée par le département",
    "judge_aemo": "Juge des enfants de Nantes",
}
GOALS = [
    (
        "parenting",
        "Des repères stables pour le coucher et les repas",
        "Instaurer un rituel du soir",
    ),
    ("schooling", "Une présence régulière à l'école", "Rencontrer l'enseignante avec la mère"),
    ("budget", "Un budget qui tient jusqu'à la fin du mois", "Dossier CAF à jour"),
    ("housing", "Un logement adapté à la taille de la famille", "Demande de logement social"),
    ("health", "Le suivi médical des enfants à jour", "Rendez-vous chez le médecin traitant"),
    ("social_ties", "Rompre l'isolement de la mère", "Découvrir le centre social du quartier"),
    ("safety", "Un environnement sûr pour le nourrisson", "Sécuriser l'escalier et les produits"),
]
DECLINE_REASONS = [
    "La famille habite hors du secteur d'intervention ; orientée vers le service voisin.",
    "Les parents n'ont pas souhaité s'engager dans l'accompagnement.",
]


def seed_families(world, organisation):
    rng, fake, anchor = world.rng, world.fake, world.anchor
    # the family-strengthening service, its team and its named worker ("intervenante.familles")
    # are created with the other places and accounts (seeding.py); the programme's head here
    service = Establishment.objects.get(
        organisation=organisation, kind=Establishment.Kind.FAMILY_STRENGTHENING
    )
    team = service.units.get(kind=Unit.Kind.TEAM)
    worker = User.objects.get(username="intervenante.familles")
    head = world.user(
        "chef.familles", "Olivier", "Dumas", Role.HEAD_OF_SERVICE, establishment=service
    )
    world.accounts.append(("chef.familles", str(Role.HEAD_OF_SERVICE.label), str(service)))

    referrers = list(FamilyCase.Referrer.values)
    referrers.remove("other")
    cases = []
    for n in range(FAMILIES):
        name = fake.last_name()
        referred_on = calendar.add_days(anchor, -rng.randint(20, 380))
        referrer = referrers[n % len(referrers)]
        mother_age = rng.randint(24, 42)
        mother_birth = calendar.add_years(anchor, -mother_age)
        # the eldest born when the mother was 18 at least
        eldest_days = min(16, mother_age - 18) * 365
        parents = [
            {
                "reference": new_reference(rng),
                "first_names": fake.first_name_female(),
                "last_name": name,
                "sex": Person.Sex.FEMALE,
                "birth_date": mother_birth,
            }
        ]
        if rng.random() < 0.6:
            parents.append(
                {
                    "reference": new_reference(rng),
                    "first_names": fake.first_name_male(),
                    "last_name": name,
                    "sex": Person.Sex.MALE,
                    "birth_date": calendar.add_years(mother_birth, -rng.randint(0, 5)),
                }
            )
        children = []
        for _c in range(rng.randint(1, 3)):
            female = rng.random() < 0.5
            children.append(
                {
                    "reference": new_reference(rng),
                    "first_names": fake.first_name_female() if female else fake.first_name_male(),
                    "last_name": name,
                    "sex": Person.Sex.FEMALE if female else Person.Sex.MALE,
                    "birth_date": calendar.add_days(anchor, -rng.randint(200, eldest_days)),
                }
            )
        cases.append(
            refer_family(
                team=team,
                by=worker,
                name=name,
                referrer=referrer,
                referrer_detail=REFERRER_DETAILS.get(referrer, ""),
                referred_on=referred_on,
                reasons=rng.choice(REASONS),
                commune=rng.choice(["Nantes", "Rezé", "Saint-Herblain", "Orvault"]),
                parents=parents,
                children=children,
            )
        )
    # A family whose eldest is already placed in a village: her brother stayed home with their
    # mother; the village's staff see this family's file.
    placed = _placed_child_with_mother(anchor)
    if placed is not None:
        child, mother = placed
        cases.append(
            refer_family(
                team=team,
                by=worker,
                name=child.last_name,
                referrer="ase",
                referrer_detail=REFERRER_DETAILS["ase"],
                referred_on=calendar.add_days(anchor, -60),
                reasons="Soutenir la mère auprès du cadet resté au domicile, préparer les "
                "week-ends de l'aînée.",
                parents=[mother],
                children=[
                    child,
                    {
                        "reference": new_reference(rng),
                        "first_names": fake.first_name_male(),
                        "last_name": child.last_name,
                        "sex": Person.Sex.MALE,
                        "birth_date": calendar.add_years(anchor, -4),
                    },
                ],
            )
        )
    for n, case in enumerate(cases):
        decided_on = calendar.add_days(case.referred_on, rng.randint(5, 15))
        decided_on = min(decided_on, anchor)
        if n == 0:
            continue  # waiting for the decision
        if n in (1, 2):
            decide_support(
                case,
                by=head,
                support=False,
                decided_on=decided_on,
                reason=DECLINE_REASONS[n - 1],
            )
            continue
        decide_support(
            case,
            by=head,
            support=True,
            decided_on=decided_on,
            parents_consent=True,
            consent_on=decided_on,
            worker=worker,
        )
        _plan(case, worker, rng, anchor, n)
        _visits(case, worker, rng, anchor, n)
        if n == 3:
            _end(case, worker, anchor)
        if n == 4:
            _concern(case, worker, anchor)
    return service, team, cases


def _concern(case, worker, anchor):
    """A concern the worker observed at the family's home two days ago: a report of the service
    with an information préoccupante proposed for the CRIP, waiting for the head of service."""
    child = case.members.filter(role="child").order_by("person_id").first().person
    raise_concern(
        case,
        by=worker,
        route=INFORMATION_PREOCCUPANTE,
        occurred_at=timezone.make_aware(datetime.combine(calendar.add_days(anchor, -2), time(17))),
        place="Au domicile de la famille",
        narrative="L'enfant avait des marques au bras et a dit avoir peur quand son père crie ; "
        "la mère minimise.",
        children=[(child, "victim")],
        immediate_measures="Échange avec la mère ; visite rapprochée prévue.",
    )


def _end(case, worker, anchor):
    """One support ended today, its goals reached; its next visit called off."""
    for visit in case.visits.filter(status="planned").order_by("pk"):
        record_home_visit(visit, worker, status="cancelled", cancelled_by="worker")
    case.refresh_from_db()
    end_support(
        case,
        by=worker,
        ended_on=anchor,
        end_reason="goals_reached",
        outcome="Les parents ont retrouvé des repères ; la famille s'appuie sur le centre social.",
    )


def _visits(case, worker, rng, anchor, n):
    """Visits every two or three weeks since the decision: held (some cancelled by the
    family), the one of last week still without its report for a few families, and the next one
    planned."""
    paris = timezone.get_default_timezone()
    day = calendar.add_days(case.decided_on, 7)
    while day < anchor:
        at = datetime.combine(day, time(rng.choice([9, 10, 14, 16])), tzinfo=paris)
        visit = plan_home_visit(case, worker, starts_at=at, duration_minutes=rng.choice([60, 90]))
        last_week = calendar.add_days(day, 7) >= anchor
        if last_week and n % 4 == 0:
            pass  # the report is still to write: late on the caseload
        elif rng.random() < 0.12:
            record_home_visit(visit, worker, status="cancelled", cancelled_by="family")
        else:
            record_home_visit(
                visit,
                worker,
                status="held",
                present="La mère et les enfants",
                observations="Échanges autour des repas et du coucher ; enfants détendus.",
            )
        day = calendar.add_days(day, rng.choice([14, 21]))
    next_at = datetime.combine(
        calendar.add_days(anchor, rng.randint(1, 10)), time(10), tzinfo=paris
    )
    plan_home_visit(case, worker, starts_at=next_at)


def _plan(case, worker, rng, anchor, n):
    """A validated plan of two or three goals (the parents acting first), some progress, and
    for the older supports a review with the family's words."""
    case.refresh_from_db()
    start = case.decided_on
    for k in range(2 + n % 2):
        domain, title, action = GOALS[(n + k) % len(GOALS)]
        add_goal(
            case,
            worker,
            domain=domain,
            title=title,
            action={
                "description": action,
                "actor": "parents",
                "due_date": calendar.add_days(start, rng.randint(30, 150)),
            },
        )
    version = validate_plan(case, worker, on=start)
    first = version.goals.order_by("pk").first()
    set_goal_progress(first, progress="in_progress", note="Des progrès visibles à domicile.")
    review_on = calendar.add_months(start, 3)
    if review_on <= anchor:
        record_plan_review(
            case,
            worker,
            held_on=review_on,
            participants="Les parents, les enfants, l'intervenante",
            parents_views="Nous nous sentons moins seuls ; les soirées sont plus calmes.",
            children_views="C'est mieux à la maison.",
            decisions="Poursuivre les objectifs en cours.",
        )


def _placed_child_with_mother(anchor):
    """A child living in a village today whose mother is known."""
    link = (
        FamilyLink.objects.filter(
            kind=FamilyLink.Kind.MOTHER,
            person_id__in=Stay.objects.current(anchor).values("child_id"),
        )
        .select_related("person", "relative")
        .order_by("person_id")
        .first()
    )
    return (link.person, link.relative) if link else None
