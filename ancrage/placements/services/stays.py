"""The rules every admission and move obeys, written once: the house capacity and the sibling
rule (Code civil art. 371-5: brothers and sisters live together unless a recorded justification
says why not, and the judge is told within 48 h); and the co-placement indicator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ancrage.kernel import calendar
from ancrage.organisation.models import Unit
from ancrage.people.models import Person, SiblingGroupMember
from ancrage.placements.models import (
    CoPlacementFigure,
    CoPlacementState,
    JudgeNotification,
    SiblingSeparation,
    Stay,
)

SEPARATION_NOTICE_DAYS = 2  # inform the judge within 48 h: two days after the event's day


@dataclass(frozen=True)
class Justification:
    """Why siblings will not live together: a reason from the list and the team's words."""

    reason: str
    explanation: str


# Reads the rules need ---------------------------------------------------------------------


def placed_siblings(child_ids, day: date) -> dict[int, set[int]]:
    """For each child, the brothers and sisters (same sibling group) living in a house on `day`."""
    groups = dict(
        SiblingGroupMember.objects.filter(person_id__in=child_ids).values_list(
            "person_id", "group_id"
        )
    )
    members = defaultdict(set)
    for person_id, group_id in SiblingGroupMember.objects.filter(
        group_id__in=set(groups.values())
    ).values_list("person_id", "group_id"):
        members[group_id].add(person_id)
    placed = set(
        Stay.objects.current(day)
        .filter(child_id__in={p for ms in members.values() for p in ms})
        .values_list("child_id", flat=True)
    )
    return {
        child_id: (members[groups[child_id]] & placed) - {child_id} if child_id in groups else set()
        for child_id in child_ids
    }


def separated_pairs(homes: dict[int, int | None], siblings: dict[int, set[int]]) -> set[frozenset]:
    """Pairs of placed siblings who do not share a house, given where each one lives."""
    pairs = set()
    for child_id, others in siblings.items():
        for sibling_id in others:
            a, b = homes.get(child_id), homes.get(sibling_id)
            if a is not None and b is not None and a != b:
                pairs.add(frozenset((child_id, sibling_id)))
    return pairs


def homes_on(person_ids, day) -> dict[int, int]:
    return dict(
        Stay.objects.current(day).filter(child_id__in=person_ids).values_list("child_id", "unit_id")
    )


def lock_houses(house_ids) -> dict[int, Unit]:
    """Lock the houses' rows until the end of the transaction: two admissions into the same house
    wait for each other, so the capacity check sees every bed taken."""
    return {
        unit.pk: unit
        for unit in Unit.objects.select_for_update()
        .filter(pk__in=sorted(set(house_ids)))
        .order_by("pk")
    }


def check_capacity(house: Unit, start: date, arriving: int, *, leaving=()) -> None:
    """A house never holds more children than its capacity on any day from `start` on."""
    stays = list(
        Stay.objects.filter(unit=house)
        .overlapping(start)
        .exclude(child_id__in=leaving)
        .values_list("start_date", "end_date")
    )
    # Occupancy only rises on an arrival day, so checking `start` and later arrivals suffices.
    for day in {start} | {s for s, _e in stays if s > start}:
        present = sum(1 for s, e in stays if s <= day and (e is None or e > day))
        if present + arriving > house.capacity:
            free = max(house.capacity - present, 0)
            free_places = ngettext(
                "%(house)s n'a qu'une place libre le %(day)s",
                "%(house)s n'a que %(free)d places libres le %(day)s",
                free,
            )
            if free == 0:
                free_places = _("%(house)s n'a plus de place libre le %(day)s")
            children = ngettext(
                "pour %(n)d enfant (capacité %(capacity)d).",
                "pour %(n)d enfants (capacité %(capacity)d).",
                arriving,
            )
            raise ValidationError(
                {
                    "house": f"{free_places} {children}"
                    % {
                        "house": house.name,
                        "free": free,
                        "day": day.strftime("%d/%m/%Y"),
                        "n": arriving,
                        "capacity": house.capacity,
                    }
                }
            )


def highest_occupancy_from(house: Unit, day: date) -> tuple[int, date | None]:
    """The most children the house holds on one day from `day` on, and the first such day."""
    stays = list(
        Stay.objects.filter(unit_id=house.pk).overlapping(day).values_list("start_date", "end_date")
    )
    highest, when = 0, None
    for arrival in sorted({day} | {s for s, _e in stays if s > day}):
        present = sum(1 for s, e in stays if s <= arrival and (e is None or e > arrival))
        if present > highest:
            highest, when = present, arrival
    return highest, when


def check_unit_change(unit: Unit) -> None:
    """A house's capacity is never set under the children it holds or will hold, and a house
    where children live (or will) is not closed: the admin's form refuses it at the field."""
    if unit.pk is None or unit.kind != Unit.Kind.HOUSE:
        return
    today = timezone.localdate()
    highest, when = highest_occupancy_from(unit, today)
    errors = {}
    if unit.capacity is not None and highest > unit.capacity:
        errors["capacity"] = _(
            "%(house)s accueille %(n)d enfants le %(day)s : la capacité ne peut pas être "
            "inférieure."
        ) % {"house": unit.name, "n": highest, "day": when.strftime("%d/%m/%Y")}
    if not unit.active and highest:
        errors["active"] = _(
            "Des enfants vivent dans %(house)s (ou y arriveront) : changez-les de maison avant "
            "de la fermer."
        ) % {"house": unit.name}
    if errors:
        raise ValidationError(errors)


def record_separations(pairs, stays_by_child, justification, by, day, establishment_ids) -> None:
    """Store the justification for every new separation and create, for each child concerned,
    the task "inform the judge within 48 h"."""
    children = set()
    for pair in pairs:
        a, b = sorted(pair)
        # The justification hangs on the stay that caused it (the newcomer's or the mover's).
        child_id, sibling_id = (a, b) if a in stays_by_child else (b, a)
        SiblingSeparation.objects.create(
            child_id=child_id,
            sibling_id=sibling_id,
            stay=stays_by_child[child_id],
            reason=justification.reason,
            explanation=justification.explanation,
            author=by,
        )
        children.add(child_id)
    for child_id in sorted(children):
        JudgeNotification.objects.create(
            child_id=child_id,
            establishment_id=establishment_ids[child_id],
            kind=JudgeNotification.Kind.SEPARATION,
            event_date=day,
            due_date=calendar.add_days(day, SEPARATION_NOTICE_DAYS),
            stay=stays_by_child[child_id],
            created_by=by,
        )


def require_justification(new_pairs, justification: Justification | None) -> None:
    if not new_pairs:
        return
    if (
        justification is None
        or not justification.reason
        or not (justification.explanation or "").strip()
    ):
        names = dict(
            Person.objects.filter(pk__in={p for pair in new_pairs for p in pair}).values_list(
                "pk", "first_names"
            )
        )
        described = ", ".join(
            " / ".join(sorted(names[p] for p in pair)) for pair in sorted(new_pairs, key=sorted)
        )
        raise ValidationError(
            {
                "separation_reason": _(
                    "Ces frères et sœurs ne vivraient plus ensemble (%(pairs)s) : "
                    "indiquez le motif et "
                    "l'explication de la séparation. Le juge devra en être informé sous 48 heures."
                )
                % {"pairs": described}
            }
        )


# The headline indicator ----------------------------------------------------------------------


@dataclass(frozen=True)
class CoPlacement:
    together: int  # children living with all their placed siblings
    with_siblings: int  # placed children who have at least one placed sibling

    @property
    def rate(self) -> float | None:
        return self.together / self.with_siblings if self.with_siblings else None


def co_placement(day: date | None = None) -> dict:
    """Co-placement rate on `day`, per house, per village and for the association: children
    living with all their placed siblings ÷ placed children who have placed siblings. One
    query, but it reads every placed child of the association: the village board uses
    `village_co_placement` instead (this stays the reference its tests compare against)."""
    day = day or timezone.localdate()
    return _co_placement_counts(_placed_rows(Stay.objects.current(day)))


def village_co_placement(village_id: int, day: date | None = None) -> dict:
    """The figures the village board shows, without reading the whole association: per house of
    the village and for the village from the placed children of the sibling groups that have a
    child living in it (their brothers and sisters elsewhere included), and the association's
    rate from one aggregation in SQL. Two queries; same figures as `co_placement`."""
    day = day or timezone.localdate()
    placed = Stay.objects.current(day)
    groups_here = placed.filter(
        unit__establishment_id=village_id, child__sibling_membership__isnull=False
    ).values("child__sibling_membership__group_id")
    rows = _placed_rows(placed.filter(child__sibling_membership__group_id__in=groups_here))
    counts = _co_placement_counts(rows)
    houses = {unit for _child, unit, establishment, _group in rows if establishment == village_id}
    return {
        "house": {k: v for k, v in counts["house"].items() if k in houses},
        "establishment": {k: v for k, v in counts["establishment"].items() if k == village_id},
        "all": association_co_placement(day),
    }


def association_co_placement(day: date | None = None) -> CoPlacement:
    """The association's rate on `day`: the figure stored for the present state of the stays
    and sibling groups (one query), else computed (`association_co_placement_computed`) and
    stored. The state is read before computing: a stay written meanwhile moves it on, and the
    figure stored here is not read again."""
    day = day or timezone.localdate()
    stored = (
        CoPlacementFigure.objects.filter(
            day=day,
            state=Coalesce(Subquery(CoPlacementState.objects.filter(pk=1).values("value")), 0),
        )
        .values_list("together", "with_siblings")
        .first()
    )
    if stored is not None:
        return CoPlacement(*stored)
    state = CoPlacementState.current()
    figure = association_co_placement_computed(day)
    CoPlacementFigure.objects.bulk_create(
        [
            CoPlacementFigure(
                day=day,
                state=state,
                together=figure.together,
                with_siblings=figure.with_siblings,
            )
        ],
        ignore_conflicts=True,
    )
    return figure


def association_co_placement_computed(day: date | None = None) -> CoPlacement:
    """The association's rate in one aggregate query. A sibling group whose placed children
    (two or more) all live in one house counts them all as together; a group spread over
    several houses counts none of them (each has a brother or sister elsewhere). Each current
    stay finds its child's group through the unique index on the membership's person (a join
    would read every membership of the association's history)."""
    day = day or timezone.localdate()
    group = SiblingGroupMember.objects.filter(person_id=OuterRef("child_id")).values("group_id")
    per_group = (
        Stay.objects.current(day)
        .annotate(group=Subquery(group))
        .exclude(group=None)
        .values("group")
        .annotate(placed=Count("child_id", distinct=True), houses=Count("unit_id", distinct=True))
        .filter(placed__gte=2)
    )
    totals = per_group.aggregate(
        together=Coalesce(Sum(Case(When(houses=1, then="placed"), default=0)), 0),
        with_siblings=Coalesce(Sum("placed"), 0),
    )
    return CoPlacement(totals["together"], totals["with_siblings"])


def _placed_rows(stays):
    return list(
        stays.values_list(
            "child_id", "unit_id", "unit__establishment_id", "child__sibling_membership__group_id"
        )
    )


def _co_placement_counts(rows) -> dict:
    """Per house, per establishment and overall, from (child, house, establishment, group)
    rows of placed children: every placed sibling of a counted child must be in `rows`."""
    home = {child: unit for child, unit, _e, _g in rows}
    by_group = defaultdict(set)
    for child, _u, _e, group in rows:
        if group is not None:
            by_group[group].add(child)
    counts = {
        "house": defaultdict(lambda: [0, 0]),
        "establishment": defaultdict(lambda: [0, 0]),
        "all": [0, 0],
    }
    for child, unit, establishment, group in rows:
        others = by_group.get(group, set()) - {child} if group is not None else set()
        if not others:
            continue
        together = all(home[o] == unit for o in others)
        for bucket in (
            counts["house"][unit],
            counts["establishment"][establishment],
            counts["all"],
        ):
            bucket[0] += together
            bucket[1] += 1
    return {
        "house": {k: CoPlacement(*v) for k, v in counts["house"].items()},
        "establishment": {k: CoPlacement(*v) for k, v in counts["establishment"].items()},
        "all": CoPlacement(*counts["all"]),
    }
