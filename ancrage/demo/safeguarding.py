"""Demo and scale data for safeguarding: incidents spread over the last eighteen months across
categories, severities and states, with their children, history, actions and a few declarations
to the authority (one still awaiting its written confirmation 48 hours after the alert).

Called once from `World.build`; deterministic (own random generator); bulk inserts. About sixty
incidents per village at the demo scale, 50 000 in all at the large scale. The three encrypted
columns are encrypted row by row by the field (Fernet) during the bulk insert."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days
from ancrage.organisation.models import Establishment
from ancrage.placements.models import Stay
from ancrage.safeguarding.models import (
    Declaration,
    Incident,
    IncidentAction,
    IncidentChild,
    IncidentTransition,
    IndicatorsState,
    Transmission,
    evaluation_due,
    refresh_declaration_pending,
)

LARGE_TOTAL = 50_000
DEMO_PER_VILLAGE = 60
MONTHS = 18
BATCH = 2000

C = Incident.Category
# (category, weight, narrative, immediate measures)
KINDS = [
    (
        C.VIOLENCE_BETWEEN_CHILDREN,
        30,
        "Bagarre entre deux enfants au retour de l'école ; coups de poing, griffures au visage.",
        "Enfants séparés, soins de l'infirmière, reprise en entretien le soir même.",
    ),
    (
        C.DISAPPEARANCE,
        18,
        "Enfant non rentré après le collège ; retrouvé le soir chez un camarade.",
        "Déclaration de fugue à la gendarmerie, appel aux parents, retour accompagné.",
    ),
    (
        C.CARE_FAILURE,
        10,
        "Traitement du soir oublié deux jours de suite pendant un remplacement.",
        "Avis du médecin, fiche de traitement affichée, point avec la remplaçante.",
    ),
    (
        C.MALTREATMENT,
        6,
        "Propos humiliants d'un adulte rapportés par un enfant à son éducatrice.",
        "Adulte écarté de la maison, enfant entendu par la psychologue.",
    ),
    (
        C.SUICIDE_ATTEMPT,
        3,
        "Adolescente retrouvée après avoir absorbé des médicaments ; transportée aux urgences.",
        "Appel du SAMU, accompagnement à l'hôpital, veille renforcée.",
    ),
    (
        C.STAFF_SHORTAGE,
        10,
        "Maison restée sans adulte qualifié une nuit faute de remplaçant.",
        "Astreinte du chef de service, renfort d'une autre maison.",
    ),
    (
        C.EQUIPMENT_FAILURE,
        8,
        "Panne de chauffage en plein hiver dans une maison.",
        "Enfants hébergés dans la maison commune, dépannage demandé.",
    ),
    (
        C.EXTREME_WEATHER,
        4,
        "Inondation du sous-sol après un orage ; salle de jeux inutilisable.",
        "Mise en sécurité électrique, déménagement des affaires des enfants.",
    ),
    (
        C.MALICIOUS_ACT,
        4,
        "Intrusion nocturne dans le jardin, vélo volé, menaces envers un jeune.",
        "Plainte déposée, portail réparé, éclairage ajouté.",
    ),
    (
        C.OTHER,
        7,
        "Chute dans l'escalier pendant le rangement ; entorse de la cheville.",
        "Soins, radiographie, information des parents.",
    ),
]
# Who a story can be about (youngest age, oldest age, sex or None): the narratives above speak
# of an adolescent girl, of school and middle school, of a young person threatened.
FITS = {
    C.VIOLENCE_BETWEEN_CHILDREN: (6, 21, None),
    C.DISAPPEARANCE: (11, 21, None),
    C.MALTREATMENT: (4, 21, None),
    C.SUICIDE_ATTEMPT: (13, 21, "F"),
    C.MALICIOUS_ACT: (12, 21, None),
    C.OTHER: (3, 21, None),
}
# Events of a house, not of a child (a night without a qualified adult, the heating down): they
# name no child; the house is one where children of the village live, its parent reports them.
HOUSE_EVENTS = {C.STAFF_SHORTAGE, C.EQUIPMENT_FAILURE}
SEVERITY = [
    (Incident.Severity.MINOR, 60),
    (Incident.Severity.SERIOUS, 32),
    (Incident.Severity.CRITICAL, 8),
]
PLACES = ["Cuisine", "Jardin", "Chambre", "Salle commune", "Trajet de l'école", "Escalier"]
ACTIONS = [
    "Réunion d'équipe sur l'événement",
    "Entretien avec l'enfant et sa référente",
    "Information du juge des enfants",
    "Rappel des consignes de surveillance",
]


def fits(category, age, sex) -> bool:
    """Whether a child of this age and sex fits the category's story."""
    low, high, only = FITS.get(category, (0, 21, None))
    return age is not None and low <= age <= high and (only is None or sex == only)


def _pick(rng, weighted):
    return rng.choices([v[0] for v in weighted], weights=[v[1] for v in weighted])[0]


def seed_incidents(world) -> int:
    """Create the incidents of every village; returns how many."""
    rng = random.Random(5)  # its own draws: the core data stay the same
    # midnight of the anchor day: never in the future when the anchor is today
    now = timezone.make_aware(datetime.combine(world.anchor, time(0, 0)))
    villages = list(Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk"))
    total = LARGE_TOTAL * world.scale.volume
    per_village = DEMO_PER_VILLAGE if len(villages) <= 10 else max(1, total // len(villages))
    memberships = Membership.objects.filter(
        role__in=[Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR]
    ).order_by("pk")
    parents, heads, directors = {}, {}, {}
    for m in memberships.values("role", "user_id", "unit_id", "establishment_id"):
        if m["role"] == Role.HOUSE_PARENT:
            parents.setdefault(m["unit_id"], m["user_id"])
        elif m["role"] == Role.HEAD_OF_SERVICE:
            heads.setdefault(m["establishment_id"], m["user_id"])
        else:
            directors.setdefault(m["establishment_id"], m["user_id"])
    children = {}
    for child_id, unit_id, village_id, birth_date, sex in (
        Stay.objects.filter(end_date__isnull=True)
        .order_by("child_id")
        .values_list(
            "child_id", "unit_id", "unit__establishment_id", "child__birth_date", "child__sex"
        )
    ):
        age = calendar.age_on(birth_date, world.anchor) if birth_date else None
        children.setdefault(village_id, []).append((child_id, unit_id, age, sex))
    created = 0
    pending: list[tuple[Incident, dict]] = []
    for village in villages:
        kids = children.get(village.pk) or []
        head = heads.get(village.pk)
        if not kids or head is None:
            continue
        for index in range(per_village):
            pending.append(_incident(rng, village, kids, parents, head, now, index))
            if len(pending) >= BATCH:
                created += _flush(pending, rng)
                pending = []
    created += _flush(pending, rng)
    _declarations(rng, villages, heads, directors, now)
    _transmissions(rng, heads, now)
    return created


def _incident(rng, village, kids, parents, head, now, index):
    kind = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    category, _weight, narrative, measures = kind
    # each village's first incidents are recent (days), the others spread over 18 months
    days_ago = rng.uniform(0.1, 20) if index < 8 else rng.uniform(0, MONTHS * 30.4)
    reported_at = now - timedelta(days=days_ago)
    occurred_at = reported_at - timedelta(minutes=rng.randint(10, 36 * 60))
    fitting = [k for k in kids if fits(category, k[2], k[3])] or kids
    victim, unit, _age, _sex = rng.choice(fitting)
    house_event = category in HOUSE_EVENTS
    involved = [] if house_event else [(victim, IncidentChild.Role.VICTIM)]
    if category == C.VIOLENCE_BETWEEN_CHILDREN and len(kids) > 1:
        other = rng.choice(fitting)[0]
        if other != victim:
            involved.append((other, IncidentChild.Role.ALLEGED_AUTHOR))
    if rng.random() < 0.3 and len(kids) > 2 and not house_event:
        witness = rng.choice([k for k in kids if k[2] is None or k[2] >= 6] or kids)[0]
        if witness not in {c for c, _r in involved}:
            involved.append((witness, IncidentChild.Role.WITNESS))
    reporter = parents.get(unit, head)
    severity = _pick(rng, SEVERITY)
    # the state follows the age: recent ones are still open
    qualify_after = timedelta(hours=rng.choice([1, 3, 6, 20, 30, 50, 120]) * rng.uniform(0.5, 1.5))
    close_after = timedelta(days=rng.uniform(2, 60))
    qualified_at = reported_at + qualify_after
    if qualified_at > now or (index < 3 and rng.random() < 0.8):
        status, qualified_at, closed_at = Incident.Status.REPORTED, None, None
    elif qualified_at + close_after > now:
        status = rng.choice([Incident.Status.QUALIFIED, Incident.Status.BEING_HANDLED])
        closed_at = None
    else:
        status, closed_at = Incident.Status.CLOSED, qualified_at + close_after
    qualified = status != Incident.Status.REPORTED
    declare = qualified and (
        category in (C.MALTREATMENT, C.SUICIDE_ATTEMPT)
        or (severity == Incident.Severity.CRITICAL and rng.random() < 0.5)
    )
    incident = Incident(
        establishment_id=village.pk,
        occurred_at=occurred_at,
        reported_at=reported_at,
        place=rng.choice(PLACES),
        narrative=narrative,
        immediate_measures=measures,
        adults_involved="L'éducatrice de permanence" if rng.random() < 0.5 else "",
        reporter_id=reporter,
        status=status,
        category=category if qualified else "",
        severity=severity if qualified else "",
        serious_malfunction_to_declare=declare,
        outcome="Situation reprise en équipe ; mesures maintenues." if closed_at else "",
        qualified_at=qualified_at,
        closed_at=closed_at,
    )
    history = [("", Incident.Status.REPORTED, reporter, reported_at)]
    if qualified:
        history.append((Incident.Status.REPORTED, Incident.Status.QUALIFIED, head, qualified_at))
    if status in (Incident.Status.BEING_HANDLED, Incident.Status.CLOSED):
        history.append(
            (
                Incident.Status.QUALIFIED,
                Incident.Status.BEING_HANDLED,
                head,
                qualified_at + timedelta(hours=2),
            )
        )
    if closed_at:
        history.append((Incident.Status.BEING_HANDLED, Incident.Status.CLOSED, head, closed_at))
    incident.version = len(history)
    return incident, {"involved": involved, "history": history, "head": head}


def _flush(pending, rng) -> int:
    if not pending:
        return 0
    incidents = Incident.objects.bulk_create([i for i, _x in pending], batch_size=BATCH)
    links, transitions, actions = [], [], []
    for incident, extra in zip(incidents, (x for _i, x in pending), strict=True):
        links += [
            IncidentChild(incident_id=incident.pk, person_id=person, role=role)
            for person, role in extra["involved"]
        ]
        for from_status, to_status, author, at in extra["history"]:
            reason = incident.outcome if to_status == Incident.Status.CLOSED else ""
            transitions.append(
                IncidentTransition(
                    incident_id=incident.pk,
                    from_status=from_status,
                    to_status=to_status,
                    author_id=author,
                    at=at,
                    reason=reason,
                )
            )
        if incident.status in (Incident.Status.BEING_HANDLED, Incident.Status.CLOSED):
            actions.append(
                IncidentAction(
                    incident_id=incident.pk,
                    what=rng.choice(ACTIONS),
                    owner_id=extra["head"],
                    created_by_id=extra["head"],
                    due_date=(incident.qualified_at + timedelta(days=7)).date(),
                    done_at=incident.closed_at,
                )
            )
    IncidentChild.objects.bulk_create(links, batch_size=5000)
    IncidentTransition.objects.bulk_create(transitions, batch_size=5000)
    IncidentAction.objects.bulk_create(actions, batch_size=5000)
    return len(incidents)


def _declarations(rng, villages, heads, directors, now):
    """Declarations of the incidents qualified as serious malfunctions: alerted within hours,
    most confirmed in writing within 48 hours, some late; in the first village, the most recent
    one still awaits its written confirmation three days after the alert."""
    to_declare = list(
        Incident.objects.filter(serious_malfunction_to_declare=True)
        .order_by("-reported_at", "pk")
        .values("pk", "establishment_id", "occurred_at", "reported_at", "immediate_measures")
    )
    first = villages[0].pk if villages else None
    missing_done = False
    rows = []
    for row in to_declare:
        village = row["establishment_id"]
        alerted_at = row["reported_at"] + timedelta(hours=rng.uniform(0.5, 6))
        if alerted_at > now:
            alerted_at = now - timedelta(hours=1)
        if village == first and not missing_done:
            # the flag of the demo: alerted 2½ days ago at 9:30, not confirmed in writing
            alerted_at = max(row["reported_at"], now - timedelta(hours=62, minutes=30))
            confirmed_at = None
            missing_done = True
        else:
            late = rng.random() < 0.15
            confirmed_at = alerted_at + timedelta(
                hours=rng.uniform(50, 120) if late else rng.uniform(4, 40)
            )
            if confirmed_at > now:
                confirmed_at = None if alerted_at > now - timedelta(hours=48) else now
        author = directors.get(village) or heads[village]
        rows.append(
            Declaration(
                incident_id=row["pk"],
                discovered_at=row["occurred_at"] + timedelta(minutes=rng.randint(5, 180)),
                facts="Voir le signalement : faits constatés par l'équipe, enfant mis à l'abri.",
                measures_taken=row["immediate_measures"] or "Mise à l'abri de l'enfant.",
                media_impact="Aucun",
                alerted_at=alerted_at,
                alerted_by_id=author,
                alerted_to="Astreinte de l'aide sociale à l'enfance du département",
                confirmed_at=confirmed_at,
                cvs_informed_on=(alerted_at + timedelta(days=10)).date()
                if confirmed_at and alerted_at + timedelta(days=10) < now
                else None,
                cvs_informed_by_id=author
                if confirmed_at and alerted_at + timedelta(days=10) < now
                else None,
                prepared_by_id=author,
                prepared_at=alerted_at,
            )
        )
    Declaration.objects.bulk_create(rows, batch_size=BATCH)
    # bulk writes send no signal: stored indicators are stale, the candidates of the late
    # declarations are marked here
    IndicatorsState.move_on()
    refresh_declaration_pending()


def _transmissions(rng, heads, now):
    """The qualified maltreatment incidents: an information préoccupante to the CRIP of the
    village's département a few hours after the qualification, received a day or three later
    and, for most of those received more than three months ago, its outcome; a signalement to
    the procureur (copy to the département) too when the maltreatment is not minor."""
    rows = []
    today = timezone.localdate(now)
    for row in (
        Incident.objects.filter(category=Incident.Category.MALTREATMENT, qualified_at__isnull=False)
        .order_by("pk")
        .values("pk", "establishment_id", "establishment__departement", "qualified_at", "severity")
    ):
        author = heads[row["establishment_id"]]
        departement = row["establishment__departement"]
        at = min(row["qualified_at"] + timedelta(hours=rng.uniform(1, 6)), now)
        received_on = add_days(timezone.localdate(at), rng.randint(1, 3))
        received_on = received_on if received_on <= today else None
        due = evaluation_due(Transmission.Kind.INFORMATION_PREOCCUPANTE, received_on)
        known = due is not None and due < today and rng.random() < 0.8
        common = {
            "incident_id": row["pk"],
            "transmitted_at": at,
            "transmitted_by_id": author,
            "created_by_id": author,
            "created_at": at,
        }
        rows.append(
            Transmission(
                kind=Transmission.Kind.INFORMATION_PREOCCUPANTE,
                recipient=f"CRIP du département ({departement})",
                received_on=received_on,
                evaluation_due=due,
                outcome=rng.choice(
                    [
                        Transmission.Outcome.NO_FURTHER_ACTION,
                        Transmission.Outcome.ADMINISTRATIVE_PROTECTION,
                        Transmission.Outcome.JUDGE_SEIZED,
                    ]
                )
                if known
                else "",
                outcome_on=due if known else None,
                **common,
            )
        )
        if row["severity"] != Incident.Severity.MINOR:
            rows.append(
                Transmission(
                    kind=Transmission.Kind.SIGNALEMENT,
                    recipient="Procureur de la République près le tribunal judiciaire",
                    copy_to=f"Président du conseil départemental ({departement})",
                    **common,
                )
            )
    Transmission.objects.bulk_create(rows, batch_size=BATCH)
