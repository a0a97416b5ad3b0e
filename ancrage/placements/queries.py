"""Scoped reads for the villages: the board, the waiting list, a child's placement file, family
visits and the visit calendar, measure documents."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.text import search_key
from ancrage.organisation.models import Establishment, Unit
from ancrage.organisation.queries import establishments_for
from ancrage.people.models import FamilyLink, Person
from ancrage.people.queries import record_person_read, visible_person
from ancrage.placements.models import (
    AdmissionRequest,
    JudgeNotification,
    MeasureDocument,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    Visit,
    VisitRight,
)
from ancrage.placements.services import village_co_placement

UPCOMING_DAYS = 60
UPCOMING_VISITS = 5  # on the person page
CALENDAR_DAYS = 28  # the village's visit calendar: the next four weeks


def visible_village(user, pk) -> Establishment:
    return get_object_or_404(
        establishments_for(user).filter(kind=Establishment.Kind.VILLAGE), pk=pk
    )


def village_board(user, pk) -> dict:
    """Houses with their beds, the children of each house with their ages (for roles that may see
    names), arrivals and departures to come, and the co-placement rates, in a fixed number of
    queries."""
    village = visible_village(user, pk)
    today = timezone.localdate()
    horizon = today + timedelta(days=UPCOMING_DAYS)
    houses = sorted(
        Unit.objects.houses().filter(establishment=village, active=True),
        key=lambda u: search_key(u.name),
    )
    stays = list(
        Stay.objects.filter(unit__in=houses)
        .overlapping(today)
        .filter(start_date__lte=horizon)
        .select_related("child", "unit")  # arrivals and departures name the house
        .order_by("child__birth_date")
    )
    with_names = can(user, "person", "view")
    visible = set()
    if with_names:
        visible = set(
            Person.objects.visible_to(user)
            .filter(pk__in=[s.child_id for s in stays])
            .values_list("pk", flat=True)
        )
    rates = village_co_placement(village.pk, today)
    by_house = defaultdict(list)
    arrivals, departures = [], []
    for stay in stays:
        stay.named = stay.child_id in visible
        if stay.start_date > today:
            arrivals.append(stay)
        else:
            by_house[stay.unit_id].append(stay)
            if stay.end_date and stay.end_date <= horizon:
                departures.append(stay)
    rows = []
    for house in houses:
        present = by_house[house.pk]
        rows.append(
            {
                "house": house,
                "stays": present,
                "taken": len(present),
                "free": max(house.capacity - len(present), 0),
                "beds": [True] * min(len(present), house.capacity)
                + [False] * max(house.capacity - len(present), 0),
                "co_placement": rates["house"].get(house.pk),
            }
        )
    if with_names:
        shown = [s.child for s in stays if s.named]
        record_access(user, shown, "placements.village_board", AccessEvent.Action.LIST)
    return {
        "village": village,
        "rows": rows,
        "capacity": sum(h.capacity for h in houses),
        "taken": sum(r["taken"] for r in rows),
        "arrivals": sorted(arrivals, key=lambda s: s.start_date),
        "departures": sorted(departures, key=lambda s: s.end_date),
        "co_placement": rates["establishment"].get(village.pk),
        "co_placement_all": rates["all"],
        "with_names": with_names,
        "with_admissions": can(user, "admission", "view"),
        "with_visits": can(user, "visit", "view"),
        "with_incidents": can(user, "incident", "view"),
        "with_deadlines": can(user, "deadline", "view"),
        "can_report_incident": can(user, "incident", "report"),
        "today": today,
        "horizon": horizon,
        "pending_notices": JudgeNotification.objects.pending().filter(establishment=village).count()
        if can(user, "judge_notice", "view")
        else None,
    }


def waiting_list(user, village_pk):
    village = visible_village(user, village_pk)
    requests = list(
        AdmissionRequest.objects.filter(
            establishment=village, status=AdmissionRequest.Status.WAITING
        ).prefetch_related(Prefetch("children", queryset=Person.objects.order_by("birth_date")))
    )
    decided = list(
        AdmissionRequest.objects.filter(establishment=village)
        .exclude(status=AdmissionRequest.Status.WAITING)
        .order_by("-decided_on", "-pk")
        .prefetch_related(Prefetch("children", queryset=Person.objects.order_by("birth_date")))[:20]
    )
    record_access(
        user,
        {c for r in requests + decided for c in r.children.all()},
        "placements.waiting_list",
        AccessEvent.Action.LIST,
    )
    return {"village": village, "requests": requests, "decided": decided}


def visible_admission(user, pk) -> AdmissionRequest:
    """An admission request of a village the user works in (404 otherwise)."""
    village_ids = establishments_for(user).filter(kind=Establishment.Kind.VILLAGE).values("pk")
    admission = get_object_or_404(
        AdmissionRequest.objects.filter(establishment__in=village_ids).select_related(
            "establishment"
        ),
        pk=pk,
    )
    children = list(admission.children.order_by("birth_date"))
    record_access(user, children, "placements.admission", AccessEvent.Action.VIEW)
    admission.ordered_children = children
    return admission


def placement_file(user, person) -> dict:
    """The placement sections of a person page: measures, separations, judge notices and visit
    rights."""
    context = {}
    if can(user, "measure", "view"):
        context["measures"] = list(
            ProtectionMeasure.objects.filter(child=person)
            .select_related("establishment")
            .prefetch_related("documents")
        )
    if can(user, "judge_notice", "view"):
        context["judge_notices"] = list(
            JudgeNotification.objects.filter(child=person).order_by("sent_on", "due_date")
        )
        context["separations"] = list(
            SiblingSeparation.objects.filter(child=person).select_related("sibling", "author")
        )
    if can(user, "visit", "view"):
        today = timezone.localdate()
        context["visit_rights"] = _with_relation(
            _visit_rights(user).filter(child=person).not_ended(today)
        )
        context["upcoming_visits"] = list(
            Visit.objects.planned_from(start_of(today))
            .filter(right__child=person)
            .select_related("right__relative")
            .annotate(relative_named=_named(user, "right__relative"))
            .order_by("starts_at", "pk")[:UPCOMING_VISITS]
        )
    return context


# Family visits -------------------------------------------------------------------------------


def start_of(day):
    """Midnight at the start of `day`, in the village's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _named(user, path):
    """Whether the person at `path` is one the user may see (and so may name): relatives are
    persons too, and under a break-the-glass only the opened file is named."""
    return Exists(Person.objects.visible_to(user).filter(pk=OuterRef(path)))


def _visit_rights(user):
    kind = FamilyLink.objects.filter(person=OuterRef("child"), relative=OuterRef("relative"))
    return (
        VisitRight.objects.select_related("relative")
        .annotate(
            relative_named=_named(user, "relative"),
            relation=Subquery(kind.values("kind")[:1]),
        )
        .order_by("-start_date", "relative__last_name", "pk")
    )


def _with_relation(rights):
    labels = dict(FamilyLink.Kind.choices)
    rights = list(rights)
    for right in rights:
        right.relation_label = labels.get(right.relation, "")
    return rights


def person_visits(user, reference: str) -> dict:
    """A child's visit rights, every visit (to come, then the past ones, newest first) and
    who recorded them, in a fixed number of queries."""
    person = visible_person(user, reference, audit_as="placements.visits")
    today = timezone.localdate()
    rights = _with_relation(_visit_rights(user).filter(child=person))
    by_pk = {right.pk: right for right in rights}
    visits = list(
        Visit.objects.filter(right__child=person)
        .select_related("recorded_by")
        .order_by("-starts_at", "-pk")
    )
    for visit in visits:
        visit.right = by_pk[visit.right_id]
    start = start_of(today)
    now = timezone.now()
    upcoming, past = [], []
    for visit in visits:
        planned = visit.status == Visit.Status.PLANNED
        visit.to_report = planned and visit.starts_at <= now
        (upcoming if planned and visit.starts_at >= start else past).append(visit)
    return {
        "person": person,
        "sections": {"visit_change": can(user, "visit", "change")},
        "rights": rights,
        "upcoming": upcoming[::-1],  # soonest first
        "past": past,  # newest first
        "today": today,
    }


def visit_rights_for_planning(person):
    """The rights a visit may be planned under: those not ended yet (a suspended right is
    listed, and the service says why it refuses)."""
    return (
        VisitRight.objects.filter(child=person)
        .not_ended()
        .select_related("relative")
        .order_by("relative__last_name", "-start_date")
    )


def relatives_for_visits(user, person):
    """The child's relatives the user may see, with their family link (for the right form)."""
    return list(
        FamilyLink.objects.filter(person=person, relative__in=Person.objects.visible_to(user))
        .select_related("relative")
        .order_by("relative__last_name", "relative__first_names")
    )


def visible_visit(user, pk, *, audit_as: str) -> Visit:
    """A visit of a child the user may see (404 otherwise); the read is recorded."""
    visit = get_object_or_404(
        Visit.objects.filter(right__child__in=Person.objects.visible_to(user))
        .select_related("right__child", "right__relative", "recorded_by")
        .annotate(relative_named=_named(user, "right__relative")),
        pk=pk,
    )
    record_person_read(user, visit.right.child, audit_as)
    return visit


def village_visits(user, pk) -> dict:
    """The visits planned in the next four weeks for the children of a village, day by day.
    Children and relatives are named only when the user may see them (those shown are recorded
    as a list display); the others are counted in their line without a name."""
    village = visible_village(user, pk)
    today = timezone.localdate()
    last_day = today + timedelta(days=CALENDAR_DAYS - 1)
    children = (
        Stay.objects.filter(unit__establishment=village)
        .overlapping(today, last_day + timedelta(days=1))
        .values("child_id")
    )
    visits = list(
        Visit.objects.planned_from(start_of(today))
        .filter(starts_at__lt=start_of(last_day + timedelta(days=1)), right__child__in=children)
        .select_related("right__child", "right__relative")
        .order_by("starts_at", "pk")
    )
    persons = {v.right.child_id for v in visits} | {v.right.relative_id for v in visits}
    visible = set()
    if persons:
        visible = set(
            Person.objects.visible_to(user).filter(pk__in=persons).values_list("pk", flat=True)
        )
    days, shown = {}, {}
    for visit in visits:
        visit.child_named = visit.right.child_id in visible
        # A relative is named beside a child one may name, never beside an anonymous line.
        visit.relative_named = visit.child_named and visit.right.relative_id in visible
        if visit.child_named:
            shown[visit.right.child_id] = visit.right.child
        if visit.relative_named:
            shown[visit.right.relative_id] = visit.right.relative
        days.setdefault(timezone.localtime(visit.starts_at).date(), []).append(visit)
    record_access(user, shown.values(), "placements.village_visits", AccessEvent.Action.LIST)
    return {
        "village": village,
        "days": [{"day": day, "visits": day_visits} for day, day_visits in days.items()],
        "count": len(visits),
        "first_day": today,
        "last_day": last_day,
    }


# Measure documents ---------------------------------------------------------------------------


def visible_measure(user, pk, *, audit_as: str) -> ProtectionMeasure:
    """A measure of a child the user may see (404 otherwise); the read is recorded."""
    measure = get_object_or_404(
        ProtectionMeasure.objects.filter(child__in=Person.objects.visible_to(user)).select_related(
            "child", "establishment"
        ),
        pk=pk,
    )
    record_person_read(user, measure.child, audit_as)
    return measure


def visible_document(user, pk) -> MeasureDocument:
    """A document of a measure whose child the user may see (404 otherwise). Downloading it is
    a read of the child's file, recorded as such."""
    document = get_object_or_404(
        MeasureDocument.objects.filter(
            measure__child__in=Person.objects.visible_to(user)
        ).select_related("measure__child"),
        pk=pk,
    )
    record_person_read(user, document.measure.child, "placements.document")
    return document


def house_beds(houses):
    """Houses with their beds taken today, for choosing where children go (one query)."""
    today = timezone.localdate()
    current = Q(stays__start_date__lte=today) & (
        Q(stays__end_date__isnull=True) | Q(stays__end_date__gt=today)
    )
    return [
        {"house": house, "taken": house.taken, "free": max(house.capacity - house.taken, 0)}
        for house in houses.annotate(taken=Count("stays", filter=current))
    ]


def occupancy_board(user):
    """Per establishment, its units with capacity and the number of children living there
    today: figures only, no names. Two queries whatever the number of houses."""
    today = timezone.localdate()
    establishments = sorted(establishments_for(user), key=lambda e: search_key(e.name))
    units = Unit.objects.filter(establishment__in=establishments, active=True).annotate(
        occupied=Count(
            "stays",
            filter=Q(stays__start_date__lte=today)
            & (Q(stays__end_date__isnull=True) | Q(stays__end_date__gt=today)),
        )
    )
    by_establishment = {e.pk: [] for e in establishments}
    # Sorted in Python on the accent-free key: "Les Érables" between "Les Cèdres" and "Les Frênes",
    # whatever the database's collation.
    for unit in sorted(units, key=lambda u: search_key(u.name)):
        by_establishment[unit.establishment_id].append(unit)
    board = []
    for establishment in establishments:
        houses = [u for u in by_establishment[establishment.pk] if u.kind == Unit.Kind.HOUSE]
        board.append(
            {
                "establishment": establishment,
                "units": by_establishment[establishment.pk],
                "capacity": sum(u.capacity for u in houses),
                "occupied": sum(u.occupied for u in houses),
            }
        )
    return board


def current_stays(lookup: str = "stays"):
    """Prefetch, into `current_stays`, the stays a person has today (where they live), with the
    house and the village: for lists and pages that show where each person lives."""
    return Prefetch(
        lookup,
        queryset=Stay.objects.current().select_related("unit__establishment"),
        to_attr="current_stays",
    )
