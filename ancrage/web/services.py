"""Opening a break-the-glass access: one file of the organisation, for a written reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.kernel.scopes import reach
from ancrage.placements.scopes import files_of_organisation

MINIMUM_REASON_LENGTH = 20


@transaction.atomic
def open_break_glass(user, reference: str, reason: str) -> BreakGlass:
    """Give a national director access to one file of their organisation, for a written reason
    and a limited time (settings.BREAK_GLASS_MINUTES). The opening itself is an access event."""
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
    organisations = reach(user, "break_glass", "use").organisations
    person = (
        files_of_organisation(organisations)
        .filter(reference=(reference or "").strip().upper())
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
