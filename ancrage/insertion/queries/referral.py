"""Scoped reads of the referrals from the villages, and the O2R services one may refer to."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.insertion.models import (
    VillageReferral,
)
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment


def referrals(user):
    rows = list(
        VillageReferral.objects.visible_to(user).select_related(
            "person", "village", "referred_by", "beneficiary", "consent"
        )
    )
    today = timezone.localdate()
    for row in rows:
        row.consent_in_force = row.consent.in_force_on(today)
    record_access(user, [r.person_id for r in rows], "insertion.referrals", AccessEvent.Action.LIST)
    return rows


def referral(user, pk) -> VillageReferral:
    return get_object_or_404(
        VillageReferral.objects.visible_to(user).select_related("person"), pk=pk
    )


def o2r_services():
    return Establishment.objects.filter(kind=Establishment.Kind.O2R_SERVICE).order_by("name")


def referring_village(user) -> Establishment | None:
    """The village the user refers from: where the permission table lets them refer (the first
    by id, as the memberships loaded it: no query)."""
    places = reach(user, "o2r_referral", "change").establishment_places
    return next((e for e in places if e.kind == Establishment.Kind.VILLAGE), None)
