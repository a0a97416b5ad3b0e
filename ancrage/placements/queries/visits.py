"""Scoped reads of the family visits: a child's rights and visits, the rights a visit may be
planned under, one visit, and the village's calendar of the visits to come."""

from datetime import datetime, time

from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import capfirst

from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import FamilyLink, Person
from ancrage.people.queries import record_person_read, visible_person
from ancrage.placements.models import Stay, Visit, VisitRight
from ancrage.placements.queries.stays import visible_village

UPCOMING_VISITS = 5  # on the person page
CALENDAR_DAYS = 28  # the village's visit calendar: the next four weeks


def start_of(day):
    """Midnight at the start of `day`, in the village's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _named(user, path, among=None):
    """Whether the person at `path` is one the user may see (and so may name): relatives are
    persons too, and under a break-the-glass only the opened file is named. With `among` (a
    query of the persons `path` can be), the scope is asked about those alone."""
    return Exists(Person.objects.visible_to(user, among=among).filter(pk=OuterRef(path)))


def _relatives_in_rights(person):
    """The relatives named in the child's visit rights (what `_named` may be asked about)."""
    return VisitRight.objects.filter(child=person).values("relative_id")


def visit_right_relatives(reference: str):
    """The relatives named in the visit rights of the child with this reference, as a query of
    one column of ids: the persons the visits part of the person page may name (see
    `person_visit_summary`)."""
    return VisitRight.objects.filter(child__reference=reference).values("relative_id").order_by()


def _visit_rights(user, person, named=None, relations=None):
    rights = (
        VisitRight.objects.filter(child=person)
        .select_related("relative")
        .order_by("-start_date", "relative__last_name", "pk")
    )
    if relations is None:
        kind = FamilyLink.objects.filter(person=OuterRef("child"), relative=OuterRef("relative"))
        rights = rights.annotate(relation=Subquery(kind.values("kind")[:1]))
    if named is None:
        rights = rights.annotate(
            relative_named=_named(user, "relative", _relatives_in_rights(person))
        )
    return rights


def _with_relation(rights, relations=None):
    """The rights as a list, each with the label of the family link between the child and the
    relative (`relation_label`): from `relations` ({relative id: kind} of the child's family
    links) when given, else from the `relation` each right was read with."""
    labels = dict(FamilyLink.Kind.choices)
    rights = list(rights)
    for right in rights:
        if relations is not None:
            right.relation = relations.get(right.relative_id)
        right.relation_label = labels.get(right.relation, "")
    return rights


def person_visit_summary(user, person, named=None, relations=None) -> dict:
    """The visits part of a person page: the rights not ended and the next visits.

    `named`: the ids of the persons the user may see among the relatives of the child's visit
    rights (at least), when the page already asked the scope about them
    (`Person.objects.visible_to(user, among=...)`, with `visit_right_relatives(reference)` among
    them): each relative is then told named or not from that set, instead of the scope being
    built again inside each of the two queries. `relations`: the kind of each of the child's
    family links by relative id, when the page already read them: the relation of each right
    is taken from there instead of a subquery per right."""
    today = timezone.localdate()
    rights = _visit_rights(user, person, named, relations).not_ended(today)
    upcoming = (
        Visit.objects.planned_from(start_of(today))
        .filter(right__child=person)
        .select_related("right__relative")
        .order_by("starts_at", "pk")
    )
    if named is None:
        upcoming = upcoming.annotate(
            relative_named=_named(user, "right__relative", _relatives_in_rights(person))
        )
    rights = _with_relation(rights, relations)
    upcoming = list(upcoming[:UPCOMING_VISITS])
    if named is not None:
        for right in rights:
            right.relative_named = right.relative_id in named
        for visit in upcoming:
            visit.relative_named = visit.right.relative_id in named
    return {"visit_rights": rights, "upcoming_visits": upcoming}


def person_visits(user, reference: str) -> dict:
    """A child's visit rights, every visit (to come, then the past ones, newest first) and
    who recorded them, in a fixed number of queries."""
    person = visible_person(user, reference)  # recorded below, with the relatives named
    today = timezone.localdate()
    rights = _with_relation(_visit_rights(user, person))
    by_pk = {right.pk: right for right in rights}
    visits = list(
        Visit.objects.filter(right__child=person)
        .select_related("recorded_by")
        .order_by("-starts_at", "-pk")
    )
    for visit in visits:
        visit.right = by_pk[visit.right_id]
    record_person_read(
        user,
        person,
        "placements.visits",
        shown=[r.relative_id for r in rights if r.relative_named],
    )
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


def visit_rights_for_planning(user, person, *, audit_as: str):
    """The rights a visit may be planned under: those not ended yet (a suspended right is
    listed, and the service says why it refuses). A relative the user may not see is not named
    (`relative_named`). The read of the child's file is recorded on the page `audit_as`, with
    the relatives named."""
    rights = (
        VisitRight.objects.filter(child=person)
        .not_ended()
        .select_related("relative")
        .annotate(relative_named=_named(user, "relative", _relatives_in_rights(person)))
        .order_by("relative__last_name", "-start_date", "pk")
    )
    record_person_read(
        user, person, audit_as, shown=[r.relative_id for r in rights if r.relative_named]
    )
    return rights


def relatives_for_visits(user, person, *, audit_as: str):
    """The child's relatives the user may see, with their family link (for the right form).
    The read of the child's file is recorded on the page `audit_as`, with the relatives named."""
    links = list(
        FamilyLink.objects.filter(person=person, relative__in=Person.objects.visible_to(user))
        .select_related("relative")
        .order_by("relative__last_name", "relative__first_names", "pk")
    )
    record_person_read(user, person, audit_as, shown=[link.relative_id for link in links])
    return links


def visible_visit(user, pk, *, audit_as: str) -> Visit:
    """A visit of a child the user may see (404 otherwise); the read is recorded."""
    visit = get_object_or_404(
        Visit.objects.filter(right__child__in=Person.objects.visible_to(user))
        .select_related("right__child", "right__relative", "recorded_by")
        .annotate(relative_named=_named(user, "right__relative")),
        pk=pk,
    )
    shown = [visit.right.relative_id] if visit.relative_named else []
    record_person_read(user, visit.right.child, audit_as, shown=shown)
    return visit


# The columns the calendar shows of each visit, its right, its child and the relative.
CALENDAR_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "right__mode",
    "right__third_party",
    "right__child__reference",
    "right__child__first_names",
    "right__child__last_name",
    "right__relative__first_names",
    "right__relative__last_name",
)


def village_visits(user, pk) -> dict:
    """The visits planned in the next four weeks for the children of a village, day by day.
    Children and relatives are named only when the user may see them (those shown are recorded
    as a list display); the others are counted in their line without a name."""
    village = visible_village(user, pk)
    today = timezone.localdate()
    last_day = calendar.add_days(today, CALENDAR_DAYS - 1)
    children = (
        Stay.objects.filter(unit__establishment=village)
        .overlapping(today, calendar.add_days(last_day, 1))
        .values("child_id")
    )
    visits = list(
        Visit.objects.planned_from(start_of(today))
        .filter(starts_at__lt=start_of(calendar.add_days(last_day, 1)), right__child__in=children)
        .select_related("right__child", "right__relative")
        .only(*CALENDAR_FIELDS)
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
        "days": calendar_days(days),
        "count": len(visits),
        "first_day": today,
        "last_day": last_day,
    }


_PLACE = "P-PLACE"


def calendar_days(days: dict) -> list[dict]:
    """The calendar's days and lines with their cells as plain strings, computed once per page
    (a village plans dozens of visits a month; a template's tags and filters per cell cost more
    than this): the day's heading, and per visit its hours, the child's link and name, the
    relative's name, the mode and the place, as the template showed them."""
    before, after = reverse("placements:visits", args=[_PLACE]).split(_PLACE)
    modes = {}
    out = []
    for day, visits in days.items():
        for visit in visits:
            right = visit.right
            starts, ends = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
            visit.hours_text = f"{starts:%H:%M}–{ends:%H:%M}"
            if right.mode not in modes:
                modes[right.mode] = right.get_mode_display()
            visit.mode_text = modes[right.mode]
            if visit.child_named:
                visit.child_href = f"{before}{right.child.reference}{after}"
                visit.child_text = right.child.full_name
                visit.third_party_text = right.third_party
                visit.place_text = visit.place or "—"
            else:
                visit.third_party_text = ""
                visit.place_text = "—"
            visit.relative_text = right.relative.full_name if visit.relative_named else ""
        out.append(
            {
                "day": day,
                "heading": capfirst(dateformat.format(day, "l j F Y")),
                "caption_day": dateformat.format(day, "l j F"),
                "visits": visits,
            }
        )
    return out
