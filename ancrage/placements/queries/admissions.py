"""Scoped reads of the admission requests: a village's waiting list and one request."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.organisation.models import Establishment
from ancrage.organisation.queries import establishments_for
from ancrage.people.models import Person
from ancrage.placements.models import AdmissionRequest, JudgeNotification
from ancrage.placements.queries.stays import visible_village


def waiting_list(user, village_pk):
    village = visible_village(user, village_pk)
    requests = list(
        AdmissionRequest.objects.filter(
            establishment=village, status=AdmissionRequest.Status.WAITING
        ).prefetch_related(Prefetch("children", queryset=Person.objects.order_by("birth_date")))
    )
    decided = list(
        AdmissionRequest.objects.filter(establishment=village)
        .exclude(status=AdmissionRequest.Status.WAITING)
        .order_by("-decided_on", "-pk")
        .prefetch_related(Prefetch("children", queryset=Person.objects.order_by("birth_date")))[:20]
    )
    record_access(
        user,
        {c for r in requests + decided for c in r.children.all()},
        "placements.waiting_list",
        AccessEvent.Action.LIST,
    )
    return {"village": village, "requests": requests, "decided": decided}


def visible_admission(user, pk) -> AdmissionRequest:
    """An admission request of a village the user works in (404 otherwise)."""
    village_ids = establishments_for(user).filter(kind=Establishment.Kind.VILLAGE).values("pk")
    admission = get_object_or_404(
        AdmissionRequest.objects.filter(establishment__in=village_ids).select_related(
            "establishment"
        ),
        pk=pk,
    )
    children = list(admission.children.order_by("birth_date"))
    record_access(user, children, "placements.admission", AccessEvent.Action.VIEW)
    admission.ordered_children = children
    return admission


def judge_notices_of(stays) -> list[JudgeNotification]:
    """The judge's notices an admission's stays gave rise to (a separation: within 48 h)."""
    return list(JudgeNotification.objects.filter(stay__in=stays).order_by("due_date", "pk"))
