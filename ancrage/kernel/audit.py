"""Recording reads of personal data. Writes are recorded by django-auditlog (before/after)."""

from collections.abc import Iterable

from django.utils import timezone

from ancrage.kernel.models import AccessEvent


def record_access(
    user, persons: Iterable, what: str, action=AccessEvent.Action.VIEW, reason="", save=True
):
    """One access event per person shown, written in a single query (or, without `save`, to
    write with others in one)."""
    now = timezone.now()
    events = [
        AccessEvent(
            user=user,
            person_id=getattr(p, "pk", p),
            action=action,
            what=what,
            reason=reason,
            at=now,
        )
        for p in persons
    ]
    if events and save:
        AccessEvent.objects.bulk_create(events)
    return events


def record_shown(user, persons: Iterable, what: str):
    """The persons named on a page beside the one it is about (relatives, siblings, the choices
    of a select): one "list" event each, in a single query, each person once."""
    return record_access(
        user, dict.fromkeys(getattr(p, "pk", p) for p in persons), what, AccessEvent.Action.LIST
    )
