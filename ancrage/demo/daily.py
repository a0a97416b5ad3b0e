"""Demo and scale data of the daily care records: journal entries over the last weeks (some
clinical or safeguarding, a few annotated), appointments around today (with the family aide or
house parent accompanying), and a projet pour l'autonomie for every placed young person of 16
or more (the demo `jeune` account's person among them).

Deterministic (the world's random generator and anchor day), bulk inserts in batches from
generators. At the large scale (100 villages) it writes about 2 000 000 journal entries and
200 000 appointments (issue 7's volumes)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.autonomy import AutonomyArea, AutonomyProject, YoungAdultSupport
from ancrage.care.models.journal import JournalAnnotation, JournalEntry, JournalLevel
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import age_on
from ancrage.organisation.models import Unit
from ancrage.placements.models import Stay

BATCH = 10_000
# (entries per house, days of history, appointments per child, days before, days after)
VOLUMES = {
    "demo": (60, 42, 6, 28, 42),
    "large": (2_000, 540, 44, 300, 60),
}
HOUSE_NOTES = [
    "Repas du soir calme, tout le monde a participé à la vaisselle.",
    "Réunion de maison : organisation des vacances de février.",
    "Chaudière en panne ce matin, technicien passé à 14 h.",
    "Sortie au parc l'après-midi, bonne ambiance.",
    "Courses de la semaine faites avec les deux aînés.",
]
# (youngest age the note fits, for a boy, for a girl): a note fits the child it is about.
CHILD_NOTES = [
    (0, "A bien dormi, petit-déjeuner pris avec appétit.", None),
    (
        7,
        "Devoirs faits seul, fier de sa note en mathématiques.",
        "Devoirs faits seule, fière de sa note en mathématiques.",
    ),
    (4, "Un peu triste au retour de l'école ; a parlé de sa mère au coucher.", None),
    (3, "Dispute pour la télévision, apaisée après discussion.", None),
    (
        6,
        "Entraînement de football, rentré fatigué mais content.",
        "Entraînement de football, rentrée fatiguée mais contente.",
    ),
    (3, "Rendez-vous chez l'orthophoniste : exercices à refaire à la maison.", None),
    (5, "A appelé son père au téléphone, échange court mais serein.", None),
    (
        2,
        "Cauchemar dans la nuit, rassuré puis rendormi.",
        "Cauchemar dans la nuit, rassurée puis rendormie.",
    ),
]
CLINICAL_NOTES = [
    "Entretien psychologique : évoque des angoisses avant les visites.",
    "Bilan : progrès dans l'expression des émotions ; poursuivre le suivi.",
]
SAFEGUARDING_NOTES = [
    "Propos rapportés par l'enfant au coucher à transmettre au chef de service.",
    "Marque au bras constatée au retour de visite ; l'enfant dit s'être cogné au toboggan.",
]
ANNOTATIONS = [
    "Vu en réunion d'équipe, à reprendre avec l'enfant.",
    "Information transmise au chef de service.",
]
APPOINTMENTS = [
    (Appointment.Kind.HEALTH, "Cabinet médical du village", "Médecin traitant", "Vaccins à jour"),
    (Appointment.Kind.HEALTH, "Centre médico-psychologique", "Pédopsychiatre", "Suivi mensuel"),
    (Appointment.Kind.SCHOOL, "Collège Jules-Verne", "Professeur principal", ""),
    (Appointment.Kind.SCHOOL, "École élémentaire", "Directrice", "Équipe éducative"),
    (Appointment.Kind.COURT, "Tribunal judiciaire", "Juge des enfants", "Audience de révision"),
    (Appointment.Kind.ASE_MEETING, "Maison départementale", "Référente ASE", "Point PPE"),
    (Appointment.Kind.FAMILY_VISIT, "Chez la grand-mère", "Grand-mère maternelle", ""),
    (Appointment.Kind.OTHER, "Club de judo", "Entraîneur", "Inscription"),
]
AREA_STEPS = {
    AutonomyArea.Area.RESOURCES: "Ouvrir un compte bancaire au nom du jeune",
    AutonomyArea.Area.HOUSING: "Demande de logement en foyer de jeunes travailleurs",
    AutonomyArea.Area.EMPLOYMENT: "Stage de découverte en boulangerie",
    AutonomyArea.Area.HEALTH: "Demande de carte Vitale personnelle",
    AutonomyArea.Area.ADMINISTRATION: "Renouveler la carte d'identité",
}


def child_note(rng, age: int, sex: str) -> str:
    """A journal note that fits the child: their age, their sex (one draw, as before)."""
    fitting = [note for note in CHILD_NOTES if note[0] <= age] or CHILD_NOTES[:1]
    _youngest, boy, girl = rng.choice(fitting)
    return girl if girl and sex == "F" else boy


def _batched(model, rows, progress, batch=BATCH):
    """Insert `rows` in batches, the progress bar following them (and closed at the end)."""
    with progress:
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                model.objects.bulk_create(chunk)
                progress.update(len(chunk))
                chunk = []
        if chunk:
            model.objects.bulk_create(chunk)
            progress.update(len(chunk))


def seed_daily(world) -> None:
    """Called from World.build once the children and the staff exist."""
    volumes = VOLUMES["large" if world.scale.villages > 10 else "demo"]
    entries_per_house, history_days, per_child, days_before, days_after = volumes
    rng, anchor = world.rng, world.anchor
    paris = timezone.get_current_timezone()
    houses = list(Unit.objects.houses().order_by("pk"))
    staff = {}
    for m in Membership.objects.filter(
        role__in=[Role.HOUSE_PARENT, Role.FAMILY_AIDE, Role.HEAD_OF_SERVICE, Role.CLINICIAN]
    ).order_by("pk"):
        staff.setdefault((m.unit_id or m.establishment_id, m.role), m.user_id)
    living, about = {}, {}
    for child_id, unit_id, birth_date, sex in (
        Stay.objects.current(anchor)
        .order_by("child_id")
        .values_list("child_id", "unit_id", "child__birth_date", "child__sex")
    ):
        living.setdefault(unit_id, []).append(child_id)
        about[child_id] = (age_on(birth_date, anchor) if birth_date else 0, sex)

    def entries():
        for house in houses:
            village = house.establishment_id
            parent, aide = staff[(house.pk, Role.HOUSE_PARENT)], staff[(house.pk, Role.FAMILY_AIDE)]
            children = living.get(house.pk, [])
            for _ in range(entries_per_house):
                # During the day (7 h to 22 h), over the history window.
                day = anchor - timedelta(days=rng.randint(1, history_days))
                written_at = datetime.combine(
                    day, time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=paris
                )
                draw = rng.random()
                child = rng.choice(children) if children and draw > 0.15 else None
                level, author, text = JournalLevel.HOUSE_TEAM, rng.choice((parent, aide)), None
                if child and draw > 0.95:
                    level, text = JournalLevel.SAFEGUARDING, rng.choice(SAFEGUARDING_NOTES)
                    author = parent
                elif child and draw > 0.87:
                    level, text = JournalLevel.CLINICAL, rng.choice(CLINICAL_NOTES)
                    author = staff[(village, Role.CLINICIAN)]
                if text is None and child:
                    text = child_note(rng, *about[child])
                elif text is None:
                    text = rng.choice(HOUSE_NOTES)
                yield JournalEntry(
                    house_id=house.pk,
                    child_id=child,
                    level=level,
                    text=text,
                    author_id=author,
                    written_at=written_at,
                )

    _batched(JournalEntry, entries(), world.progress("Journal", len(houses) * entries_per_house))
    # A few annotations, on the most recent safeguarding entries (head of service's follow-up).
    annotated = JournalEntry.objects.filter(level=JournalLevel.SAFEGUARDING).order_by(
        "-written_at"
    )[: 5 * len({h.establishment_id for h in houses})]
    JournalAnnotation.objects.bulk_create(
        JournalAnnotation(
            entry=entry,
            text=rng.choice(ANNOTATIONS),
            author_id=staff[(entry.house.establishment_id, Role.HEAD_OF_SERVICE)],
            written_at=entry.written_at + timedelta(hours=rng.randint(1, 20)),
        )
        for entry in annotated.select_related("house")
    )

    def appointments():
        for house in houses:
            parent, aide = staff[(house.pk, Role.HOUSE_PARENT)], staff[(house.pk, Role.FAMILY_AIDE)]
            for child in living.get(house.pk, []):
                for _ in range(per_child):
                    kind, place, who, notes = rng.choice(APPOINTMENTS)
                    day = anchor + timedelta(days=rng.randint(-days_before, days_after))
                    starts_at = datetime.combine(
                        day, time(rng.randint(8, 17), rng.choice((0, 30))), tzinfo=paris
                    )
                    cancelled = rng.random() < 0.05
                    yield Appointment(
                        child_id=child,
                        kind=kind,
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=rng.choice((30, 60, 90))),
                        place=place,
                        with_whom=who,
                        accompanied_by_id=rng.choice((parent, aide, None)),
                        notes=notes,
                        status=Appointment.Status.CANCELLED
                        if cancelled
                        else Appointment.Status.PLANNED,
                        cancellation_reason="Reporté à la demande du cabinet" if cancelled else "",
                        created_by_id=parent,
                        created_at=starts_at - timedelta(days=rng.randint(3, 30)),
                    )

    total = sum(len(living.get(house.pk, [])) for house in houses) * per_child
    _batched(Appointment, appointments(), world.progress("Rendez-vous", total))
    with world.step("Projets pour l'autonomie"):
        autonomy_projects(world, staff)


def autonomy_projects(world, staff) -> None:
    """A project for every young person of 16 or more living in a house today, its five areas
    at various stages; the 18-year-olds also get their accompaniment to 21."""
    rng, anchor = world.rng, world.anchor
    stays = (
        Stay.objects.current(anchor)
        .filter(child__birth_date__lte=anchor - relativedelta(years=16))
        .select_related("child", "unit")
        .order_by("child_id")
    )
    projects, young = [], []
    for stay in stays:
        author = staff[(stay.unit.establishment_id, Role.HEAD_OF_SERVICE)]
        projects.append(AutonomyProject(person=stay.child, created_by_id=author))
        young.append((stay.child, author))
    AutonomyProject.objects.bulk_create(projects, batch_size=BATCH)
    statuses = AutonomyArea.Status.values
    areas, supports = [], []
    for project, (person, author) in zip(projects, young, strict=True):
        for code in AutonomyArea.Area.values:
            status = rng.choice(statuses)
            areas.append(
                AutonomyArea(
                    project=project,
                    area=code,
                    status=status,
                    notes="" if status == "not_started" else "Travaillé avec le référent.",
                    next_step="" if status == "achieved" else AREA_STEPS[code],
                    updated_by_id=author,
                )
            )
        adult = person.birth_date + relativedelta(years=18)
        if adult <= anchor:
            supports.append(
                YoungAdultSupport(
                    project=project,
                    kind=YoungAdultSupport.Kind.CONTRAT_JEUNE_MAJEUR,
                    start_date=adult,
                    end_date=adult + relativedelta(years=1),
                    created_by_id=author,
                )
            )
    AutonomyArea.objects.bulk_create(areas, batch_size=BATCH)
    YoungAdultSupport.objects.bulk_create(supports, batch_size=BATCH)
