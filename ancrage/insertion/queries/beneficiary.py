"""Scoped reads of the beneficiaries: the list (filtered, paginated) and the whole file, both
audited."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ancrage.insertion import tallies
from ancrage.insertion.forms.beneficiary import BeneficiaryFilter
from ancrage.insertion.models import (
    Accompaniment,
    Activity,
    Barrier,
    Beneficiary,
    FollowUp,
    Objective,
)
from ancrage.insertion.queries.programme import teams_in_scope
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import Bytewise

PAGE_SIZE = 50
# What the list shows of each beneficiary (`_row`).
LIST_COLUMNS = (
    "pk",
    "person_id",
    "person__last_name",
    "person__first_names",
    "status",
    "team__name",
    "efop_territory__name",
    "consent_on",
    "accompaniment__limit_date",
    "accompaniment__end_date",
)
STATUS_LABELS = dict(Beneficiary.Status.choices)


def beneficiary_list(user, data=None, page=1) -> dict:
    """The beneficiaries in scope, filtered by `data` (the query string) and paginated, with the
    filters' form; the page reads a constant number of queries whatever the number of rows."""
    filters = BeneficiaryFilter(
        data, queryset=Beneficiary.objects.visible_to(user), teams=teams_in_scope(user)
    )
    # By the persons' sort keys (a-z and spaces only, so byte order is alphabetical order): the
    # order of the surname-prefix index, which the database walks to the page's first rows
    # (from the typed prefix, when filtered by a short name) instead of sorting every
    # beneficiary. The columns shown only, as plain values (no model instances).
    queryset = filters.qs.order_by(
        Bytewise("person__last_name_key"), Bytewise("person__first_names_key"), "person_id", "pk"
    ).values_list(*LIST_COLUMNS)
    paginator = Paginator(queryset, PAGE_SIZE)
    known = _tallied_count(user, filters)
    if known is not None:
        # Django's Paginator counts once (a cached property): the total given, not counted.
        paginator.count = known
    page_obj = paginator.get_page(page)
    # what is the same for every row, once per page: the file's URL around its key, the steps'
    # labels in the reader's language
    before, after = reverse("insertion:beneficiary", args=[0]).rsplit("0", 1)
    labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    rows = [_row(values, before, after, labels) for values in page_obj.object_list]
    record_access(
        user, [row["person_id"] for row in rows], "insertion.beneficiaries", AccessEvent.Action.LIST
    )
    return {"form": filters.form, "page": page_obj, "beneficiaries": rows}


def _row(values, before, after, labels) -> dict:
    """A row of the list: its link, the name, the step's label, team, territory, the consent's
    day and, while the accompaniment runs, its limit (None otherwise)."""
    pk, person_id, last_name, first_names, status, team, territory, consent_on, limit, end = values
    return {
        "pk": pk,
        "url": f"{before}{pk}{after}",
        "person_id": person_id,
        "name": f"{last_name} {first_names}",
        "status": labels.get(status, status),
        "team": team,
        "territory": territory,
        "consent_on": consent_on,
        # limit_date is never null: a limit read means an accompaniment was joined
        "limit": limit if limit is not None and end is None else None,
    }


def _tallied_count(user, filters) -> int | None:
    """The list's total from the teams' counts (`tallies`) when it is filtered by team and
    step at most (the list as it opens); None when a name, a flag or a territory filters it
    (then counted from the rows)."""
    data = filters.form.cleaned_data if filters.form.is_valid() else {}
    if any(data.get(name) for name in ("q", "flag", "territory")):
        return None
    return tallies.beneficiaries(user, team=data.get("team") or None, status=data.get("status"))


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


def beneficiary(user, pk) -> Beneficiary:
    """A beneficiary in scope (404 otherwise), for a write on their file."""
    return get_object_or_404(Beneficiary.objects.visible_to(user), pk=pk)


def follow_up(user, pk) -> FollowUp:
    """A follow-up of a beneficiary in scope (404 otherwise)."""
    return get_object_or_404(
        FollowUp.objects.filter(exit__beneficiary__in=Beneficiary.objects.visible_to(user)),
        pk=pk,
    )
