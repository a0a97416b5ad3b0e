"""Scoped read of a young person's projet pour l'autonomie (the person page and the youth's
own read-only view)."""

from django.db.models import Prefetch
from django.utils import timezone

from ancrage.care.models.autonomy import MINIMUM_AGE, AutonomyArea, AutonomyProject
from ancrage.care.services.autonomy import birthday
from ancrage.core.access import can
from ancrage.people.queries import visible_person


def project_page(user, reference, *, audit_as="care.autonomy") -> dict:
    person = visible_person(user, reference, audit_as=audit_as)
    project = (
        AutonomyProject.objects.filter(person=person)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("areas", queryset=AutonomyArea.objects.select_related("updated_by")),
            "supports",
        )
        .first()
    )
    areas = []
    if project:
        by_code = {a.area: a for a in project.areas.all()}
        areas = [by_code[c] for c in AutonomyArea.Area.values if c in by_code]
    today = timezone.localdate()
    eligible_on = birthday(person, MINIMUM_AGE) if person.birth_date else None
    return {
        "person": person,
        "project": project,
        "areas": areas,
        "supports": list(project.supports.all()) if project else [],
        "change": can(user, "autonomy", "change"),
        "eligible": eligible_on is not None and eligible_on <= today,
        "limit": birthday(person, 21) if person.birth_date else None,
    }
