"""Demo and scale data for the PPE, reviews and rapports de situation: most placed children
have a validated PPE (some late, some missing, some with a draft in preparation), reports sent
for most past periods (not all: the échéancier shows what is overdue), reviews with the
child's own words. Deterministic, bulk inserts, same code at demo and large scale."""

from __future__ import annotations

import random
from datetime import timedelta

from ancrage.accounts.models import Membership
from ancrage.care.models import PPE, Action, Objective, PPEVersion, Review, SituationReport
from ancrage.care.services.deadlines import (
    ChildFacts,
    MeasureFacts,
    autonomy_due,
    care_start,
    report_due_dates,
)
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.organisation.models import Establishment
from ancrage.placements.models import ProtectionMeasure, Stay

OBJECTIVES = {
    "health": ["Suivre le bilan orthophonique", "Mettre à jour les vaccinations"],
    "schooling": ["Consolider la lecture", "Préparer l'orientation en fin de 3e"],
    "emotional": ["Maintenir les liens avec sa fratrie", "Préparer les visites médiatisées"],
    "daily_life": ["S'inscrire à une activité sportive", "Participer aux tâches de la maison"],
    "autonomy": ["Gérer un petit budget", "Ouvrir un compte bancaire"],
}
ACTIONS = [
    ("Prendre rendez-vous et accompagner", "house_staff"),
    ("En parler avec sa référente ASE", "ase"),
    ("S'engager à y aller chaque semaine", "child"),
    ("Associer les parents à la décision", "parents"),
    ("Orienter vers le CMP", "partner"),
]


def first_words(rng, birth_date, day) -> dict:
    """The child's words on a first version: too young under six, sometimes declined."""
    if birth_date is not None and calendar.age_on(birth_date, day) < 6:
        return {"child_views_missing": PPEVersion.WordsMissing.AGE}
    if rng.random() < 0.1:
        return {"child_views_missing": PPEVersion.WordsMissing.REFUSAL}
    return {"child_views": rng.choice(WISHES)}


WISHES = [
    "Je veux voir mon frère plus souvent.",
    "J'aimerais faire du foot le mercredi.",
    "Je voudrais rester dans la même école.",
    "Je veux apprendre à cuisiner.",
]
DISAGREEMENTS = [
    "Je ne suis pas d'accord pour les visites chez mon père.",
    "Je trouve que je rentre trop tôt le samedi.",
]
REPORT_TEXT = {
    "development_health": "Bon développement ; suivi orthophonique en cours, vaccins à jour.",
    "family_relations": "Visites médiatisées avec la mère un samedi sur deux, bien investies.",
    "schooling_social": "Scolarité régulière, progrès en lecture ; pratique le judo.",
}


def seed_ppe(world) -> None:
    rng = random.Random(4_2026)
    anchor = world.anchor
    stays = list(
        Stay.objects.current(anchor)
        .filter(unit__establishment__kind=Establishment.Kind.VILLAGE)
        .select_related("child", "unit")
        .order_by("pk")
    )
    children = [s.child_id for s in stays]
    measures: dict[int, list[MeasureFacts]] = {}
    for m in ProtectionMeasure.objects.filter(child_id__in=children).order_by("pk"):
        measures.setdefault(m.child_id, []).append(
            MeasureFacts(m.pk, m.start_date, m.end_date, m.review_date, m.renews_id)
        )
    house_parents = dict(
        Membership.objects.filter(role=Role.HOUSE_PARENT, unit__isnull=False)
        .order_by("-pk")
        .values_list("unit_id", "user_id")
    )
    heads = dict(
        Membership.objects.filter(role=Role.HEAD_OF_SERVICE, establishment__isnull=False)
        .order_by("-pk")
        .values_list("establishment_id", "user_id")
    )

    ppes, plans = [], []
    for stay in stays:
        if rng.random() < 0.12:  # no PPE yet: overdue once three months have passed
            continue
        referent = house_parents.get(stay.unit_id) if rng.random() < 0.7 else None
        ppes.append(PPE(child_id=stay.child_id, referent_id=referent))
        plans.append(stay)
    PPE.objects.bulk_create(ppes, batch_size=world.BATCH)

    versions, version_plans = [], []
    for ppe, stay in zip(ppes, plans, strict=True):
        facts = ChildFacts(stay.child_id, stay.child.birth_date, stay.start_date)
        facts.measures = measures.get(stay.child_id, [])
        start = care_start(facts)
        head = heads.get(stay.unit.establishment_id)
        if head is None:
            continue
        first_day = start + timedelta(days=rng.randint(20, 120))  # some late
        if first_day > anchor:
            # arrived recently: a draft in preparation
            versions.append(PPEVersion(ppe=ppe, number=1, created_by_id=head))
            version_plans.append((stay, None, head))
            continue
        days = [first_day]
        while days[-1] + timedelta(days=365) < anchor and rng.random() < 0.8:
            days.append(days[-1] + timedelta(days=rng.randint(300, 400)))
        for number, day in enumerate(days, start=1):
            versions.append(
                PPEVersion(
                    ppe=ppe,
                    number=number,
                    status=PPEVersion.Status.VALIDATED,
                    validated_on=day,
                    validated_by_id=head,
                    trusted_person_name=world.fake.name() if number == 1 else "",
                    trusted_person_relation="marraine" if number == 1 else "",
                    sibling_relations="Voit ses frères et sœurs chaque jour à la maison commune.",
                    health_check_date=start + timedelta(days=rng.randint(3, 30)),
                    health_check_by="Dr " + world.fake.last_name(),
                    health_check_summary="Bon état général ; suivi dentaire à prévoir.",
                    created_by_id=head,
                    **first_words(rng, stay.child.birth_date, day),
                )
            )
            version_plans.append((stay, day, head))
        if rng.random() < 0.15:
            versions.append(PPEVersion(ppe=ppe, number=len(days) + 1, created_by_id=head))
            version_plans.append((stay, None, head))
    PPEVersion.objects.bulk_create(versions, batch_size=world.BATCH)

    objectives = []
    for version in versions:
        for domain in rng.sample(list(OBJECTIVES), 2):
            objectives.append(
                Objective(version=version, domain=domain, title=rng.choice(OBJECTIVES[domain]))
            )
    Objective.objects.bulk_create(objectives, batch_size=world.BATCH)
    actions = []
    for objective in objectives:
        description, actor = rng.choice(ACTIONS)
        actions.append(
            Action(
                objective=objective,
                description=description,
                actor=actor,
                due_date=anchor + timedelta(days=rng.randint(-60, 200)),
                status=rng.choice(["planned", "in_progress", "done"]),
            )
        )
    Action.objects.bulk_create(actions, batch_size=world.BATCH)

    # Reports: one per period, sent around the due date, except some (overdue).
    reports = []
    for stay in stays:
        facts = ChildFacts(stay.child_id, stay.child.birth_date, stay.start_date)
        facts.measures = measures.get(stay.child_id, [])
        start = care_start(facts)
        head = heads.get(stay.unit.establishment_id)
        if head is None:
            continue
        previous = start
        for due in report_due_dates(stay.child.birth_date, start, anchor)[:-1]:
            if rng.random() < 0.8:
                sent = max(previous + timedelta(days=1), due - timedelta(days=rng.randint(0, 25)))
                reports.append(
                    SituationReport(child_id=stay.child_id, written_by_id=head, sent_on=sent)
                )
            previous = due
        if rng.random() < 0.1:  # one being written
            reports.append(SituationReport(child_id=stay.child_id, written_by_id=head))
    for report in reports:
        for name, text in REPORT_TEXT.items():
            setattr(report, name, text)
    SituationReport.objects.bulk_create(reports, batch_size=world.BATCH)

    # Reviews: every validated version after the first came from a review; 17-year-olds had
    # their autonomy interview as one of them.
    reviews, words = [], []
    for version, (stay, day, head) in zip(versions, version_plans, strict=True):
        if day is None or version.number == 1:
            continue
        birth = stay.child.birth_date
        interview_due = autonomy_due(birth, stay.start_date) if birth is not None else None
        autonomy = interview_due is not None and day >= interview_due - timedelta(days=120)
        declined = rng.random() < 0.15
        wishes = "" if declined else rng.choice(WISHES)
        disagreements = "" if declined or rng.random() < 0.6 else rng.choice(DISAGREEMENTS)
        # the version a review produced carries the words said at it (care.services.ppe)
        version.child_views = "\n\n".join(w for w in (wishes, disagreements) if w)
        version.child_views_missing = "refusal" if declined else ""
        words.append(version)
        reviews.append(
            Review(
                ppe_id=version.ppe_id,
                kind="autonomy_interview" if autonomy else "regular",
                planned_date=day - timedelta(days=rng.randint(0, 10)),
                held_on=day,
                participants="L'enfant, sa référente, le chef de service, la référente ASE",
                child_wishes=wishes,
                child_disagreements=disagreements,
                child_declined_to_speak=declined,
                decisions="Objectifs reconduits ; nouvelle action sur la scolarité.",
                next_review_date=day + timedelta(days=365),
                resulting_version=version,
                recorded_by_id=head,
            )
        )
    Review.objects.bulk_create(reviews, batch_size=world.BATCH)
    PPEVersion.objects.bulk_update(
        words, ["child_views", "child_views_missing"], batch_size=world.BATCH
    )
