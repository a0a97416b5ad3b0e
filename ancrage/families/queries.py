"""Scoped reads of the families of the programme: the list, the family's file and the teams a
user may refer a family to; every person named is recorded."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.families.models import (
    FamilyCase,
    FamilyMember,
    Goal,
    GoalAction,
    PlanVersion,
    SupportPlan,
)
from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import Person


def teams_for_referral(user):
    """The family-strengthening teams the user may refer a family to: their own team, or every
    team of their service."""
    where = reach(user, "family_case", "change")
    return Unit.objects.filter(
        Q(pk__in=sorted(where.units)) | Q(establishment_id__in=sorted(where.establishments)),
        kind=Unit.Kind.TEAM,
        establishment__kind=Establishment.Kind.FAMILY_STRENGTHENING,
    ).order_by("establishment__name", "name", "pk")


def _members():
    return Prefetch(
        "members",
        queryset=FamilyMember.objects.select_related("person").order_by("role", "person_id"),
    )


def family_list(user, status: str = "") -> dict:
    """The families the user sees, by state then name, each with its household; the persons
    they name are recorded as list displays."""
    cases = FamilyCase.objects.visible_to(user).select_related("team", "worker")
    if status in FamilyCase.Status.values:
        cases = cases.filter(status=status)
    rows = list(cases.prefetch_related(_members()).order_by("status", "name", "pk"))
    for case in rows:
        case.child_count = sum(m.role == FamilyMember.Role.CHILD for m in case.members.all())
    record_access(
        user,
        dict.fromkeys(m.person_id for case in rows for m in case.members.all()),
        "families.list",
        AccessEvent.Action.LIST,
    )
    return {
        "cases": rows,
        "status": status,
        "statuses": FamilyCase.Status.choices,
        "can_refer": can(user, "family_case", "change"),
    }


def family_file(user, pk) -> dict:
    """A family the user sees (404 otherwise), its household: each person named only when the
    user's role sees them (`Person.visible_to`), the read of each name recorded."""
    case = get_object_or_404(
        FamilyCase.objects.visible_to(user)
        .select_related("team", "service", "worker", "decided_by", "created_by")
        .prefetch_related(_members()),
        pk=pk,
    )
    members = list(case.members.all())
    seen = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    record_access(user, [m.person_id for m in members if m.person_id in seen], "families.case")
    in_programme = in_programme_of(user, case)
    return {
        "case": case,
        "members": [(m, m.person_id in seen) for m in members],
        "in_programme": in_programme,
        "can_decide": in_programme
        and case.status == FamilyCase.Status.REFERRED
        and can(user, "family_case", "change"),
    }


def in_programme_of(user, case, action: str = "view") -> bool:
    """Whether the family is one of the user's team or service (not only seen through a child
    placed in a village): read from the user's reach, no query."""
    where = reach(user, "family_case", action)
    return case.team_id in where.units or case.service_id in where.establishments


def case_to_change(user, pk) -> FamilyCase:
    """A family of the user's own team or service (404 otherwise), for a write: village staff
    who see a family through a placed child never change it."""
    return get_object_or_404(FamilyCase.objects.of_programme(user, "change"), pk=pk)


def plan_case(user, pk, action: str = "view") -> FamilyCase:
    """A family of the user's team or service whose plan the user may read or write (404
    otherwise)."""
    return get_object_or_404(
        FamilyCase.objects.of_programme(user, action, "family_plan").select_related("team"),
        pk=pk,
    )


def next_review_due(plan: SupportPlan, versions, reviews):
    """The day the next review is due: the rhythm counted from the last review, or from the
    first validation when none was held yet (None before any validation)."""
    if reviews:
        start = reviews[0].held_on
    else:
        validated = [v.validated_on for v in versions if v.validated_on]
        if not validated:
            return None
        start = min(validated)
    return calendar.add_months(start, plan.review_every_months)


def plan_page(user, pk) -> dict:
    """The family's plan: the version in force and the draft with their goals and actions, the
    earlier versions, the reviews and when the next one is due; the household's read recorded."""
    case = get_object_or_404(
        FamilyCase.objects.of_programme(user, "view", "family_plan")
        .select_related("team", "worker")
        .prefetch_related(_members()),
        pk=pk,
    )
    record_access(user, [m.person_id for m in case.members.all()], "families.plan")
    plan = SupportPlan.objects.filter(case=case).first()
    versions, reviews = [], []
    if plan is not None:
        versions = list(
            plan.versions.select_related("validated_by").prefetch_related(
                Prefetch(
                    "goals",
                    queryset=Goal.objects.prefetch_related(
                        Prefetch("actions", queryset=GoalAction.objects.all())
                    ),
                )
            )
        )
        reviews = list(plan.reviews.select_related("recorded_by", "resulting_version"))
    draft = next((v for v in versions if v.status == PlanVersion.Status.DRAFT), None)
    current = next((v for v in versions if v.status == PlanVersion.Status.VALIDATED), None)
    due = next_review_due(plan, versions, reviews) if plan else None
    today = timezone.localdate()
    return {
        "case": case,
        "plan": plan,
        "draft": draft,
        "current": current,
        "earlier": [v for v in versions if v not in (draft, current)],
        "reviews": reviews,
        "next_review_due": due,
        "review_late": due is not None and due < today,
        "today": today,
        "can_change": can(user, "family_plan", "change")
        and case.status == FamilyCase.Status.SUPPORTED,
        "can_update": can(user, "family_plan", "update"),
    }


def plan_goal(user, pk) -> Goal:
    """A goal of the plan of a family the user's plan rights reach (404 otherwise)."""
    cases = FamilyCase.objects.of_programme(user, "view", "family_plan")
    return get_object_or_404(
        Goal.objects.filter(version__plan__case__in=cases).select_related("version__plan__case"),
        pk=pk,
    )
