"""Reads of the accounts app scoped to a user: the memberships of the places one directs."""

from ancrage.accounts.models import Membership, MembershipEvent
from ancrage.kernel.scopes import reach


def memberships_to_confirm(user):
    """The proposed memberships of the places `user` directs (establishment director: their
    establishment and its houses and teams; national director: the organisation), except their
    own and those they proposed: nobody confirms those."""
    return (
        Membership.objects.within(reach(user, "membership", "change"))
        .filter(status=Membership.Status.PROPOSED)
        .exclude(user=user)
        .exclude(proposed_by=user)
        .select_related("user", "unit", "establishment", "organisation", "proposed_by")
        .order_by("start_date", "pk")
    )


def confirmable_membership(user, pk):
    """One membership `user` may confirm or refuse, or None (out of scope, own, or decided)."""
    return (
        Membership.objects.within(reach(user, "membership", "change"))
        .filter(pk=pk, status=Membership.Status.PROPOSED)
        .first()
    )


def membership_log(user, limit=200):
    """The grants, confirmations, refusals and revocations of the memberships of the places
    `user` directs, newest first."""
    memberships = Membership.objects.within(reach(user, "membership", "view"))
    return MembershipEvent.objects.filter(membership__in=memberships.values("pk")).select_related(
        "by",
        "membership__user",
        "membership__unit",
        "membership__establishment",
        "membership__organisation",
    )[:limit]
