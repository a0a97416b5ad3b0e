"""Who may be placed with the children: a membership in a family house (house parent, family
aide) or in a village's team (head of service, psychologist, director) is confirmed only for a
person whose attestation d'honorabilité is valid and verified (CASF L133-6). Registered with
accounts' membership services in StaffConfig.ready(): accounts sits below staff."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.access import Role
from ancrage.organisation.models import Establishment, Unit
from ancrage.staff.models import Attestation

HOUSE_ROLES = frozenset({Role.HOUSE_PARENT, Role.FAMILY_AIDE})
VILLAGE_TEAM_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.CLINICIAN, Role.ESTABLISHMENT_DIRECTOR})


def places_with_children(membership) -> bool:
    """Whether the membership puts its holder with the children: a house role in a family house,
    a team role in a children's village."""
    if membership.role in HOUSE_ROLES and membership.unit_id:
        return membership.unit.kind == Unit.Kind.HOUSE
    if membership.role in VILLAGE_TEAM_ROLES and membership.establishment_id:
        return membership.establishment.kind == Establishment.Kind.VILLAGE
    return False


def latest_attestation(user):
    """The user's latest attestation, in whichever establishment's register it was recorded."""
    return Attestation.objects.filter(staff_member__user=user).order_by("-issued_on", "-pk").first()


def has_valid_attestation(user, day=None) -> bool:
    day = day or timezone.localdate()
    latest = latest_attestation(user)
    return latest is not None and latest.valid_on(day)


def attestation_required(membership) -> None:
    """Refuse to put a person with the children without a valid, verified attestation."""
    if places_with_children(membership) and not has_valid_attestation(membership.user):
        raise ValidationError(
            _(
                "%(name)s n'a pas d'attestation d'honorabilité valide et vérifiée au registre du "
                "personnel : une affectation auprès des enfants ne peut pas lui être donnée."
            )
            % {"name": membership.user.get_full_name() or membership.user.username}
        )
