"""What the family-strengthening programme registers in `kernel.personal_data`: the last contact
of a family's file (its referral, decision, end, home visits), the files still running (a family
referred or supported), a person's share of a subject-access export, and what an anonymisation
erases.

A family's texts (the reasons, the plan, the reviews with the parents' and children's words,
the visits' observations) are the whole household's: they are emptied when the last member of
the household still named is anonymised; the case, its dates and statuses stay for the
programme's figures."""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.families.models import (
    FamilyCase,
    FamilyMember,
    Goal,
    GoalAction,
    HomeVisit,
    PlanReview,
)
from ancrage.kernel import personal_data as registry
from ancrage.kernel.personal_data import as_records, forget_changes, json_value

RUNNING = (FamilyCase.Status.REFERRED, FamilyCase.Status.SUPPORTED)


def contacts(today: date):
    for person_id, service_id, day in (
        FamilyMember.objects.values("person_id", "case__service_id")
        .annotate(last=Max(Coalesce("case__ended_on", "case__decided_on", "case__referred_on")))
        .values_list("person_id", "case__service_id", "last")
        .order_by()
    ):
        yield person_id, service_id, day
    for person_id, service_id, moment in (
        FamilyMember.objects.filter(case__visits__status=HomeVisit.Status.HELD)
        .values("person_id", "case__service_id")
        .annotate(last=Max("case__visits__starts_at"))
        .values_list("person_id", "case__service_id", "last")
        .order_by()
    ):
        yield person_id, service_id, timezone.localdate(moment)


def running(today: date):
    return FamilyMember.objects.filter(case__status__in=RUNNING).values_list("person_id", flat=True)


def export(person_id: int) -> list[dict]:
    rows = []
    for member in FamilyMember.objects.filter(person_id=person_id).select_related("case"):
        case = member.case
        row = as_records([case], exclude=("created_by", "decided_by", "worker", "team"))[0]
        row["place dans le foyer"] = member.get_role_display()
        row["objectifs"] = as_records(
            Goal.objects.filter(version__plan__case=case).order_by("version__number", "pk")
        )
        row["actions"] = as_records(GoalAction.objects.filter(goal__version__plan__case=case))
        row["révisions"] = as_records(PlanReview.objects.filter(plan__case=case))
        row["visites à domicile"] = [
            {
                "le": json_value(visit.starts_at),
                "état": visit.get_status_display(),
                "présents": visit.present,
                "observations": visit.observations,
            }
            for visit in HomeVisit.objects.filter(case=case).order_by("starts_at")
        ]
        rows.append(row)
    return rows


def anonymise(person_id: int):
    """The household's texts once every other member of it is anonymised already."""
    cases = FamilyCase.objects.filter(members__person_id=person_id).exclude(
        members__in=FamilyMember.objects.exclude(person_id=person_id).exclude(
            person_id__in=registry.anonymised_persons()
        )
    )
    ids = list(cases.values_list("pk", flat=True))
    if not ids:
        return []
    forget_changes(FamilyCase, ids)
    FamilyCase.objects.filter(pk__in=ids).update(
        name="-", referrer_detail="", reasons="-", commune="", decision_reason="", outcome=""
    )
    Goal.objects.filter(version__plan__case__in=ids).update(
        title="-", description="", progress_note=""
    )
    GoalAction.objects.filter(goal__version__plan__case__in=ids).update(description="-")
    PlanReview.objects.filter(plan__case__in=ids).update(
        participants="-", parents_views="-", children_views="", decisions="-"
    )
    visits = HomeVisit.objects.filter(case__in=ids)
    forget_changes(HomeVisit, visits.values_list("pk", flat=True))
    visits.update(present="", observations="")
    return []


def register() -> None:
    """Called by `FamiliesConfig.ready()`."""
    registry.register_contact_source(
        registry.ContactSource("families", registry.FAMILY_PROGRAMME, contacts, running)
    )
    registry.register_exporter(
        registry.Exporter("family_programme", _("Renforcement familial"), export)
    )
    registry.register_anonymiser(registry.Anonymiser("families", anonymise))
    registry.register_processing(PROCESSING)


# This app's entry in the register of processing activities (art. 30): declared here, once.
PROCESSING = registry.Processing(
    "family_programme",
    _("Renforcement familial"),
    (_("Accompagner les familles orientées, avec leur accord"),),
    (
        _("Mission d'intérêt public (art. 6.1.e) : CASF L222-3 (aide à domicile)"),
        _("Accord des parents recueilli à l'entrée"),
    ),
    (_("Parents et enfants des familles accompagnées"),),
    (
        _("Composition du foyer, motif d'orientation, plan d'accompagnement"),
        _("Visites à domicile et leurs observations"),
    ),
    (_("L'équipe du programme"), _("L'orienteur (ASE, service social), pour le retour")),
    frameworks=(registry.FAMILY_PROGRAMME,),
    criteria=("vulnerable", "evaluation"),
    position=50,
)
