"""Scoped reads of safeguarding incidents. Every read names the children involved in the access
log, whether or not the page names them."""

import json

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ancrage.accounts.models import Membership, User
from ancrage.kernel.access import can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.kernel.text import by_name, search_key
from ancrage.organisation.models import Establishment
from ancrage.organisation.queries import establishments_for
from ancrage.people.models import Person
from ancrage.placements.models import Stay
from ancrage.placements.queries import visible_village
from ancrage.safeguarding import declarations, indicators
from ancrage.safeguarding.forms import IncidentFilter
from ancrage.safeguarding.models import (
    Declaration,
    Incident,
    IncidentAction,
    IncidentChild,
    IncidentDraft,
    IncidentTransition,
    Transmission,
    confirmation_overdue_q,
)
from ancrage.safeguarding.services import works_in


def _involved(user):
    """The children involved, each with `named`: whether the user may see that child (a
    reporter whose child has moved, or the national director, reads the report without the
    names)."""
    return Prefetch(
        "involved",
        queryset=IncidentChild.objects.select_related("person")
        .annotate(named=Exists(Person.objects.visible_to(user).filter(pk=OuterRef("person_id"))))
        .order_by(*by_name("person__last_name", "person__first_names")),
    )


def incident_page(user, pk) -> dict:
    """An incident in the user's scope (404 otherwise) with its children, history and actions;
    the read is recorded for every child involved."""
    incident = get_object_or_404(
        Incident.objects.visible_to(user)
        .select_related("establishment", "reporter", "declaration")
        .prefetch_related(
            _involved(user),
            # each with its user in the same query (not one more query per relation)
            Prefetch("transitions", IncidentTransition.objects.select_related("author")),
            Prefetch("actions", IncidentAction.objects.select_related("owner")),
        ),
        pk=pk,
    )
    involved = list(incident.involved.all())
    record_access(user, [c.person_id for c in involved], "safeguarding.incident")
    handles = works_in(user, incident.establishment_id, "qualify")
    sees_transmissions = can(user, "transmission", "view")
    transmissions = (
        list(incident.transmissions.select_related("transmitted_by")) if sees_transmissions else []
    )
    return {
        "transmissions": transmissions,
        "ip_sent": any(t.kind == Transmission.Kind.INFORMATION_PREOCCUPANTE for t in transmissions),
        "sees_transmissions": sees_transmissions,
        "perms_transmission": can(user, "transmission", "change"),
        "today": timezone.localdate(),
        "incident": incident,
        "involved": involved,
        "transitions": list(incident.transitions.all()),
        "actions": list(incident.actions.all()),
        "handles": handles,
        "declaration": getattr(incident, "declaration", None),
        "sees_declaration": can(user, "declaration", "view"),
    }


PAGE_SIZE = 50

# The establishments whose staff report incidents: the villages, and the family-strengthening
# services (a concern about a child supported at home).
REPORTING_KINDS = (Establishment.Kind.VILLAGE, Establishment.Kind.FAMILY_STRENGTHENING)


def visible_establishment(user, pk) -> Establishment:
    """A village or family-strengthening service the user works in or oversees (404
    otherwise): the places whose incident list the user may open."""
    return get_object_or_404(establishments_for(user).filter(kind__in=REPORTING_KINDS), pk=pk)


LIST_FIELDS = (
    "occurred_at",
    "reported_at",
    "status",
    "category",
    "severity",
    "information_preoccupante_proposed",
    "establishment_id",
    "reporter__username",
    "reporter__first_name",
    "reporter__last_name",
    "reporter__person_id",
)


def village_incidents(user, village_pk, data=None, page=1) -> dict:
    """The village's incidents the user may read (every one for those who qualify them and the
    national director; one's own reports for other staff), filtered by `data` (the query
    string), newest first, a page at a time, with the filters' form: the page reads the same
    number of queries whatever the village's history, and only the children of the incidents
    shown are recorded as read."""
    village = visible_establishment(user, village_pk)
    filters = IncidentFilter(
        data, queryset=Incident.objects.visible_to(user).filter(establishment=village)
    )
    queryset = (
        filters.qs.annotate(
            children_count=Count("involved"),
            confirmation_overdue=Exists(
                Declaration.objects.confirmation_overdue().filter(incident=OuterRef("pk"))
            ),
            to_alert=Exists(Incident.objects.alert_missing().filter(pk=OuterRef("pk"))),
            evaluation_overdue=Exists(
                Transmission.objects.evaluation_overdue().filter(incident=OuterRef("pk"))
            ),
            information_preoccupante_sent=Exists(
                Transmission.objects.filter(
                    incident=OuterRef("pk"), kind=Transmission.Kind.INFORMATION_PREOCCUPANTE
                )
            ),
        )
        .select_related("reporter")
        # the columns the list shows: not the encrypted narrative (decrypted on every read)
        .only(*LIST_FIELDS)
        .order_by("-occurred_at", "-pk")
    )
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(page)
    incidents = list(page_obj.object_list)
    # Each row's link, dates and reporter as plain strings, computed once per page: template
    # tags and filters per row of fifty would cost more than the page's queries.
    before, after = reverse("safeguarding:incident", args=[0]).rsplit("0", 1)
    number = gettext("signalement n° %(n)s")
    for incident in incidents:
        incident.url = f"{before}{incident.pk}{after}"
        incident.number_label = number % {"n": incident.pk}
        incident.occurred_text = f"{timezone.localtime(incident.occurred_at):%d/%m/%Y %H:%M}"
        incident.reported_text = f"{timezone.localtime(incident.reported_at):%d/%m/%Y}"
        incident.reporter_name = str(incident.reporter)
        incident.status_label = incident.get_status_display()
        incident.category_label = incident.get_category_display() or "—"
        incident.severity_label = incident.get_severity_display() or "—"
    children = IncidentChild.objects.filter(incident__in=[i.pk for i in incidents])
    record_access(
        user,
        set(children.values_list("person_id", flat=True)) if incidents else (),
        "safeguarding.list",
        AccessEvent.Action.LIST,
    )
    return {
        "form": filters.form,
        "village": village,
        "page": page_obj,
        "incidents": incidents,
        # a family service's concerns are reported from the family's file, and its indicators
        # are the programme's
        "can_report": village.kind == Establishment.Kind.VILLAGE
        and works_in(user, village.pk, "report"),
        "sees_indicators": village.kind == Establishment.Kind.VILLAGE
        and can(user, "incident_stats", "view"),
    }


def children_for_report(user, village):
    """The children living in the village today whom the reporter may see (for the report
    form), grouped by house: the reporter's own house first, then the others in French
    order; each child carries `house_name`."""
    living = Stay.objects.current().filter(unit__establishment=village)
    house = living.filter(child=OuterRef("pk")).order_by("-start_date")
    own = [m.unit_id for m in user.active_memberships if m.unit_id]
    return list(
        Person.objects.visible_to(user)
        .filter(pk__in=living.values("child_id"))
        .annotate(
            house_id=Subquery(house.values("unit_id")[:1]),
            house_name=Subquery(house.values("unit__name")[:1]),
            own_house=Case(When(house_id__in=own, then=0), default=1),
        )
        .order_by("own_house", *by_name("house_name", "first_names", "last_name"), "pk")
    )


def village_staff(village):
    """Users working in the village today (its houses included): who may own an action."""
    working = Membership.objects.in_force().filter(
        Q(establishment=village) | Q(unit__establishment=village)
    )
    return User.objects.filter(is_active=True, pk__in=working.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def incidents_about(user, person) -> list[Incident] | None:
    """The incidents concerning this child that the user may read, for the person page; None
    for the roles that read no incidents (the section is not shown at all)."""
    if not can(user, "incident", "view"):
        return None
    # only what the page shows: no encrypted narrative decrypted for a link
    return list(
        Incident.objects.visible_to(user)
        .filter(involved__person=person)
        .only("pk", "occurred_at", "status")
        .distinct()
        .order_by("-occurred_at", "-pk")
    )


def with_transmission_flags(incidents):
    """The incidents with `transmitted_<kind>` for each kind of transmission (in the same
    query): what the declaration's follow-up section says."""
    return incidents.annotate(
        **{
            f"transmitted_{kind}": Exists(
                Transmission.objects.filter(incident=OuterRef("pk"), kind=kind)
            )
            for kind in Transmission.Kind.values
        }
    )


def declaration_page(user, pk, what="safeguarding.declaration", action=AccessEvent.Action.VIEW):
    """An incident in the user's scope (404 otherwise) with its declaration (None before it is
    written), the children involved and the sections of the declaration; the read is recorded
    for every child involved."""
    incident = get_object_or_404(
        with_transmission_flags(Incident.objects.visible_to(user))
        .select_related("establishment__organisation", "declaration__alerted_by")
        .select_related("declaration__cvs_informed_by", "declaration__families_informed_by")
        .prefetch_related(_involved(user)),
        pk=pk,
    )
    declaration = getattr(incident, "declaration", None)
    involved = list(incident.involved.all())
    record_access(user, [c.person_id for c in involved], what, action)
    return {
        "incident": incident,
        "declaration": declaration,
        "involved": involved,
        "sections": declarations.content(incident, declaration, involved),
        "handles": works_in(user, incident.establishment_id, "qualify"),
        "overdue": bool(declaration and declaration.confirmation_overdue()),
        "alert_missing": incident.alert_missing,
    }


def declarations_late(user, now=None):
    """The incidents in the user's scope whose declaration to the authority is late (no names:
    incident numbers and villages), in one query: those qualified as a serious malfunction whose
    authority was never alerted (due "sans délai", late from their qualification), and those
    alerted more than 48 hours ago and still not confirmed in writing (the rule of
    `Declaration.confirmation_overdue`). Read among the incidents whose declaration is not
    closed (`Incident.declaration_pending`, through its partial index): the cost follows the
    declarations still open, not the incidents of the scope."""
    return list(
        Incident.objects.visible_to(user)
        .filter(declaration_pending=True)
        .filter(
            Q(serious_malfunction_to_declare=True, declaration__alerted_at__isnull=True)
            | confirmation_overdue_q(now, prefix="declaration__")
        )
        .select_related("establishment", "declaration")
        .order_by("qualified_at", "pk")
    )


def village_indicators(user, village_pk) -> dict:
    """The village's indicators over the last twelve months (aggregates, no names)."""
    village = visible_village(user, village_pk)
    rows = indicators.monthly(
        Incident.objects.visible_to(user).filter(establishment=village), timezone.localdate()
    )
    return {
        "village": village,
        "rows": rows,
        "total": indicators.total(rows),
        "chart": indicators.chart(rows),
        "categories": Incident.Category.choices,
        "severities": Incident.Severity.choices,
    }


def _organisation_figures(user, today, villages=None) -> tuple:
    """The organisation-wide indicators of the user's scope over the twelve months ending with
    today's: (first month, rows by month, rows by village), read from the stored figures (one
    query until an incident or a declaration is written, or the day changes); with `villages`
    (ids), the rows of those villages only."""
    since = indicators.first_month(today)
    by_month, by_village = indicators.stored_months_and_villages(
        Incident.objects.visible_to(user), since=since, day=today, villages=villages
    )
    return since, by_month, by_village


VILLAGES_PAGE_SIZE = 20

# the orders of the indicators' table of villages: by name, or the villages that need a look
# first (most incidents, most serious incidents), each read from the stored totals
VILLAGE_ORDERS = {
    "nom": (),
    "signalements": ("stored_total",),
    "graves": ("stored_serious", "stored_total"),
}


def organisation_indicators(user, page=1, order="nom") -> dict:
    """Every village of the user's organisation over the last twelve months: the rows per month
    (chart, table, totals) and a page of the table per village (aggregates, no names), read from
    the stored figures: the months' row and the rows of the villages of the page. Ordered by
    name, or by the stored totals (incidents, serious incidents) of the villages: an integer
    per village read through the stored figures' unique index, the figures themselves read for
    the page only."""
    today = timezone.localdate()
    if order not in VILLAGE_ORDERS:
        order = "nom"
    villages = establishments_for(user).filter(kind=Establishment.Kind.VILLAGE)
    if order != "nom":
        # the stored figures first (computed if need be), their totals for the order
        indicators.stored_months_and_villages(
            Incident.objects.visible_to(user),
            since=indicators.first_month(today),
            day=today,
            villages=(),
        )
        rows = indicators.stored(
            Incident.objects.visible_to(user), since=indicators.first_month(today), day=today
        ).filter(village=OuterRef("pk"))
        villages = villages.annotate(
            stored_total=Coalesce(Subquery(rows.values("total")[:1]), 0),
            stored_serious=Coalesce(Subquery(rows.values("serious")[:1]), 0),
        )
    first = [F(field).desc() for field in VILLAGE_ORDERS[order]]
    page_obj = Paginator(
        villages.order_by(*first, *by_name("name"), "pk"), VILLAGES_PAGE_SIZE
    ).get_page(page)
    shown = list(page_obj.object_list)
    since, by_month, by_village = _organisation_figures(
        user, today, villages=[village.pk for village in shown]
    )
    village_rows = []
    for village in shown:
        row = by_village.get(village.pk) or indicators.Row(key=village.pk)
        row.label = village.name
        village_rows.append(row)
    months = indicators.by_month(by_month, since)
    return {
        "village_rows": village_rows,
        "page": page_obj,
        "order": order,
        "orders": [
            ("nom", _("par nom")),
            ("signalements", _("les plus de signalements d'abord")),
            ("graves", _("les plus de signalements graves d'abord")),
        ],
        "rows": months,
        "total": indicators.total(months),
        "chart": indicators.chart(months),
        "categories": Incident.Category.choices,
        "severities": Incident.Severity.choices,
    }


def dashboard(user) -> dict | None:
    """The safeguarding block of the home page, for the roles that follow the indicators: the
    monthly chart of their scope and the declarations awaiting their written confirmation."""
    if not can(user, "incident_stats", "view"):
        return None
    today = timezone.localdate()
    if can(user, "incident_stats", "organisation"):
        # every village's incidents: the counts of the stored figures (the indicators' page's)
        since, by_month, _by_village = _organisation_figures(user, today, villages=())
        rows = indicators.by_month(by_month, since)
    else:
        rows = indicators.monthly_counts(Incident.objects.visible_to(user), today)
    # the villages whose indicator page the user opens: those they are attached to (none, and no
    # query, for the national director)
    # (the establishments their memberships loaded: no query either way)
    attached = reach(user, "incident_stats", "view").establishment_places
    villages = sorted(
        (e for e in attached if e.kind == Establishment.Kind.VILLAGE),
        key=lambda e: (search_key(e.name), e.name, e.pk),
    )
    return {
        "rows": rows,
        "chart": indicators.chart(rows),
        "overdue": declarations_late(user),
        "organisation": can(user, "incident_stats", "organisation"),
        "villages": villages,
    }


def incidents_per_village(user, today, villages=None) -> tuple[int, dict]:
    """(incidents reported over the indicators' twelve months in the user's scope, {village id:
    its incidents}) for the organisation's home; with `villages` (ids), the villages of its page
    only. From the stored organisation-wide figures for those who follow them (the total from
    the months' row, the page's villages from theirs: no scan of the incidents once stored, and
    nothing read per village off the page), else one grouped count."""
    if can(user, "incident_stats", "organisation"):
        _since, by_month, by_village = _organisation_figures(user, today, villages=villages)
        return (
            sum(row.total for row in by_month.values()),
            {pk: row.total for pk, row in by_village.items()},
        )
    since = indicators.first_month(today)
    counts = dict(
        Incident.objects.visible_to(user)
        .filter(reported_at__gte=indicators.month_start(since))
        .values("establishment")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("establishment", "n")
    )
    total = sum(counts.values())
    if villages is not None:
        counts = {pk: n for pk, n in counts.items() if pk in set(villages)}
    return total, counts


def own_draft(user, village) -> dict | None:
    """The report this user was writing for this village (a draft is only ever its author's)."""
    draft = IncidentDraft.objects.filter(author=user, establishment=village).first()
    if draft is None:
        return None
    return {"data": json.loads(draft.data), "updated_at": draft.updated_at}


def transmission_incident(user, pk) -> dict:
    """An incident in the user's scope (404 otherwise), for recording a transmission; the read
    is recorded for every child involved."""
    incident = get_object_or_404(
        Incident.objects.visible_to(user).select_related("establishment"), pk=pk
    )
    children = IncidentChild.objects.filter(incident=incident).values_list("person_id", flat=True)
    record_access(user, children, "safeguarding.transmission")
    return {"incident": incident, "staff": village_staff(incident.establishment)}


def transmission_page(user, pk) -> dict:
    """A transmission of an incident in the user's scope (404 otherwise), for its follow-up;
    the read is recorded for every child of the incident."""
    transmission = get_object_or_404(
        Transmission.objects.visible_to(user).select_related("incident__establishment"), pk=pk
    )
    incident = transmission.incident
    children = IncidentChild.objects.filter(incident=incident).values_list("person_id", flat=True)
    record_access(user, children, "safeguarding.transmission")
    return {
        "transmission": transmission,
        "incident": incident,
        "staff": village_staff(incident.establishment),
    }


def crip_evaluations(user, child_ids) -> list:
    """The CRIP's evaluations of the informations préoccupantes received about these children
    (the victims of the incident), in the user's scope, for the échéancier: due 3 months after
    receipt, done when the outcome is recorded (one query)."""
    from ancrage.kernel.deadlines import ChildDeadline

    rows = (
        Transmission.objects.visible_to(user)
        .filter(
            kind=Transmission.Kind.INFORMATION_PREOCCUPANTE,
            evaluation_due__isnull=False,
            incident__involved__role=IncidentChild.Role.VICTIM,
            incident__involved__person_id__in=list(child_ids),
        )
        .values_list("incident__involved__person_id", "pk", "evaluation_due", "outcome_on")
        .order_by("pk")
    )
    return [
        ChildDeadline(child_id, "crip_evaluation", due, outcome_on, record_id=pk)
        for child_id, pk, due, outcome_on in rows
    ]
