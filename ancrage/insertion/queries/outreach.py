"""Scoped reads of repérage: outreach actions and contacts (audited where they name a
beneficiary)."""

from django.db.models import Count
from django.shortcuts import get_object_or_404

from ancrage.insertion.models import (
    Contact,
    OutreachAction,
)
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent


def outreach_actions(user):
    return list(
        OutreachAction.objects.visible_to(user)
        .select_related("team", "efop_territory")
        .annotate(contacts_count=Count("contacts"))[:200]
    )


CONTACTS_SHOWN = 200


def contacts_in_order(user):
    """The latest contacts in scope, newest first (`Contact.Meta.ordering`, the order of the
    team's and the service's indexes: the first rows read, not every contact sorted)."""
    return Contact.objects.visible_to(user).select_related(
        "team", "efop_territory", "outreach_action", "beneficiary__person"
    )[:CONTACTS_SHOWN]


def contacts(user):
    rows = list(contacts_in_order(user))
    named = {c.beneficiary.person_id for c in rows if c.beneficiary_id}
    record_access(user, named, "insertion.contacts", AccessEvent.Action.LIST)
    return rows


def contact(user, pk) -> Contact:
    return get_object_or_404(
        Contact.objects.visible_to(user).select_related("team", "efop_territory"), pk=pk
    )


def team_actions(user, team):
    """The team's 50 latest outreach actions, for a contact's form (the latest 50 chosen in the
    same query that lists them)."""
    latest = OutreachAction.objects.visible_to(user).filter(team=team).values("pk")[:50]
    return OutreachAction.objects.filter(pk__in=latest)
