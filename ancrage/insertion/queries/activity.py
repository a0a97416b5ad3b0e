"""Scoped reads of the remobilisation activities and of who may attend them."""

from django.db.models import Count

from ancrage.insertion.models import (
    Activity,
    Beneficiary,
)


def activities(user):
    return list(
        Activity.objects.visible_to(user)
        .select_related("team")
        .annotate(present=Count("attendance"))[:200]
    )


def active_beneficiaries(user):
    """The beneficiaries not yet exited, for the attendance of an activity (audited where the
    form lists them)."""
    return (
        Beneficiary.objects.visible_to(user)
        .exclude(status=Beneficiary.Status.EXITED)
        .select_related("person")
        .order_by("person__last_name", "person__first_names", "pk")
    )
