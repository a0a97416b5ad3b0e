"""Scoped reads of the daily journal: a house's journal and a child's journal, newest first,
one page at a time by keyset (constant queries whatever the volume), reads recorded."""

from datetime import UTC, datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from ancrage.care.models.journal import LEVEL_KIND, JournalAnnotation, JournalEntry
from ancrage.care.services.journal import clock, editable, writable_levels
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Unit
from ancrage.people.models import Person
from ancrage.people.queries import visible_person
from ancrage.placements.models import Stay

PAGE_SIZE = 30
# A house's journal opens to whoever reads one of its levels.
JOURNAL_KINDS = tuple(LEVEL_KIND.values())


def visible_house(user, pk, kinds=JOURNAL_KINDS) -> Unit:
    """A house whose journal (or, with `kinds`, other records) the user reads: their own house
    (house staff), a house of their village (village team); 404 otherwise (the national
    director reads a child's records under a break-the-glass, never a whole house)."""
    condition = Q(pk__in=[])
    # The kinds read over the same places give one condition.
    places = (reach(user, kind, "view") for kind in kinds)
    for place in dict.fromkeys(
        where.filter(unit="pk", establishment="establishment_id") for where in places
    ):
        condition |= place
    return get_object_or_404(
        Unit.objects.houses().filter(condition).select_related("establishment"), pk=pk
    )


def cursor_of(entry) -> str:
    micros = int(entry.written_at.timestamp() * 1_000_000)
    return f"{micros}_{entry.pk}"


def _after(cursor: str | None) -> Q:
    """Entries older than the cursor (the last one of the previous page)."""
    if not cursor:
        return Q()
    try:
        micros, pk = (int(part) for part in cursor.split("_"))
        at = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise Http404 from None
    return Q(written_at__lt=at) | Q(written_at=at, pk__lt=pk)


def _page(user, entries, cursor):
    rows = list(
        entries.filter(_after(cursor))
        .select_related("author", "child")
        .prefetch_related(
            Prefetch("annotations", queryset=JournalAnnotation.objects.select_related("author"))
        )
        .order_by("-written_at", "-pk")[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    at = clock()
    for entry in rows:
        entry.can_edit = editable(entry, user, at)
    return rows, (cursor_of(rows[-1]) if more else None)


def children_of(user, house):
    """The children living in the house today whom the user may see (for the entry form)."""
    living = Stay.objects.current().filter(unit=house).values("child_id")
    return list(
        Person.objects.visible_to(user)
        .filter(pk__in=living)
        .order_by("first_names", "last_name", "pk")
    )


def house_journal(user, pk, cursor=None) -> dict:
    house = visible_house(user, pk)
    entries, next_cursor = _page(
        user, JournalEntry.objects.visible_to(user).filter(house=house), cursor
    )
    record_access(
        user,
        {e.child_id for e in entries if e.child_id},
        "care.house_journal",
        AccessEvent.Action.LIST,
    )
    return {
        "house": house,
        "entries": entries,
        "next_cursor": next_cursor,
        "levels": writable_levels(user, house),
        "children": children_of(user, house),
    }


def child_journal(user, reference, cursor=None) -> dict:
    person = visible_person(user, reference, audit_as="care.child_journal")
    stay = Stay.objects.current().filter(child=person).select_related("unit").first()
    house = stay.unit if stay else None
    entries, next_cursor = _page(
        user, JournalEntry.objects.visible_to(user, among=[person.pk]).filter(child=person), cursor
    )
    return {
        "person": person,
        "house": house,
        "entries": entries,
        "next_cursor": next_cursor,
        "levels": writable_levels(user, house) if house else [],
    }


def visible_entry(user, pk) -> JournalEntry:
    entry = get_object_or_404(
        JournalEntry.objects.visible_to(user).select_related("house", "child", "author"), pk=pk
    )
    if entry.child_id:
        record_access(user, [entry.child_id], "care.journal_entry")
    return entry
