"""Scoped reads of the protection measures and their documents."""

from django.shortcuts import get_object_or_404

from ancrage.people.models import Person
from ancrage.people.queries import record_person_read
from ancrage.placements.models import MeasureDocument, ProtectionMeasure


def person_measures(person) -> list[ProtectionMeasure]:
    """A child's measures, newest first, with their documents (the person page shows no
    village: none is read)."""
    return list(ProtectionMeasure.objects.filter(child=person).prefetch_related("documents"))


def renewable_measures(person):
    """The child's measures a new one may renew: those not renewed yet."""
    return ProtectionMeasure.objects.filter(child=person, renewal__isnull=True)


def visible_measure(user, pk, *, audit_as: str) -> ProtectionMeasure:
    """A measure of a child the user may see (404 otherwise); the read is recorded."""
    measure = get_object_or_404(
        ProtectionMeasure.objects.filter(child__in=Person.objects.visible_to(user)).select_related(
            "child", "establishment"
        ),
        pk=pk,
    )
    record_person_read(user, measure.child, audit_as)
    return measure


def visible_document(user, pk) -> MeasureDocument:
    """A document of a measure whose child the user may see (404 otherwise). Downloading it is
    a read of the child's file, recorded as such."""
    document = get_object_or_404(
        MeasureDocument.objects.filter(
            measure__child__in=Person.objects.visible_to(user)
        ).select_related("measure__child"),
        pk=pk,
    )
    record_person_read(user, document.measure.child, "placements.document")
    return document
