"""Reads of persons, always narrowed to what the user may see, and audited."""

from collections.abc import Iterable
from datetime import date

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404

from ancrage.kernel.audit import record_access, write_events
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.kernel.scopes import reach
from ancrage.people.models import Person

SEARCH_LIMIT = 50


def search_people(
    user,
    text: str = "",
    birth_date: date | None = None,
    limit: int = SEARCH_LIMIT,
    prefetch: tuple = (),
):
    """Ranked matches among the persons the user may see, with the `prefetch` lookups the page
    shows beside each; each one shown is audited."""
    if not (text.strip() or birth_date):
        return []
    results = list(
        Person.objects.visible_to(user).search(text, birth_date).prefetch_related(*prefetch)[:limit]
    )
    record_access(user, results, "people.search", AccessEvent.Action.SEARCH)
    return results


def visible_person(user, reference: str, *, audit_as: str = "") -> Person:
    """The person with this reference if the user may see them, else 404 (never 403: an
    out-of-scope file must not even be known to exist). With `audit_as`, the read is recorded
    under that name (the page's)."""
    # the scope asked about this one person, not built whole
    among = Person.objects.filter(reference=reference).values("pk")
    person = get_object_or_404(Person.objects.visible_to(user, among=among), reference=reference)
    if audit_as:
        record_person_read(user, person, audit_as)
    return person


def record_person_read(user, person: Person, what: str, *, shown: Iterable = ()) -> None:
    """Record that `user` read `person`'s file on the page `what`, with the break-the-glass
    reason when that is how the file was opened, and that the page named the persons `shown`
    beside it (relatives, siblings, choices of a select: "list"), all in one insert."""
    events = record_access(
        user, [person], what, reason=_break_glass_reason(user, person), save=False
    )
    others = dict.fromkeys(getattr(p, "pk", p) for p in shown)
    others.pop(person.pk, None)
    events += record_access(user, others, what, AccessEvent.Action.LIST, save=False)
    write_events(events)


def _break_glass_reason(user, person) -> str:
    if not reach(user, "break_glass", "use"):
        return ""
    access = (
        BreakGlass.objects.active().filter(user=user, person=person).order_by("-granted_at").first()
    )
    return access.reason if access else ""


def access_history(user, reference: str):
    """Who consulted this file and when, and the recorded changes (for directors)."""
    person = visible_person(user, reference, audit_as="people.access_log")
    events = list(
        AccessEvent.objects.filter(person=person).select_related("user").order_by("-at")[:500]
    )
    changes = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
        )
        .select_related("actor")
        .order_by("-timestamp")[:200]
    )
    return {"person": person, "events": events, "changes": changes}


def recently_consulted(user, limit: int = 8) -> list[Person]:
    """The last files this user opened and may still see, newest first (the home page).
    Showing the names is itself a read, recorded as a list display."""
    recent_ids = []
    for person_id in (
        AccessEvent.objects.filter(user=user, action=AccessEvent.Action.VIEW)
        .order_by("-at")
        .values_list("person_id", flat=True)[: limit * 6]
    ):
        if person_id not in recent_ids:
            recent_ids.append(person_id)
    # the columns the list shows only (a link with the name and the reference)
    found = {
        p.pk: p
        for p in Person.objects.visible_to(user, among=recent_ids[:limit]).only(
            "reference", "first_names", "last_name"
        )
    }
    people = [found[pk] for pk in recent_ids[:limit] if pk in found]
    record_access(user, people, "web.home", AccessEvent.Action.LIST)
    return people
