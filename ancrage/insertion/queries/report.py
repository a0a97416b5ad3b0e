"""What an activity report covers for its reader: the programmes, the members' services (as
numbers, never their people), and whether the reader sees the programme-wide report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from ancrage.insertion.models import (
    Accompaniment,
    Attendance,
    Beneficiary,
    Contact,
    Exit,
    Programme,
    Target,
)
from ancrage.insertion.periods import periods
from ancrage.insertion.queries.programme import user_service_ids
from ancrage.insertion.report import POSITIVE_EXITS
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment


@dataclass
class ReportScope:
    programme: Programme
    members: list[
        tuple[str, list[int]]
    ]  # (organisation, its services in the programme), lead first
    own_service_ids: list[int]  # the reader's services in the programme (operator staff)
    consolidated: bool  # the reader sees the programme-wide report, a column per member
    member_ids: list[int] = field(default_factory=list)  # the members' organisations, in order
    own_organisation_id: int | None = None  # the organisation of the reader's services

    @property
    def service_ids(self) -> list[int]:
        return sorted(i for _name, ids in self.members for i in ids)


def report_programmes(user) -> list[Programme]:
    """The programmes the user reports on: an O2R lead's (their service among its services); a
    funder's (those its organisation carries alone or within a consortium)."""
    service_ids = sorted(user_service_ids(user))
    organisation_ids = sorted(reach(user, "o2r_report").organisations)
    condition = Q(services__in=service_ids)
    if organisation_ids:
        condition |= (
            Q(organisation_id__in=organisation_ids)
            | Q(consortium__lead_id__in=organisation_ids)
            | Q(consortium__members__in=organisation_ids)
        )
    ids = Programme.objects.filter(condition).values("pk")
    # the consortium (its name and lead) with each programme; the carrier is read by its id
    return list(
        Programme.objects.filter(pk__in=ids)
        .select_related("consortium")
        .only(*PROGRAMME_COLUMNS)
        .order_by("-start_date", "name")
    )


# What the reports read of a programme and of its consortium.
PROGRAMME_COLUMNS = (
    "name",
    "call",
    "start_date",
    "end_date",
    "organisation_id",
    "consortium__name",
    "consortium__lead_id",
)


@dataclass(frozen=True)
class _Service:
    pk: int
    organisation_id: int
    organisation_name: str


def _members(programme: Programme):
    """The programme's services, its lead organisation, and its members ((organisation id,
    (name, service ids)), the lead first): one query."""
    services = [
        _Service(*values)
        for values in Establishment.objects.filter(o2r_programmes=programme)
        .order_by("organisation__name", "pk")
        .values_list("pk", "organisation_id", "organisation__name")
    ]
    lead_id = programme.consortium.lead_id if programme.consortium_id else programme.organisation_id
    by_member: dict[int, tuple[str, list[int]]] = {}
    for service in services:
        by_member.setdefault(service.organisation_id, (service.organisation_name, []))[1].append(
            service.pk
        )
    members = sorted(by_member.items(), key=lambda item: (item[0] != lead_id, item[1][0]))
    return services, lead_id, members


def report_views(programme: Programme) -> list[tuple[list, bool]]:
    """Every view of the programme's report a reader may open, as `summary.published` takes it
    ((members, consolidated)): the programme's (the chef de file's and the funder's, a column
    per member), each member's services together, and each service alone (an O2R lead reads
    their own services' report, `ReportScope.own_service_ids`)."""
    _services, _lead, members = _members(programme)
    members = [member for _id, member in members]
    views = [(members, True)]
    for _name, ids in members:
        alone = [[i] for i in ids]
        for group in ([ids] if len(ids) > 1 else []) + alone:
            views.append(([("", sorted(group))], False))
    return views


def report_scope(user, programme: Programme) -> ReportScope:
    """The members of the programme with their services, the reader's own, and whether the
    reader is the chef de file (the O2R lead of the lead member or of the sole carrier) or a
    funder: both see the consolidated report."""
    services, lead_id, members = _members(programme)
    mine = user_service_ids(user)
    own = sorted(service.pk for service in services if service.pk in mine)
    leads = any(service.pk in mine and service.organisation_id == lead_id for service in services)
    funds = bool(reach(user, "o2r_report").organisations)
    return ReportScope(
        programme=programme,
        members=[member for _id, member in members],
        own_service_ids=own,
        consolidated=leads or funds,
        member_ids=[organisation_id for organisation_id, _member in members],
        own_organisation_id=next(
            (service.organisation_id for service in services if service.pk in own), None
        ),
    )


@dataclass
class YearProgress:
    """One programme's current agreement year for an O2R lead's home: what the user's services
    did against what their organisation promised (Target.Indicator's order)."""

    programme: Programme
    period: object  # insertion.periods.Period
    rows: list  # [(indicator label, target or None, achieved, percent of the target or None)]

    @property
    def has_targets(self) -> bool:
        return any(goal is not None for _label, goal, _n, _p in self.rows)


def year_progress(user, today) -> list[YearProgress]:
    """For each programme the user's O2R services run, its agreement year containing `today`
    (programmes outside their agreement are left out): the four targets of the user's
    organisation for that year beside what the user's services achieved, counted as the
    activity report counts them (insertion.report.build: contacts met, people with an activity
    after their consent, accompaniments started, positive exits). Five queries and one per
    programme running (the people remobilised); counts of the operator's own services, never
    names."""
    services = sorted(user_service_ids(user))
    if not services:
        return []
    programmes = list(
        Programme.objects.filter(
            pk__in=Programme.objects.filter(services__in=services).values("pk")
        )
        .select_related("consortium", "organisation")
        .order_by("-start_date", "name")
    )
    current = {}
    for programme in programmes:
        for period in periods(programme):
            # an agreement year ("a2"), not a quarter ("a2t3") nor a calendar year
            year = period.key[0] == "a" and "t" not in period.key
            if year and period.start <= today <= period.end:
                current[programme.pk] = (programme, period)
    if not current:
        return []
    goals = {
        t.programme_id: t
        for t in Target.objects.filter(
            Q(
                *[
                    Q(programme_id=pk, year=int(period.key[1:]))
                    for pk, (_p, period) in current.items()
                ],
                _connector=Q.OR,
            ),
            # the organisation the user's services belong to
            organisation_id__in=Establishment.objects.filter(pk__in=services).values(
                "organisation_id"
            ),
        )
    }

    def per_programme(programme_field, date_field, **extra):
        return {
            f"p{pk}": Count(
                "pk",
                filter=Q(
                    **{programme_field: pk, f"{date_field}__range": (period.start, period.end)},
                    **extra,
                ),
            )
            for pk, (_p, period) in current.items()
        }

    reached = Contact.objects.filter(service_id__in=services).aggregate(
        **per_programme("programme_id", "met_on")
    )
    # One semi-join per programme: as a FILTER of one aggregate, PostgreSQL probed the
    # attendances once per beneficiary (9.5 s at the large scale against 0.65 s).
    remobilised = {
        f"p{pk}": Beneficiary.objects.filter(programme_id=pk)
        .filter(
            Exists(
                Attendance.objects.filter(
                    beneficiary=OuterRef("pk"),
                    activity__service_id__in=services,
                    activity__programme_id=pk,
                    activity__date__range=(period.start, period.end),
                    activity__date__gte=OuterRef("consent_on"),
                )
            )
        )
        .count()
        for pk, (_p, period) in current.items()
    }
    accompanied = Accompaniment.objects.filter(beneficiary__service_id__in=services).aggregate(
        **per_programme("beneficiary__programme_id", "start_date")
    )
    positive = Exit.objects.filter(
        beneficiary__service_id__in=services, reason__in=POSITIVE_EXITS
    ).aggregate(**per_programme("beneficiary__programme_id", "date"))
    out = []
    for pk, (programme, period) in current.items():
        target = goals.get(pk)
        achieved = [reached[f"p{pk}"], remobilised[f"p{pk}"], accompanied[f"p{pk}"]]
        achieved.append(positive[f"p{pk}"])
        rows = []
        for (indicator, label), n in zip(Target.Indicator.choices, achieved, strict=True):
            goal = getattr(target, indicator) if target is not None else None
            rows.append((label, goal, n, round(100 * n / goal) if goal else None))
        out.append(YearProgress(programme, period, rows))
    return out
