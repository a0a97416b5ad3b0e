"""The O2R service as the user reaches it: their team and services, the service home, the
programmes they may create or correct."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.insertion.models import (
    ALERT_DAYS_BEFORE_LIMIT,
    Beneficiary,
    Contact,
    FollowUp,
    OutreachAction,
    Programme,
    VillageReferral,
)
from ancrage.insertion.queries.accompaniment import alerts
from ancrage.kernel.access import Role, can
from ancrage.kernel.audit import record_access
from ancrage.kernel.calendar import add_days, add_years
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Consortium, Establishment, Organisation, Unit


def can_write(user) -> bool:
    """Whether the user writes for an O2R team (a counsellor), not only reads."""
    return bool(reach(user, "outreach", "change").units)


def writing_team(user) -> Unit:
    """The O2R team the user writes for (a counsellor's unit, as the memberships loaded it: no
    query); refused to read-only roles."""
    teams = reach(user, "outreach", "change").unit_places
    if not teams:
        raise PermissionDenied
    return teams[0]


def user_service_ids(user) -> set[int]:
    """The O2R services the user works in: a counsellor's team's, the O2R lead's own."""
    return set(reach(user, "o2r_programme").establishments_worked_in)


def teams_in_scope(user):
    ids = user_service_ids(user)
    return Unit.objects.filter(establishment_id__in=ids, kind=Unit.Kind.O2R_TEAM).order_by("name")


def home(user) -> dict:
    today = timezone.localdate()
    beneficiaries = Beneficiary.objects.visible_to(user)
    by_status = dict(beneficiaries.values_list("status").annotate(n=Count("pk")).order_by())
    year_ago = add_years(today, -1)
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
    # Past the limit, extended or not: past 12 months the accompaniment had to end too.
    over = list(over.select_related("beneficiary__person").order_by("limit_date"))
    follow_ups = list(
        FollowUp.objects.filter(
            exit__beneficiary__in=beneficiaries,
            recorded_on__isnull=True,
            due_date__lte=add_days(today, ALERT_DAYS_BEFORE_LIMIT),
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
        "can_write": can_write(user),
    }


def programme_choices(user) -> dict:
    """What the O2R lead may put in a programme: their service's organisation alone, or a
    consortium it leads or belongs to, and the O2R services of those organisations."""
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
