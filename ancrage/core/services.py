"""Writes of the shared kernel: opening a break-the-glass access."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.core.access import Role, can
from ancrage.core.audit import record_access
from ancrage.core.models import AccessEvent, BreakGlass

MINIMUM_REASON_LENGTH = 20


@transaction.atomic
def open_break_glass(user, reference: str, reason: str) -> BreakGlass:
    """Give a national director access to one file of their organisation, for a written reason
    and a limited time (settings.BREAK_GLASS_MINUTES). The opening itself is an access event."""
    from ancrage.people.models import Person

    if not can(user, "break_glass", "use"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < MINIMUM_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("Expliquez le motif en %(n)d caractères au moins.")
                % {"n": MINIMUM_REASON_LENGTH}
            }
        )
    organisation_ids = [
        m.organisation_id for m in user.active_memberships if m.role == Role.NATIONAL_DIRECTOR
    ]
    person = (
        Person.objects.filter(reference=(reference or "").strip().upper())
        .filter(pk__in=_within(organisation_ids))
        .first()
    )
    if person is None:
        raise ValidationError(
            {"reference": _("Aucun dossier de votre organisation ne porte cette référence.")}
        )
    now = timezone.now()
    access = BreakGlass.objects.create(
        user=user,
        person=person,
        reason=reason,
        granted_at=now,
        expires_at=BreakGlass.default_expiry(now),
    )
    record_access(user, [person], "break_glass", AccessEvent.Action.BREAK_GLASS, reason)
    return access


def _within(organisation_ids):
    from ancrage.people.models import Person

    queryset = Person.objects.none()
    for organisation_id in organisation_ids:
        queryset |= Person.objects.within_organisation(organisation_id)
    return queryset.values("pk")
