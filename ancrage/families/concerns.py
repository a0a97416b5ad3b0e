"""Concerns about a child's safety, from the family's file: the write (`raise_concern`, one
transaction) and the reads (the children the author may name, the concerns the user may read).

A concern is a safeguarding incident of the family's service, reported through
`safeguarding.services.report_incident` (the existing workflow: the service's head qualifies
it, handles it, transmits it), with an information préoccupante to the département's CRIP
proposed by its author when they choose that route. Who reads it is the incident's scope
(`Incident.objects.visible_to`): its author, the heads of the family's service and the national
director; village staff who see the family through a placed child do not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.families.models import FamilyCase, FamilyConcern, FamilyMember
from ancrage.kernel.access import can
from ancrage.people.models import Person
from ancrage.safeguarding.models import Incident, Transmission
from ancrage.safeguarding.services import report_incident

# What the author asks for: a report handled by the service (the safeguarding workflow), or,
# beyond it, an information préoccupante sent by the service to the département's CRIP.
REPORT = "report"
INFORMATION_PREOCCUPANTE = "information_preoccupante"
ROUTES = [
    (REPORT, gettext_lazy("Signalement au chef de service (il le qualifie et le traite)")),
    (
        INFORMATION_PREOCCUPANTE,
        gettext_lazy(
            "Information préoccupante à transmettre à la CRIP du département (évaluation sous "
            "3 mois)"
        ),
    ),
]


def household_children(user, case: FamilyCase) -> list[Person]:
    """The household's children whom the user sees: those a concern may name."""
    children = FamilyMember.objects.filter(case=case, role=FamilyMember.Role.CHILD).values(
        "person_id"
    )
    return list(
        Person.objects.visible_to(user)
        .filter(pk__in=children)
        .order_by("birth_date", "first_names", "pk")
    )


@transaction.atomic
def raise_concern(
    case: FamilyCase,
    *,
    by,
    route: str,
    occurred_at,
    place: str,
    narrative: str,
    children=(),
    adults_involved: str = "",
    immediate_measures: str = "",
    allowed_children=None,
) -> FamilyConcern:
    """An observation about a child's safety becomes an incident of the family's service
    (reported by `by`, who must work there), naming the household's children concerned; a
    concern names at least one child, and a family not retained has no file to report from."""
    errors = {}
    if route not in dict(ROUTES):
        errors["route"] = _("Choisissez la suite que vous proposez.")
    if not list(children):
        errors["children"] = _("Indiquez au moins un enfant concerné.")
    if case.status == FamilyCase.Status.DECLINED:
        raise ValidationError(_("Cette famille n'a pas été retenue : aucun signalement ici."))
    if errors:
        raise ValidationError(errors)
    incident = report_incident(
        establishment=case.service,
        occurred_at=occurred_at,
        place=place,
        narrative=narrative,
        children=children,
        adults_involved=adults_involved,
        immediate_measures=immediate_measures,
        by=by,
        allowed_children=allowed_children,
        propose_information_preoccupante=route == INFORMATION_PREOCCUPANTE,
    )
    return FamilyConcern.objects.create(case=case, incident=incident)


def concerns_of(user, case: FamilyCase) -> list[Incident] | None:
    """The family's concerns whose incident the user may read (newest first), each with its
    information préoccupante transmissions when the user reads transmissions; None for roles
    that read no incident (the section is not shown). One query, two with transmissions."""
    if not can(user, "incident", "view"):
        return None
    incidents = (
        Incident.objects.visible_to(user)
        .filter(family_concern__case=case)
        .annotate(
            information_preoccupante_sent=Exists(
                Transmission.objects.filter(
                    incident=OuterRef("pk"), kind=Transmission.Kind.INFORMATION_PREOCCUPANTE
                )
            )
        )
        .order_by("-occurred_at", "-pk")
    )
    if can(user, "transmission", "view"):
        incidents = incidents.prefetch_related(
            Prefetch(
                "transmissions",
                queryset=Transmission.objects.filter(
                    kind=Transmission.Kind.INFORMATION_PREOCCUPANTE
                ).order_by("transmitted_at", "pk"),
                to_attr="crip_transmissions",
            )
        )
    return list(incidents)
