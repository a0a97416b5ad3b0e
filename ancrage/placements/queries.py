"""Scoped reads for the villages: the board, the waiting list, a child's placement file."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.core.access import can
from ancrage.core.audit import record_access
from ancrage.core.models import AccessEvent
from ancrage.core.queries import establishments_for
from ancrage.core.text import search_key
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import Person
from ancrage.placements.models import (
    AdmissionRequest,
    JudgeNotification,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    VisitRight,
)
from ancrage.placements.services import co_placement

UPCOMING_DAYS = 60


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
        .select_related("child")
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
    rates = co_placement(today)
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
        context["visit_rights"] = list(
            VisitRight.objects.filter(child=person)
            .select_related("relative")
            .order_by("relative__last_name")
        )
    return context


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
