"""Scoped read of a young person's projet pour l'autonomie (the person page and the youth's
own read-only view)."""

from django.db.models import Prefetch
from django.utils import timezone

from ancrage.care.models.autonomy import MINIMUM_AGE, AutonomyArea, AutonomyProject
from ancrage.care.services.autonomy import birthday, support_last_day
from ancrage.kernel.access import can
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
        "limit": support_last_day(person) if person.birth_date else None,
    }


def daily_care_of(user, person) -> dict:
    """The person page's "daily life" section: links to the child's journal and calendar for
    the roles that read them, and the autonomy project's areas (one query) for those who read
    it."""
    section = {
        "journal": can(user, "journal", "view"),
        "calendar": can(user, "appointment", "view"),
        "autonomy": can(user, "autonomy", "view"),
        "areas": [],
    }
    if section["autonomy"]:
        rows = {
            a.area: a for a in AutonomyArea.objects.filter(project__person=person).order_by("pk")
        }
        section["areas"] = [rows[c] for c in AutonomyArea.Area.values if c in rows]
        section["eligible"] = bool(person.birth_date) and (
            birthday(person, MINIMUM_AGE) <= timezone.localdate()
        )
    return section
