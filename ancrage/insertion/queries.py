"""Scoped reads of the O2R records. Every read that names beneficiaries is audited."""

from dateutil.relativedelta import relativedelta
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.insertion.models import (
    ALERT_DAYS_BEFORE_LIMIT,
    Accompaniment,
    Activity,
    Barrier,
    Beneficiary,
    Contact,
    FollowUp,
    Objective,
    OutreachAction,
    PriorityPublic,
    Programme,
    VillageReferral,
)
from ancrage.kernel.access import Role, can, role_can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import Bytewise, name_condition

PAGE_SIZE = 50


def user_team(user) -> Unit | None:
    """The O2R team the user writes for (a counsellor's unit), None for read-only roles."""
    for membership in user.active_memberships:
        if role_can(membership.role, "outreach", "change") and membership.unit_id:
            return membership.unit
    return None


def user_service_ids(user) -> set[int]:
    ids = set()
    for membership in user.active_memberships:
        if not role_can(membership.role, "o2r_programme", "view"):
            continue
        if membership.unit_id:
            ids.add(membership.unit.establishment_id)
        elif membership.establishment_id:
            ids.add(membership.establishment_id)
    return ids


def report_service_ids(user) -> set[int]:
    """The O2R services the user's activity report covers: their own service (O2R roles), or,
    for a funder attached to an organisation, every service of the programmes that organisation
    carries alone or within a consortium (as lead or member)."""
    ids = user_service_ids(user)
    organisation_ids = [
        m.organisation_id
        for m in user.active_memberships
        if m.organisation_id and role_can(m.role, "o2r_report", "view")
    ]
    if organisation_ids:
        programmes = Programme.objects.filter(
            Q(organisation_id__in=organisation_ids)
            | Q(consortium__lead_id__in=organisation_ids)
            | Q(consortium__members__in=organisation_ids)
        )
        ids |= set(
            Programme.services.through.objects.filter(programme__in=programmes).values_list(
                "establishment_id", flat=True
            )
        )
    return ids


def teams_in_scope(user):
    ids = user_service_ids(user)
    return Unit.objects.filter(establishment_id__in=ids, kind=Unit.Kind.O2R_TEAM).order_by("name")


def alerts(user, today=None):
    """Open accompaniments nearing their limit (30 days before, the limit day included) or past
    it, of the beneficiaries in scope."""
    today = today or timezone.localdate()
    open_ = Accompaniment.objects.filter(
        beneficiary__in=Beneficiary.objects.visible_to(user), end_date__isnull=True
    )
    near = open_.filter(
        limit_date__gte=today, limit_date__lte=today + relativedelta(days=ALERT_DAYS_BEFORE_LIMIT)
    )
    over = open_.filter(limit_date__lt=today)
    return near, over


def home(user) -> dict:
    today = timezone.localdate()
    beneficiaries = Beneficiary.objects.visible_to(user)
    by_status = dict(beneficiaries.values_list("status").annotate(n=Count("pk")).order_by())
    year_ago = today - relativedelta(years=1)
    outreach = (
        OutreachAction.objects.visible_to(user)
        .filter(date__gt=year_ago)
        .aggregate(actions=Count("pk"), met=Sum("people_met"))
    )
    contacts = Contact.objects.visible_to(user).aggregate(
        total=Count("pk"), anonymous=Count("pk", filter=Q(beneficiary__isnull=True))
    )
    near, over = alerts(user, today)
    near = list(near.select_related("beneficiary__person").order_by("limit_date"))
    over = list(
        over.filter(extended_on__isnull=True)
        .select_related("beneficiary__person")
        .order_by("limit_date")
    )
    follow_ups = list(
        FollowUp.objects.filter(
            exit__beneficiary__in=beneficiaries,
            recorded_on__isnull=True,
            due_date__lte=today + relativedelta(days=ALERT_DAYS_BEFORE_LIMIT),
        )
        .select_related("exit__beneficiary__person")
        .order_by("due_date")[:50]
    )
    pending = VillageReferral.objects.visible_to(user).filter(status="pending").count()
    named = {a.beneficiary.person_id for a in near + over} | {
        f.exit.beneficiary.person_id for f in follow_ups
    }
    record_access(user, named, "insertion.home", AccessEvent.Action.LIST)
    consortium = None
    if can(user, "o2r_report", "view"):
        consortium = list(Beneficiary.objects.consortium_counts(user))
    service_ids = user_service_ids(user)
    programmes = list(
        Programme.objects.filter(services__in=service_ids)
        .distinct()
        .select_related("organisation", "consortium__lead")
        .prefetch_related("efop_territories")
    )
    teams = list(
        Unit.objects.filter(establishment_id__in=service_ids, kind=Unit.Kind.O2R_TEAM)
        .select_related("establishment")
        .order_by("establishment__name", "name")
    )
    counsellors = {}
    for membership in (
        Membership.objects.in_force()
        .filter(role=Role.O2R_COUNSELLOR, unit__in=teams)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ):
        counsellors.setdefault(membership.unit_id, []).append(membership.user)
    for team in teams:
        team.counsellors = counsellors.get(team.pk, [])
    return {
        "programmes": programmes,
        "teams": teams,
        "outreach": outreach,
        "contacts": contacts,
        "by_status": {s: by_status.get(s, 0) for s in Beneficiary.Status.values},
        "statuses": Beneficiary.Status,
        "near": near,
        "over": over,
        "follow_ups": follow_ups,
        "pending_referrals": pending,
        "consortium": consortium,
        "can_write": user_team(user) is not None,
    }


def outreach_actions(user):
    return list(
        OutreachAction.objects.visible_to(user)
        .select_related("team", "efop_territory")
        .annotate(contacts_count=Count("contacts"))[:200]
    )


def contacts(user):
    rows = list(
        Contact.objects.visible_to(user).select_related(
            "team", "efop_territory", "outreach_action", "beneficiary__person"
        )[:200]
    )
    named = {c.beneficiary.person_id for c in rows if c.beneficiary_id}
    record_access(user, named, "insertion.contacts", AccessEvent.Action.LIST)
    return rows


def contact(user, pk) -> Contact:
    return get_object_or_404(
        Contact.objects.visible_to(user).select_related("team", "efop_territory"), pk=pk
    )


def beneficiary_list(
    user, *, name=None, team=None, status=None, flag=None, territory=None, page=1
) -> dict:
    """The beneficiaries in scope, filtered and paginated; the page reads a constant number of
    queries whatever the number of rows."""
    queryset = Beneficiary.objects.visible_to(user)
    if name:
        # The person search's rule (names, accents and case folded) on the persons joined.
        queryset = queryset.filter(name_condition(name, "person__"))
    if team:
        queryset = queryset.filter(team_id=team)
    if status:
        queryset = queryset.filter(status=status)
    if flag and flag in PriorityPublic.values:
        queryset = queryset.filter(**{flag: True})
    if territory:
        queryset = queryset.filter(efop_territory_id=territory)
    # By the persons' sort keys (a-z and spaces only, so byte order is alphabetical order): the
    # order of the surname-prefix index, which the database walks to the page's first rows
    # (from the typed prefix, when filtered by a short name) instead of sorting every
    # beneficiary.
    queryset = queryset.select_related(
        "person", "team", "efop_territory", "accompaniment"
    ).order_by(
        Bytewise("person__last_name_key"), Bytewise("person__first_names_key"), "person_id", "pk"
    )
    paginator = Paginator(queryset, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    rows = list(page_obj.object_list)
    record_access(
        user, [b.person_id for b in rows], "insertion.beneficiaries", AccessEvent.Action.LIST
    )
    return {"page": page_obj, "beneficiaries": rows}


def beneficiary_file(user, pk) -> dict:
    """The whole file of a beneficiary in scope (404 otherwise), audited."""
    beneficiary = get_object_or_404(
        Beneficiary.objects.visible_to(user).select_related(
            "person",
            "team",
            "service",
            "programme",
            "efop_territory",
            "consent_by",
            "eligibility__checked_by",
            "exit",
        ),
        pk=pk,
    )
    record_access(user, [beneficiary.person_id], "insertion.beneficiary")
    accompaniment = (
        Accompaniment.objects.filter(beneficiary=beneficiary)
        .select_related("referent", "extended_by")
        .prefetch_related(
            Prefetch("barriers", queryset=Barrier.objects.prefetch_related("updates")),
            Prefetch("objectives", queryset=Objective.objects.prefetch_related("actions")),
            "referrals",
            "remunerations",
        )
        .first()
    )
    exit_ = getattr(beneficiary, "exit", None)
    return {
        "beneficiary": beneficiary,
        "eligibility": getattr(beneficiary, "eligibility", None),
        "accompaniment": accompaniment,
        "exit": exit_,
        "follow_ups": list(exit_.follow_ups.all()) if exit_ else [],
        "activities": list(
            Activity.objects.filter(attendance__beneficiary=beneficiary).order_by("-date")[:50]
        ),
        "contacts": list(beneficiary.contacts.select_related("outreach_action").order_by("met_on")),
        "can_change": can(user, "beneficiary", "change"),
    }


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


def referrals(user):
    rows = list(
        VillageReferral.objects.visible_to(user).select_related(
            "person", "village", "referred_by", "beneficiary"
        )
    )
    record_access(user, [r.person_id for r in rows], "insertion.referrals", AccessEvent.Action.LIST)
    return rows


def referral(user, pk) -> VillageReferral:
    return get_object_or_404(
        VillageReferral.objects.visible_to(user).select_related("person"), pk=pk
    )


def o2r_services():
    return Establishment.objects.filter(kind=Establishment.Kind.O2R_SERVICE).order_by("name")


def programme_choices(user) -> dict:
    """What the O2R lead may put in a programme: their service's organisation alone, or a
    consortium it leads or belongs to, and the O2R services of those organisations."""
    from ancrage.organisation.models import Consortium, Organisation

    organisation_ids = Establishment.objects.filter(pk__in=user_service_ids(user)).values(
        "organisation_id"
    )
    consortia = Consortium.objects.filter(
        Q(lead_id__in=organisation_ids) | Q(members__in=organisation_ids)
    ).distinct()
    carriers = Organisation.objects.filter(
        Q(pk__in=organisation_ids) | Q(consortia__in=consortia) | Q(led_consortia__in=consortia)
    ).values("pk")
    return {
        "organisations": Organisation.objects.filter(pk__in=organisation_ids).order_by("name"),
        "consortia": consortia.order_by("name"),
        "services": Establishment.objects.filter(
            kind=Establishment.Kind.O2R_SERVICE, organisation_id__in=carriers
        ).order_by("name"),
    }


def programme(user, pk) -> Programme:
    """A programme one of the user's O2R services runs (404 otherwise)."""
    return get_object_or_404(
        Programme.objects.filter(services__in=user_service_ids(user)).distinct(), pk=pk
    )
