"""Scoped reads around the accompaniment: the limits nearing or past, the open objectives, the
referents a file may have."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.accounts.models import Membership, User
from ancrage.insertion.models import (
    ALERT_DAYS_BEFORE_LIMIT,
    Accompaniment,
    AccompanimentAction,
    Beneficiary,
    Objective,
)
from ancrage.kernel.calendar import add_days
from ancrage.kernel.scopes import NOWHERE_Q, reach


def alerts(user, today=None):
    """Open accompaniments nearing their limit (30 days before, the limit day included) or past
    it, of the beneficiaries in scope."""
    today = today or timezone.localdate()
    # on the accompaniment's own service and team (the file's, copied): the scope's partial
    # index gives its open accompaniments in limit order, no file joined
    open_ = Accompaniment.objects.filter(in_scope(user), end_date__isnull=True)
    near = open_.filter(
        limit_date__gte=today, limit_date__lte=add_days(today, ALERT_DAYS_BEFORE_LIMIT)
    )
    over = open_.filter(limit_date__lt=today)
    return near, over


def in_scope(user) -> Q:
    """The condition on an accompaniment or a follow-up (their copied `service` and `team`) of
    the files the user reaches: `Beneficiary.objects.visible_to`'s scope."""
    where = reach(user, "beneficiary")  # as BeneficiaryQuerySet.scope_kind
    return where.filter(unit="team_id", establishment="service_id") if where else NOWHERE_Q


def open_objectives(beneficiary_pk):
    return Objective.objects.filter(
        accompaniment__beneficiary_id=beneficiary_pk,
        achieved_on__isnull=True,
        abandoned_on__isnull=True,
    )


def referents(beneficiary):
    """The active users working in the beneficiary's team, who may be their referent."""
    working = Membership.objects.in_force().filter(unit_id=beneficiary.team_id)
    return User.objects.filter(is_active=True, pk__in=working.values("user_id")).order_by(
        "last_name", "first_name"
    )


def action(user, pk) -> AccompanimentAction:
    """An action of the accompaniment of a beneficiary in scope (404 otherwise)."""
    return get_object_or_404(
        AccompanimentAction.objects.filter(
            accompaniment__beneficiary__in=Beneficiary.objects.visible_to(user)
        ).select_related("accompaniment"),
        pk=pk,
    )


def objective(user, pk) -> Objective:
    """An objective of the accompaniment of a beneficiary in scope (404 otherwise)."""
    return get_object_or_404(
        Objective.objects.filter(
            accompaniment__beneficiary__in=Beneficiary.objects.visible_to(user)
        ).select_related("accompaniment"),
        pk=pk,
    )
