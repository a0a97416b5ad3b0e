"""The home page of each role: what its user does first thing in the morning, on top of the
blocks every home shares (memberships, recent files, background jobs). `main_role` picks the role
a home is built for; `home_block` reads, for that role only, what waits for the user, each item a
link to the page where it is done. Every read is scoped by the apps' own `visible_to` querysets
and queries, and the names shown are recorded as one list read."""

from collections import Counter
from datetime import datetime, time

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from ancrage.accounting import queries as accounting
from ancrage.accounting.models import AllocatedAmount, LedgerLine, TimeSheet
from ancrage.care.forms.journal import EntryForm
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.journal import JournalEntry
from ancrage.care.models.ppe import Action, PPEVersion
from ancrage.care.queries.agenda import my_houses
from ancrage.care.queries.deadlines import OVERSEEN_KIND, overdue_counts
from ancrage.care.queries.journal import children_of
from ancrage.care.services.journal import writable_levels
from ancrage.families import queries as families
from ancrage.families.models import FamilyCase
from ancrage.insertion import tallies
from ancrage.insertion.models import (
    ALERT_DAYS_BEFORE_LIMIT,
    AccompanimentAction,
    Beneficiary,
    FollowUp,
    Tally,
)
from ancrage.insertion.queries.accompaniment import alerts, in_scope
from ancrage.insertion.queries.report import report_programmes, year_progress
from ancrage.kernel import calendar
from ancrage.kernel.access import Role, can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.text import by_name, search_key
from ancrage.organisation.models import Establishment
from ancrage.organisation.queries import establishment_list, establishments_for
from ancrage.participation.council import council_villages
from ancrage.people.models import Person
from ancrage.placements.models import AdmissionRequest, JudgeNotification
from ancrage.placements.queries.stays import (
    occupancy_totals,
    villages_of,
    with_occupancy,
)
from ancrage.privacy.models import Hold, RetentionRun, SubjectRequest
from ancrage.safeguarding.models import Incident
from ancrage.safeguarding.queries import incidents_per_village

# The role a home is built for, when a user holds several: the one closest to the children.
ROLE_ORDER = (
    Role.HOUSE_PARENT,
    Role.FAMILY_AIDE,
    Role.HEAD_OF_SERVICE,
    Role.ESTABLISHMENT_DIRECTOR,
    Role.CLINICIAN,
    Role.O2R_COUNSELLOR,
    Role.O2R_LEAD,
    Role.FAMILY_WORKER,
    Role.NATIONAL_DIRECTOR,
    Role.FINANCE,
    Role.FUNDER,
    Role.HR,
    Role.DPO,
    Role.YOUTH,
    Role.TECH_ADMIN,
)
# The kind of home each role opens on.
HOME_OF = {
    Role.HOUSE_PARENT: "house",
    Role.FAMILY_AIDE: "house",
    Role.HEAD_OF_SERVICE: "village",
    Role.ESTABLISHMENT_DIRECTOR: "village",
    Role.CLINICIAN: "village",
    Role.O2R_COUNSELLOR: "counsellor",
    Role.O2R_LEAD: "o2r_lead",
    Role.FAMILY_WORKER: "families",
    Role.NATIONAL_DIRECTOR: "national",
    Role.FINANCE: "finance",
    Role.FUNDER: "funder",
    Role.HR: "hr",
    Role.DPO: "dpo",
    Role.YOUTH: "youth",
    Role.TECH_ADMIN: "admin",
}
# The homes that show the occupancy board of their establishments (web/home.html): the house's
# (behind a disclosure), the village's and the home of a user without a role.
BOARD_HOMES = ("house", "village", None)
# How the names a home shows are recorded (kernel.models.AccessEvent.WHAT_LABELS).
HOME_READ = "web.home_block"
# What a house parent sees coming: this week's appointments, the PPE actions due within two weeks.
WEEK_DAYS = 7
ACTION_DAYS = 14
LAST_ENTRIES = 5
OPEN_ACTIONS = (Action.Status.PLANNED, Action.Status.IN_PROGRESS)
# The villages of a page of the organisation's home (its totals count them all).
VILLAGES_PER_PAGE = 20
# The months the finance home looks back over for periods to close, the current one included.
CLOSING_MONTHS = 12


def main_role(memberships) -> str | None:
    """The role the home is built for among the memberships in force (None without any)."""
    held = {m.role for m in memberships}
    return next((role for role in ROLE_ORDER if role in held), None)


def home_kind(memberships) -> str | None:
    """The kind of home: a head of service of a family strengthening service opens on the
    families' home, not a village's."""
    role = main_role(memberships)
    if role == Role.HEAD_OF_SERVICE:
        places = [m.establishment for m in memberships if m.role == role and m.establishment_id]
        if places and all(p.kind == Establishment.Kind.FAMILY_STRENGTHENING for p in places):
            return "families"
    return HOME_OF.get(role)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


# House parent and family aide ------------------------------------------------------------------


def house_home(user, today) -> dict:
    """ "Ma maison": for each house the user works in, its children today (first names, ages),
    today's and this week's planned appointments, the PPE actions due within two weeks or late,
    the last journal entries and the box to write one."""
    houses = []
    shown = set()
    for house in my_houses(user):
        children = children_of(user, house)
        ids = [c.pk for c in children]
        shown.update(ids)
        appointments = list(
            Appointment.objects.visible_to(user)
            .planned()
            .filter(child__in=ids)
            .between(_day_start(today), _day_start(calendar.add_days(today, WEEK_DAYS)))
            .select_related("child")
            .order_by("starts_at", "pk")
        )
        actions = []
        if can(user, "ppe", "view"):
            in_force = {}
            for version_pk, ppe_pk in (
                PPEVersion.objects.filter(ppe__child__in=ids, status=PPEVersion.Status.VALIDATED)
                .order_by("ppe_id", "-number")
                .values_list("pk", "ppe_id")
            ):
                in_force.setdefault(ppe_pk, version_pk)
            actions = list(
                Action.objects.filter(
                    objective__version__in=sorted(in_force.values()),
                    status__in=OPEN_ACTIONS,
                    due_date__lte=calendar.add_days(today, ACTION_DAYS),
                )
                .select_related("objective__version__ppe__child")
                .order_by("due_date", "pk")
            )
        entries = []
        levels = []
        if can(user, "journal", "view"):
            entries = list(
                JournalEntry.objects.visible_to(user)
                .filter(house=house)
                .select_related("author", "child")
                .order_by("-written_at", "-pk")[:LAST_ENTRIES]
            )
            shown.update(e.child_id for e in entries if e.child_id)
            levels = writable_levels(user, house)
        today_items = [a for a in appointments if timezone.localdate(a.starts_at) == today]
        houses.append(
            {
                "house": house,
                "children": children,
                "today_appointments": today_items,
                "week_appointments": [a for a in appointments if a not in today_items],
                "actions": actions,
                "entries": entries,
                "form": EntryForm(levels=levels, children=children, auto_id="journal-%s")
                if levels
                else None,
            }
        )
    record_access(user, shown, HOME_READ, AccessEvent.Action.LIST)
    return {"houses": houses, "today": today}


# Head of service, director, clinician -----------------------------------------------------------


def village_home(user, today, overdue_deadlines) -> dict:
    """What waits for the village's management, per village: the admissions waiting, the legal
    deadlines late, the incidents to qualify and those being handled, the judge's notices to
    send (named: they lead to the child's file where they are marked as done)."""
    villages = establishment_list(user, Establishment.Kind.VILLAGE)
    ids = [v.pk for v in villages]
    waiting = Counter(
        dict(
            AdmissionRequest.objects.filter(
                establishment__in=ids, status=AdmissionRequest.Status.WAITING
            )
            .values("establishment")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("establishment", "n")
        )
    )
    incidents = {}
    if can(user, "incident", "view"):
        for row in (
            Incident.objects.visible_to(user)
            .filter(establishment__in=ids)
            .exclude(status=Incident.Status.CLOSED)
            .values("establishment")
            .annotate(
                reported=Count("pk", filter=Q(status=Incident.Status.REPORTED)),
                open=Count("pk"),
            )
            .order_by()
        ):
            incidents[row["establishment"]] = row
    notices = []
    if can(user, "judge_notice", "view"):
        pending = JudgeNotification.objects.pending().filter(establishment__in=ids)
        # The scope asked about the children of these notices only, named by their ids: the
        # scope's SQL compiled for ids is the one kept per user (`people.models.scope_key`),
        # where a query given as `among` is compiled again on each home.
        children = sorted(set(pending.order_by().values_list("child_id", flat=True)))
        named = Person.objects.visible_to(user, among=children).values("pk")
        notices = list(
            pending.filter(child__in=named)
            .select_related("child")
            # what the block shows of each: its kind, its date, the child's name and link
            .only(
                "establishment_id",
                "kind",
                "due_date",
                "child__reference",
                "child__first_names",
                "child__last_name",
            )
            .order_by("due_date", "pk")
        )
        record_access(user, {n.child_id for n in notices}, HOME_READ, AccessEvent.Action.LIST)
    late = {row["village"].pk: row["overdue"] for row in overdue_deadlines}
    rows = []
    for village in villages:
        counts = incidents.get(village.pk, {})
        rows.append(
            {
                "village": village,
                "waiting": waiting.get(village.pk, 0),
                "late_deadlines": late.get(village.pk, 0),
                "to_qualify": counts.get("reported", 0),
                "open_incidents": counts.get("open", 0),
                "notices": [n for n in notices if n.establishment_id == village.pk],
            }
        )
    return {"villages": rows, "today": today}


# O2R ---------------------------------------------------------------------------------------------


def counsellor_home(user, today) -> dict:
    """The caseload and its alerts, in counts (the O2R home names them): accompaniments past or
    near their limit, follow-ups due, actions late."""
    beneficiaries = Beneficiary.objects.visible_to(user)
    counts = tallies.counts(user)  # the team's stored counts, not a count of its files
    by_status = {value: counts[value] for value in Beneficiary.Status.values}
    near, over = alerts(user, today)
    return {
        "by_status": [
            (label, by_status.get(value, 0)) for value, label in Beneficiary.Status.choices
        ],
        "caseload": sum(by_status.values()),
        "near": near.count(),
        "over": over.count(),
        "follow_ups": FollowUp.objects.filter(
            in_scope(user),
            recorded_on__isnull=True,
            due_date__lte=calendar.add_days(today, ALERT_DAYS_BEFORE_LIMIT),
        ).count(),
        "actions_late": AccompanimentAction.objects.filter(
            accompaniment__beneficiary__in=beneficiaries,
            accompaniment__end_date__isnull=True,
            status=AccompanimentAction.Status.PLANNED,
            due_date__lt=today,
        ).count(),
    }


def funnel(user) -> list:
    """The pathway today in the user's scope, as (label, value, percent of the widest): the
    contacts met, then the beneficiaries in remobilisation, in accompaniment, exited (the
    agreement year against its targets is `o2r_lead_home`'s "progress")."""
    counts = tallies.counts(user)  # the stored counts of the user's teams, one query
    steps = [("contacts", counts[Tally.Key.CONTACTS])]
    steps += [(value, counts[value]) for value in Beneficiary.Status.values]
    labels = {"contacts": "contacts"} | dict(Beneficiary.Status.choices)
    top = max((n for _key, n in steps), default=0) or 1
    return [
        {"key": key, "label": labels[key], "value": n, "percent": round(100 * n / top)}
        for key, n in steps
    ]


def o2r_lead_home(user, today) -> dict:
    """The O2R lead's morning: each programme's current agreement year against the targets of
    the lead's organisation (a bar per target, the figures table beside), then the pathway
    today."""
    progress = year_progress(user, today)
    for year in progress:
        year.bars = [
            {
                "label": label,
                "goal": goal,
                "achieved": n,
                "percent": percent,
                # the bar's length: the share of the target reached, capped at the whole bar
                "width": min(percent, 100) if percent is not None else 0,
            }
            for label, goal, n, percent in year.rows
        ]
    return {"progress": progress, "funnel": funnel(user)}


# Organisation-wide roles ------------------------------------------------------------------------


def national_home(user, today, page=None) -> dict:
    """The organisation at a glance, then its villages a page at a time.

    The totals (villages, beds, children, free beds, open houses, admissions waiting, legal
    deadlines late, incidents of the indicators' twelve months) are aggregates over the user's
    villages: the beds from the houses, the children from today's stays only (the
    current-stays index), the incidents from the indicators' stored figures; no line per
    village is built for them. The lines are VILLAGES_PER_PAGE villages, by name (French
    order: a village keeps its page whatever its figures; each line shows what needs
    attention), and each figure is computed for the page's villages only."""
    villages = villages_of(user)
    late_shown = can(user, "deadline", "view") and can(user, OVERSEEN_KIND, "change")
    incidents_shown = can(user, "incident_stats", "view")
    waiting = AdmissionRequest.objects.filter(
        establishment__in=villages, status=AdmissionRequest.Status.WAITING
    ).order_by()
    totals = occupancy_totals(villages, today) | {"waiting": waiting.count()}
    waiting_here = AdmissionRequest.objects.filter(
        establishment=OuterRef("pk"), status=AdmissionRequest.Status.WAITING
    ).order_by()
    lines_of = with_occupancy(villages, today).annotate(
        waiting=Coalesce(
            Subquery(waiting_here.values("establishment").annotate(n=Count("pk")).values("n")), 0
        )
    )
    paginator = Paginator(lines_of, VILLAGES_PER_PAGE)
    page_obj = paginator.get_page(page)
    shown = list(page_obj.object_list)
    ids = [v.pk for v in shown]
    totals["villages"] = paginator.count
    late = {}
    if late_shown:
        # the deadlines of the page's children only; the total counts every village's
        late = {row["village"].pk: row["overdue"] for row in overdue_counts(user, today, ids)}
        totals["late_deadlines"] = sum(row["overdue"] for row in overdue_counts(user, today))
    incidents = {}
    if incidents_shown:
        # the incidents the user may count (their scope's): every village's in the total, the
        # page's villages' on their lines
        totals["incidents"], incidents = incidents_per_village(user, today, villages=ids)
    # the page's villages whose council the user may open: a link on their line (the
    # organisation's home lists no council apart, whatever the number of villages)
    councils = {v.pk for v in council_villages(user, among=set(ids))}
    lines = [
        {
            "village": village,
            "council": village.pk in councils,
            "capacity": village.capacity,
            "occupied": village.occupied,
            "free": max(village.capacity - village.occupied, 0),
            "houses": village.houses,
            "waiting": village.waiting,
            "late_deadlines": late.get(village.pk, 0) if late_shown else None,
            "incidents": incidents.get(village.pk, 0) if incidents_shown else None,
        }
        for village in shown
    ]
    others = list(
        establishments_for(user)
        .exclude(kind=Establishment.Kind.VILLAGE)
        .order_by(*by_name("name"))
        .only("name")
    )
    return {
        "totals": totals,
        "lines": lines,
        "page": page_obj,
        "late_shown": late_shown,
        "incidents_shown": incidents_shown,
        "others": others,
    }


def finance_home(user, today) -> dict:
    """The analytic sections and the periods to close: each of the last CLOSING_MONTHS months
    (the current one included) that has time sheets to approve or class 6 and 7 lines, with
    what it waits for, each a link to the action: the time sheets to approve, the lines the
    allocation has not reached yet (the year's allocation to run), or nothing (no sheet to
    approve and lines allocated: its figures)."""
    first = calendar.add_months(today.replace(day=1), 1 - CLOSING_MONTHS)
    sheets = {}
    if can(user, "time_approval", "view"):
        # the sheets waiting for approval only, read from their partial index
        # (`time_sheet_submitted_idx`): what the home shows is that backlog, not every sheet
        # of the year, approved ones included, that the organisation keeps
        for row in (
            TimeSheet.objects.to_approve(user)
            .filter(status=TimeSheet.Status.SUBMITTED, month__gte=first)
            .values("month")
            .annotate(submitted=Count("pk"))
            .order_by()
        ):
            sheets[row["month"]] = row
    lines = {}
    for row in (
        LedgerLine.objects.visible_to(user)
        .filter(entry_date__gte=first)
        .filter(Q(account_number__startswith="6") | Q(account_number__startswith="7"))
        .annotate(month=TruncMonth("entry_date"))
        .values("month")
        .annotate(
            total=Count("pk"),
            unallocated=Count(
                "pk", filter=~Q(Exists(AllocatedAmount.objects.filter(line=OuterRef("pk"))))
            ),
        )
        .order_by()
    ):
        month = row["month"]
        lines[month.date() if isinstance(month, datetime) else month] = row
    months = []
    for n in range(CLOSING_MONTHS):
        month = calendar.add_months(first, n)
        sheet, line = sheets.get(month, {}), lines.get(month, {})
        if not sheet and not line:
            continue
        submitted, unallocated = sheet.get("submitted", 0), line.get("unallocated", 0)
        months.append(
            {
                "month": month,
                "current": month == today.replace(day=1),
                "submitted": submitted,
                "lines": line.get("total", 0),
                "unallocated": unallocated,
                "closed": not submitted and not unallocated,
            }
        )
    months.reverse()  # the latest first
    return {
        # counted, not listed: the sections' pages show them a page at a time
        "sections": accounting.section_count(user),
        "months": months,
    }


def funder_home(user) -> dict:
    return {"programmes": sorted(report_programmes(user), key=lambda p: search_key(p.name))}


def families_home(user) -> dict:
    """The families of the team or service: referrals to decide, supported families and those
    with something late (a visit without its report, an action, a review)."""
    load = families.caseload(user)
    referred = FamilyCase.objects.of_programme(user, "view", "home_visit").filter(
        status=FamilyCase.Status.REFERRED
    )
    cases = [case for _worker, group in load["groups"] for case in group]
    return {
        "referred": referred.count(),
        "supported": len(cases),
        "late": [case for case in cases if case.is_late],
    }


def dpo_home(user) -> dict:
    """The data protection officer's morning: the requests to answer (the nearest due first),
    the retention runs awaiting approval, the holds in force."""
    requests = SubjectRequest.objects.visible_to(user).exclude(state=SubjectRequest.State.ANSWERED)
    return {
        "requests": requests.count(),
        "next_due": requests.order_by("due_on", "pk").values_list("due_on", flat=True).first(),
        "runs_to_approve": RetentionRun.objects.visible_to(user)
        .filter(state=RetentionRun.State.PROPOSED)
        .count(),
        "holds": Hold.objects.visible_to(user).active().count(),
    }


def home_block(kind, user, *, overdue_deadlines, page=None) -> dict:
    today = timezone.localdate()
    if kind == "house":
        return house_home(user, today)
    if kind == "village":
        return village_home(user, today, overdue_deadlines)
    if kind == "counsellor":
        return counsellor_home(user, today)
    if kind == "o2r_lead":
        return o2r_lead_home(user, today)
    if kind == "national":
        return national_home(user, today, page)
    if kind == "finance":
        return finance_home(user, today) | {"national": national_home(user, today, page)}
    if kind == "admin":
        return national_home(user, today, page)
    if kind == "funder":
        return funder_home(user)
    if kind == "families":
        return families_home(user)
    if kind == "dpo":
        return dpo_home(user)
    return {}
