"""Scoped reads of the villages and their houses: the village board with its beds, children,
arrivals, departures and co-placement rates; the beds free for an admission; the occupancy of
every establishment; where each person lives today."""

from collections import defaultdict

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext

from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.text import by_name, search_key
from ancrage.organisation.models import Establishment, Unit
from ancrage.organisation.queries import establishment_list, establishments_for
from ancrage.people.models import Person
from ancrage.placements.models import JudgeNotification, Stay
from ancrage.placements.services.stays import village_co_placement

UPCOMING_DAYS = 60


def villages_of(user):
    """The villages the user works in, by name."""
    return (
        establishments_for(user).filter(kind=Establishment.Kind.VILLAGE).order_by(*by_name("name"))
    )


def houses_of(user):
    """The open houses of the user's villages, by village and name."""
    return (
        Unit.objects.houses()
        .filter(active=True, establishment__in=villages_of(user))
        .select_related("establishment")
        .order_by(*by_name("establishment__name", "name"))
    )


def visible_village(user, pk) -> Establishment:
    return get_object_or_404(
        establishments_for(user).filter(kind=Establishment.Kind.VILLAGE), pk=pk
    )


# The columns the board shows of each stay, its child and its house.
BOARD_STAY_FIELDS = (
    "start_date",
    "end_date",
    "child__reference",
    "child__first_names",
    "child__last_name",
    "child__birth_date",
    "unit__name",
)
_PLACE = "P-PLACE"
BED, TAKEN, FREE = '<span class="bed{}"></span>', (" taken",), ("",)


def village_board(user, pk) -> dict:
    """Houses with their beds, the children of each house with their ages (for roles that may see
    names), arrivals and departures to come, and the co-placement rates, in a fixed number of
    queries."""
    village = visible_village(user, pk)
    today = timezone.localdate()
    horizon = calendar.add_days(today, UPCOMING_DAYS)
    houses = sorted(
        Unit.objects.houses().filter(establishment=village, active=True),
        key=lambda u: search_key(u.name),
    )
    stays = list(
        Stay.objects.filter(unit__in=houses)
        .overlapping(today)
        .filter(start_date__lte=horizon)
        .select_related("child", "unit")  # arrivals and departures name the house
        .only(*BOARD_STAY_FIELDS)
        .order_by("child__birth_date")
    )
    with_names = can(user, "person", "view")
    visible = set()
    if with_names:
        visible = set(
            Person.objects.visible_to(user, among=[s.child_id for s in stays]).values_list(
                "pk", flat=True
            )
        )
    rates = village_co_placement(village.pk, today)
    by_house = defaultdict(list)
    arrivals, departures = [], []
    # What the template would compute per child (link, age, departure), once per page.
    before, after = reverse("web:person", args=[_PLACE]).split(_PLACE)
    ages = {}
    for stay in stays:
        stay.named = stay.child_id in visible
        child = stay.child
        if stay.named:
            stay.url = f"{before}{child.reference}{after}"
        if child.birth_date:
            age = calendar.age_on(child.birth_date, today)
            if age not in ages:
                ages[age] = ngettext("%(age)s an", "%(age)s ans", age) % {"age": age}
            stay.age_text = ages[age]
        if stay.end_date:
            stay.leaves_text = gettext("part le %(d)s") % {"d": f"{stay.end_date:%d/%m}"}
        if stay.start_date > today:
            arrivals.append(stay)
        else:
            by_house[stay.unit_id].append(stay)
            if stay.end_date and stay.end_date <= horizon:
                departures.append(stay)
    rows = []
    for house in houses:
        present = by_house[house.pk]
        taken, free = len(present), max(house.capacity - len(present), 0)
        co = rates["house"].get(house.pk)
        rows.append(
            {
                "house": house,
                "stays": present,
                "taken": taken,
                "free": free,
                # one span per bed, taken ones first, built here rather than by a loop of
                # the template
                "beds": format_html_join(
                    "", BED, [TAKEN] * min(taken, house.capacity) + [FREE] * free
                ),
                "occupancy": ngettext(
                    "%(t)s / %(c)s · %(f)s place libre",
                    "%(t)s / %(c)s · %(f)s places libres",
                    free,
                )
                % {"t": taken, "c": house.capacity, "f": free},
                "co_placement": co,
                "co_placement_text": gettext("co-placement %(t)s / %(n)s")
                % {"t": co.together, "n": co.with_siblings}
                if co
                else "",
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


def house_beds(houses, day=None):
    """Houses with the beds free for a child arriving on `day` (today when not given) and
    staying: the capacity less the most children the house holds on one day from then on (the
    rule the capacity check applies). Two queries."""
    day = day or timezone.localdate()
    houses = list(houses)
    spans = defaultdict(list)
    for unit_id, start, end in (
        Stay.objects.filter(unit__in=[h.pk for h in houses])
        .overlapping(day)
        .values_list("unit_id", "start_date", "end_date")
    ):
        spans[unit_id].append((start, end))
    rows = []
    for house in houses:
        stays = spans[house.pk]
        days = {day} | {start for start, _end in stays if start > day}
        taken = max(
            sum(1 for start, end in stays if start <= d and (end is None or end > d)) for d in days
        )
        rows.append({"house": house, "taken": taken, "free": max(house.capacity - taken, 0)})
    return rows


def occupancy_board(user):
    """Per establishment, its units with capacity and the number of children living there
    today: figures only, no names. One query whatever the number of houses (two for an
    organisation-wide role: its establishments are read, not those its memberships loaded)."""
    today = timezone.localdate()
    establishments = establishment_list(user)
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


def stays_with_current(person, others, *, own: bool) -> list:
    """Set on each of `others` (persons) their stays today, as `current_stays()` prefetches them
    into `current_stays`, and return the person's own stays (all of them, newest first) when
    `own`: one query for what a person page shows beside the file and of the persons it names."""
    if not others and not own:
        return []
    today = timezone.localdate()
    wanted = Q(child_id__in=[other.pk for other in others]) & Q(
        Q(start_date__lte=today), Q(end_date__isnull=True) | Q(end_date__gt=today)
    )
    if own:
        wanted |= Q(child_id=person.pk)
    by_child = {other.pk: [] for other in others}
    mine = []
    for stay in (
        Stay.objects.filter(wanted).select_related("unit__establishment").order_by("-start_date")
    ):
        if stay.child_id == person.pk:
            mine.append(stay)
        else:
            by_child[stay.child_id].append(stay)
    for other in others:
        other.current_stays = by_child[other.pk]
    return mine


def _house_units(villages):
    return Unit.objects.filter(
        establishment__in=villages, kind=Unit.Kind.HOUSE, active=True
    ).order_by()


def occupancy_totals(villages, today=None) -> dict:
    """The beds, open houses and children living there today of these villages (a queryset or
    ids), summed: two aggregate queries, the second counting only today's stays through the
    `stay_leaves_idx` (today's stays' index entries, never the stays' history)."""
    today = today or timezone.localdate()
    units = _house_units(villages).aggregate(capacity=Sum("capacity"), houses=Count("pk"))
    occupied = Stay.objects.living(today).filter(unit__in=_house_units(villages)).order_by().count()
    return {
        "capacity": units["capacity"] or 0,
        "houses": units["houses"],
        "occupied": occupied,
        "free": max((units["capacity"] or 0) - occupied, 0),
    }


def with_occupancy(villages, today=None):
    """These villages (a queryset) annotated with their beds (`capacity`), open houses
    (`houses`) and children living there today (`occupied`): correlated subqueries, computed
    for the rows fetched only (a page of villages), not for every village of the queryset."""
    today = today or timezone.localdate()
    units = Unit.objects.filter(
        establishment=OuterRef("pk"), kind=Unit.Kind.HOUSE, active=True
    ).order_by()
    stays = (
        Stay.objects.current(today)
        .filter(unit__establishment=OuterRef("pk"), unit__kind=Unit.Kind.HOUSE, unit__active=True)
        .order_by()
    )
    return villages.annotate(
        capacity=Coalesce(
            Subquery(units.values("establishment").annotate(n=Sum("capacity")).values("n")), 0
        ),
        houses=Coalesce(
            Subquery(units.values("establishment").annotate(n=Count("pk")).values("n")), 0
        ),
        occupied=Coalesce(
            Subquery(stays.values("unit__establishment").annotate(n=Count("pk")).values("n")),
            0,
        ),
    )
