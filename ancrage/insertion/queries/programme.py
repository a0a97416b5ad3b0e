"""The O2R service as the user reaches it: their team and services, the service home, the
programmes they may create or correct."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.insertion import tallies
from ancrage.insertion.models import (
    AGREEMENT_YEARS,
    ALERT_DAYS_BEFORE_LIMIT,
    Beneficiary,
    FollowUp,
    OutreachAction,
    Programme,
    Tally,
    Target,
    VillageReferral,
)
from ancrage.insertion.queries.accompaniment import alerts, in_scope
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


# Alerts and follow-ups shown per page on the service home: the counts are read in full, the
# names only for the page shown (and only those recorded as read).
ALERT_PAGE_SIZE = 20
# The query-string parameter of each paged block of the home.
HOME_PAGES = {"over": "depassees", "near": "proches", "follow_ups": "suivis"}


def home(user, pages=None) -> dict:
    """The O2R service home: counts of the pathway, the alerts and the follow-ups due (their
    totals, and one page of names each: `pages` maps "over", "near", "follow_ups" to the page
    number asked), the programmes and teams. Reads a fixed number of queries whatever the size
    of the service; records a read for the names shown only."""
    pages = pages or {}
    today = timezone.localdate()
    # The stock figures from the teams' counts kept by the writes (no count of the rows).
    counts = tallies.counts(user)
    year_ago = add_years(today, -1)
    outreach = (
        OutreachAction.objects.visible_to(user)
        .filter(date__gt=year_ago)
        .aggregate(actions=Count("pk"), met=Sum("people_met"))
    )
    near, over = alerts(user, today)
    near_page = _page(
        near.select_related("beneficiary__person").order_by("limit_date", "pk"), pages, "near"
    )
    # Past the limit, extended or not: past 12 months the accompaniment had to end too.
    over_page = _page(
        over.select_related("beneficiary__person").order_by("limit_date", "pk"), pages, "over"
    )
    follow_ups_page = _page(
        FollowUp.objects.filter(
            in_scope(user),
            recorded_on__isnull=True,
            due_date__lte=add_days(today, ALERT_DAYS_BEFORE_LIMIT),
        )
        .select_related("exit__beneficiary__person")
        .order_by("due_date", "pk"),
        pages,
        "follow_ups",
    )
    near, over = list(near_page.object_list), list(over_page.object_list)
    follow_ups = list(follow_ups_page.object_list)
    pending = VillageReferral.objects.visible_to(user).filter(status="pending").count()
    named = {a.beneficiary.person_id for a in near + over} | {
        f.exit.beneficiary.person_id for f in follow_ups
    }
    record_access(user, named, "insertion.home", AccessEvent.Action.LIST)
    consortium = None
    if can(user, "o2r_report", "view"):
        consortium = tallies.consortium_counts(Beneficiary.objects.consortium_members(user))
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
        "contacts": {"total": counts[Tally.Key.CONTACTS], "anonymous": counts[Tally.Key.ANONYMOUS]},
        "by_status": {s: counts[s] for s in Beneficiary.Status.values},
        "statuses": Beneficiary.Status,
        "near": near,
        "over": over,
        "follow_ups": follow_ups,
        "near_page": near_page,
        "over_page": over_page,
        "follow_ups_page": follow_ups_page,
        "page_params": HOME_PAGES,
        "pending_referrals": pending,
        "consortium": consortium,
        "can_write": can_write(user),
    }


def _page(queryset, pages, block):
    """One page of a block of the home (a count query, then the page's rows)."""
    return Paginator(queryset, ALERT_PAGE_SIZE).get_page(pages.get(block, 1))


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


def programme_members(programme) -> list[Organisation]:
    """The organisations whose services run the programme, the lead (or sole carrier) first."""
    lead_id = programme.consortium.lead_id if programme.consortium_id else programme.organisation_id
    members = Organisation.objects.filter(establishments__o2r_programmes=programme).distinct()
    return sorted(members, key=lambda o: (o.pk != lead_id, o.name))


def led_programme(user, pk) -> Programme:
    """A programme whose chef de file is the user (the O2R lead of a service of the lead member or
    of the sole carrier): they alone enter its targets (404 for another programme, 403 for a
    member's lead)."""
    found = programme(user, pk)
    lead_id = found.consortium.lead_id if found.consortium_id else found.organisation_id
    if not Establishment.objects.filter(
        pk__in=user_service_ids(user), organisation_id=lead_id
    ).exists():
        raise PermissionDenied
    return found


def targets_table(programme, members) -> list:
    """(year, [(member, Target or None)]) for each year of the agreement."""
    found = {(t.year, t.organisation_id): t for t in Target.objects.filter(programme=programme)}
    return [
        (year, [(member, found.get((year, member.pk))) for member in members])
        for year in agreement_years(programme)
    ]


def agreement_years(programme) -> list[int]:
    years = []
    while len(years) < AGREEMENT_YEARS and (
        add_years(programme.start_date, len(years)) <= programme.end_date
    ):
        years.append(len(years) + 1)
    return years
