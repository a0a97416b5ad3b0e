"""Scoped reads of the families of the programme: the list, the family's file and the teams a
user may refer a family to; every person named is recorded."""

from datetime import timedelta

from django.db.models import Count, Max, Min, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.families.concerns import concerns_of
from ancrage.families.models import (
    FamilyCase,
    FamilyMember,
    Goal,
    GoalAction,
    HomeVisit,
    PlanReview,
    PlanVersion,
    Progress,
    SupportPlan,
)
from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.calendar_feed import FeedEvent
from ancrage.kernel.deadlines import EstablishmentDeadline
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment, Unit
from ancrage.organisation.queries import establishments_for
from ancrage.people.models import Person
from ancrage.placements.models import AdmissionRequest


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
        .select_related(
            "team", "service", "worker", "decided_by", "created_by", "admission__establishment"
        )
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
    visits = []
    sees_visits = in_programme and can(user, "home_visit", "view")
    if sees_visits:
        visits = list(
            HomeVisit.objects.filter(case=case).select_related("worker").order_by("-starts_at")
        )
    return {
        # the concerns are the incidents' scope: only their readers see them, here too
        "concerns": concerns_of(user, case) if in_programme else None,
        "sees_crip": can(user, "transmission", "view"),
        "can_raise_concern": in_programme
        and case.status != FamilyCase.Status.DECLINED
        and can(user, "incident", "report"),
        "visits": visits,
        "sees_visits": sees_visits,
        "can_plan_visit": sees_visits
        and case.status == FamilyCase.Status.SUPPORTED
        and can(user, "home_visit", "change"),
        "now": timezone.now(),
        "today": timezone.localdate(),
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


def case_for_concern(user, pk) -> FamilyCase:
    """A family of the user's team or service (404 otherwise), to report a concern from: village
    staff report about a child placed with them from the village."""
    return get_object_or_404(FamilyCase.objects.of_programme(user).select_related("service"), pk=pk)


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


def home_visit(user, pk) -> HomeVisit:
    """A visit to a family of the user's team or service (404 otherwise), for its report."""
    return get_object_or_404(
        HomeVisit.objects.visible_to(user, "change").select_related("case"), pk=pk
    )


def visit_case(user, pk) -> FamilyCase:
    """A family of the user's team or service to which the user may plan a visit."""
    return get_object_or_404(
        FamilyCase.objects.of_programme(user, "change", "home_visit").select_related("worker"),
        pk=pk,
    )


OPEN_PROGRESS = (Progress.PLANNED, Progress.IN_PROGRESS)


def caseload(user) -> dict:
    """The supported families of the user's team or service, by worker, with what is late: a
    visit past without its report, actions of the plan in force past their due date, the plan's
    review past its rhythm; a constant number of queries, the household's persons recorded as a
    list display."""
    now = timezone.now()
    today = timezone.localdate()
    cases = list(
        FamilyCase.objects.of_programme(user, "view", "home_visit")
        .filter(status=FamilyCase.Status.SUPPORTED)
        .select_related("worker", "team")
        .order_by("worker__last_name", "worker__first_name", "worker_id", "name", "pk")
    )
    ids = [case.pk for case in cases]
    visits = {
        row["case_id"]: row
        for row in HomeVisit.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(
            last_held=Max("starts_at", filter=Q(status=HomeVisit.Status.HELD)),
            next_planned=Min(
                "starts_at", filter=Q(status=HomeVisit.Status.PLANNED, starts_at__gte=now)
            ),
            reports_late=Count("pk", filter=Q(status=HomeVisit.Status.PLANNED, starts_at__lt=now)),
        )
        .order_by("case_id")
    }
    current, first_validated, rhythm = {}, {}, {}
    for row in (
        PlanVersion.objects.filter(plan__case_id__in=ids, status=PlanVersion.Status.VALIDATED)
        .values("pk", "number", "validated_on", "plan__case_id", "plan__review_every_months")
        .order_by("plan__case_id", "number")
    ):
        case_id = row["plan__case_id"]
        current[case_id] = row["pk"]  # the last by number: the version in force
        first_validated.setdefault(case_id, row["validated_on"])
        rhythm[case_id] = row["plan__review_every_months"]
    late_actions = dict(
        GoalAction.objects.filter(
            goal__version_id__in=sorted(current.values()),
            due_date__lt=today,
            progress__in=OPEN_PROGRESS,
        )
        .values("goal__version__plan__case_id")
        .annotate(n=Count("pk"))
        .order_by("goal__version__plan__case_id")
        .values_list("goal__version__plan__case_id", "n")
    )
    last_review = dict(
        PlanReview.objects.filter(plan__case_id__in=ids)
        .values("plan__case_id")
        .annotate(last=Max("held_on"))
        .order_by("plan__case_id")
        .values_list("plan__case_id", "last")
    )
    members = FamilyMember.objects.filter(case_id__in=ids).values_list("person_id", flat=True)
    record_access(
        user,
        dict.fromkeys(members.order_by("person_id")),
        "families.caseload",
        AccessEvent.Action.LIST,
    )
    groups: dict = {}
    for case in cases:
        row = visits.get(case.pk, {})
        start = last_review.get(case.pk) or first_validated.get(case.pk)
        review_due = calendar.add_months(start, rhythm[case.pk]) if start else None
        case.last_held = row.get("last_held")
        case.next_planned = row.get("next_planned")
        case.reports_late = row.get("reports_late", 0)
        case.actions_late = late_actions.get(case.pk, 0)
        case.review_due = review_due
        case.review_late = review_due is not None and review_due < today
        case.is_late = bool(case.reports_late or case.actions_late or case.review_late)
        groups.setdefault(case.worker, []).append(case)
    return {
        # their échéanciers: the follow-ups six months after the end
        "services": family_services(user),
        "groups": list(groups.items()),
        "late_count": sum(case.is_late for case in cases),
        "today": today,
    }


def household_admissions(case):
    """The admission requests to a village naming a child of the household."""
    from_household = case.members.filter(role=FamilyMember.Role.CHILD).values("person_id")
    return (
        AdmissionRequest.objects.filter(children__in=from_household)
        .select_related("establishment")
        .distinct()
        .order_by("-received_on", "pk")
    )


def home_visit_events(user, start, end):
    """The user's own home visits still planned, starting between `start` and `end`, for their
    calendar and ICS feed (kernel.calendar_feed): the family's number, never its name (one
    query)."""
    visits = (
        HomeVisit.objects.visible_to(user)
        .filter(
            worker=user, status=HomeVisit.Status.PLANNED, starts_at__gte=start, starts_at__lt=end
        )
        .values_list("pk", "case_id", "starts_at", "duration_minutes")
        .order_by("starts_at", "pk")
    )
    return [
        FeedEvent(
            uid=f"home-visit-{pk}@ancrage",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            summary=_("Visite à domicile — famille n° %(n)s") % {"n": case_id},
            url=reverse("families:case", args=[case_id]),
        )
        for pk, case_id, starts_at, minutes in visits
    ]


def follow_up_deadlines(user, establishment_ids, today):
    """The follow-ups six months after the end of the supports of the user's team or service in
    these establishments, for the service's échéancier (kernel.deadlines): due on
    `follow_up_due`, done when recorded; the family's number, never its name (one query)."""
    rows = (
        FamilyCase.objects.of_programme(user)
        .filter(
            service_id__in=list(establishment_ids),
            status=FamilyCase.Status.ENDED,
            follow_up_due__isnull=False,
        )
        .values_list("pk", "service_id", "follow_up_due", "followed_up_on")
        .order_by("follow_up_due", "pk")
    )
    return [
        EstablishmentDeadline(
            establishment_id=service_id,
            kind="family_follow_up",
            label=_("Suivi à 6 mois de la famille n° %(n)s") % {"n": pk},
            due=due,
            done_on=done_on,
            url=reverse("families:follow_up", args=[pk]),
        )
        for pk, service_id, due, done_on in rows
    ]


def family_services(user):
    """The family-strengthening services the user works in or oversees (their échéanciers)."""
    return list(
        establishments_for(user)
        .filter(kind=Establishment.Kind.FAMILY_STRENGTHENING)
        .order_by("name", "pk")
    )
