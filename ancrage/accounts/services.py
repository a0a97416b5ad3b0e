"""Writes of the accounts app: the second factor's enrolment and check, refusals as French
ValidationErrors at the code's field; memberships proposed, confirmed, refused and revoked.

The second factor's writes are not in a transaction: a wrong code is recorded on the device
(django-otp's throttling, which slows the next tries down), and a refusal must not roll that back.
Each membership write is one transaction with its event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _


def check_token(device, token: str) -> None:
    """Accept the code of a confirmed device, or say why not: too many tries in a row, or a
    wrong or expired code."""
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            {"token": _("Trop d'essais : attendez quelques secondes avant de réessayer.")}
        )
    if not device.verify_token(token):
        raise ValidationError(
            {"token": _("Code incorrect ou expiré : vérifiez l'heure de votre téléphone.")}
        )


def confirm_device(device, token: str) -> None:
    """Enrol an authenticator app: its first right code confirms the device."""
    if not device.verify_token(token):
        raise ValidationError(
            {"token": _("Code incorrect : vérifiez l'heure de votre téléphone et réessayez.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])


# Memberships: granting a role that reaches personal data takes two people.

# What an app above accounts requires before a membership is in force (staff: a valid, verified
# attestation d'honorabilité for a membership with the children). Each check takes the
# membership and raises a ValidationError to refuse it; they run when a membership is granted at
# once or confirmed, not when it is only proposed (a proposal gives no right), and not in
# Membership.save (fixtures write memberships directly).
_grant_checks: list = []


def register_grant_check(check) -> None:
    """Register (once) a check run before a membership comes into force."""
    if check not in _grant_checks:
        _grant_checks.append(check)


def check_grant(membership) -> None:
    """Run every registered check on a membership about to come into force."""
    for check in _grant_checks:
        check(membership)


def propose_membership(membership, by) -> None:
    """Record a membership written by the administrator (the admin site): a role that reaches
    personal data is only proposed, with no right until a director confirms it; another is
    granted at once. Either way the event is kept (who, when)."""
    from ancrage.accounts.models import Membership, MembershipEvent

    with transaction.atomic():
        if membership.needs_confirmation:
            membership.status = Membership.Status.PROPOSED
            action = MembershipEvent.Action.PROPOSED
        else:
            check_grant(membership)
            membership.status = Membership.Status.CONFIRMED
            action = MembershipEvent.Action.GRANTED
        membership.proposed_by = by
        membership.save()
        MembershipEvent.objects.create(membership=membership, action=action, by=by)


def change_membership(membership, by, changed: set[str]) -> None:
    """An administrator's change to an existing membership. A new role, place or start date is a
    new grant: proposed again (or granted at once). An end date set or brought forward is a
    revocation, which one person may do."""
    from ancrage.accounts.models import MembershipEvent

    if changed & {"role", "unit", "establishment", "organisation", "start_date"}:
        propose_membership(membership, by)
        return
    with transaction.atomic():
        membership.save()
        if "end_date" in changed and membership.end_date is not None:
            MembershipEvent.objects.create(
                membership=membership, action=MembershipEvent.Action.REVOKED, by=by
            )


def _decide(membership, by, status, action) -> None:
    from ancrage.accounts.models import Membership, MembershipEvent

    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != Membership.Status.PROPOSED:
            raise ValidationError(_("Cette affectation n'attend plus de confirmation."))
        if by.pk in (membership.user_id, membership.proposed_by_id):
            raise ValidationError(
                _(
                    "Une affectation se confirme par une autre personne que celle qui la reçoit "
                    "et celle qui l'a proposée."
                )
            )
        if status == Membership.Status.CONFIRMED:
            check_grant(membership)
        membership.status = status
        membership.save(update_fields=["status"])
        MembershipEvent.objects.create(membership=membership, action=action, by=by)


def confirm_membership(membership, by) -> None:
    """A director of the place confirms a proposed membership: it is in force from its dates."""
    from ancrage.accounts.models import Membership, MembershipEvent

    _decide(membership, by, Membership.Status.CONFIRMED, MembershipEvent.Action.CONFIRMED)


def refuse_membership(membership, by) -> None:
    """A director of the place refuses a proposed membership: it never gives a right."""
    from ancrage.accounts.models import Membership, MembershipEvent

    _decide(membership, by, Membership.Status.REFUSED, MembershipEvent.Action.REFUSED)
