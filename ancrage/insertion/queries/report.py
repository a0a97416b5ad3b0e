"""What an activity report covers for its reader: the programmes, the members' services (as
numbers, never their people), and whether the reader sees the programme-wide report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from ancrage.insertion.models import Programme
from ancrage.insertion.queries.programme import user_service_ids
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
    return list(
        Programme.objects.filter(pk__in=ids)
        .select_related("consortium", "organisation")
        .order_by("-start_date", "name")
    )


def report_scope(user, programme: Programme) -> ReportScope:
    """The members of the programme with their services, the reader's own, and whether the
    reader is the chef de file (the O2R lead of the lead member or of the sole carrier) or a
    funder: both see the consolidated report."""
    services = list(
        Establishment.objects.filter(o2r_programmes=programme)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    lead_id = programme.consortium.lead_id if programme.consortium_id else programme.organisation_id
    by_member: dict[int, tuple[str, list[int]]] = {}
    for service in services:
        by_member.setdefault(service.organisation_id, (service.organisation.name, []))[1].append(
            service.pk
        )
    members = sorted(by_member.items(), key=lambda item: (item[0] != lead_id, item[1][0]))
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
