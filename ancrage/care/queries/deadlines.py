"""Scoped reads of the legal deadlines (the échéancier): a fixed number of queries for a whole
village, whatever the number of children, then the pure engine of care.services.deadlines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, F, Min, OuterRef, Q, Subquery, TextField, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ancrage.accounts.models import Membership
from ancrage.care.models import PPE, PlannedReview, SituationReport
from ancrage.care.models.deadlines import OverdueSummary, encode_counts
from ancrage.care.services.deadlines import (
    ChildFacts,
    Deadline,
    Kind,
    MeasureFacts,
    Status,
    deadlines_for,
    sort_key,
)
from ancrage.kernel.access import Role, can
from ancrage.kernel.audit import record_access
from ancrage.kernel.deadlines import child_deadlines, establishment_deadlines
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.kernel.templatetags.access import allowed
from ancrage.organisation.models import Establishment
from ancrage.organisation.queries import establishment_list, establishments_for
from ancrage.people.models import Person
from ancrage.placements.models import JudgeNotification, ProtectionMeasure, Stay

# The dashboard counts the overdue deadlines for the staff who answer for them: those who change
# the child's project (PPE) and record its reviews.
OVERSEEN_KIND = "ppe"


@dataclass
class Row:
    deadline: Deadline
    status: str
    child: Person
    house: object
    responsible: object  # a User, or None when nobody is named
    action_url: str = ""  # where the deadline is acted on (with_actions), "" when not offered

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    # Plain strings for the table: a village lists hundreds of rows, template filters per
    # cell would cost more than computing the deadlines.
    @property
    def due_text(self):
        return f"{self.deadline.due:%d/%m/%Y}"

    @property
    def done_text(self):
        return f"{self.deadline.done_on:%d/%m/%Y}" if self.deadline.done_on else ""

    @property
    def responsible_name(self):
        if self.responsible is None:
            return ""
        return self.responsible.get_full_name() or self.responsible.username


def _heads_of_service(establishment_ids, today):
    heads = {}
    memberships = (
        Membership.objects.in_force(today)
        .filter(role=Role.HEAD_OF_SERVICE, establishment_id__in=establishment_ids)
        .select_related("user")
        .order_by("pk")
    )
    for membership in memberships:
        heads.setdefault(membership.establishment_id, membership.user)
    return heads


def collect(stays, today: date | None = None, user=None) -> list[Row]:
    """The deadlines of the children of these current stays: eight queries in all; with a
    `user`, also those the apps beside care keep about the children (kernel.deadlines: the
    CRIP's evaluations), one query per kind the user may read."""
    today = today or timezone.localdate()
    stays = list(stays.select_related("child", "unit"))
    children = [s.child_id for s in stays]
    measures = defaultdict(list)
    renewals = ProtectionMeasure.objects.filter(renews=OuterRef("pk")).order_by("start_date")
    for m in ProtectionMeasure.objects.filter(child_id__in=children).annotate(
        renewed_on=Subquery(renewals.values("start_date")[:1])
    ):
        measures[m.child_id].append(
            MeasureFacts(
                pk=m.pk,
                start_date=m.start_date,
                end_date=m.end_date,
                review_date=m.review_date,
                renews_id=m.renews_id,
                renewed=m.renewed_on is not None,
                renewed_on=m.renewed_on,
                young_adult=m.legal_basis == ProtectionMeasure.LegalBasis.YOUNG_ADULT_SUPPORT,
            )
        )
    ppes = {
        p.child_id: p
        for p in PPE.objects.filter(child_id__in=children)
        .select_related("referent")
        .annotate(
            first_validated=Min("versions__validated_on"),
            autonomy_on=Min("reviews__held_on", filter=Q(reviews__kind="autonomy_interview")),
        )
    }
    reports = defaultdict(list)
    for child_id, sent_on in SituationReport.objects.filter(
        child_id__in=children, sent_on__isnull=False
    ).values_list("child_id", "sent_on"):
        reports[child_id].append(sent_on)
    notices = defaultdict(list)
    for n in JudgeNotification.objects.filter(child_id__in=children):
        notices[n.child_id].append((n.pk, n.due_date, n.sent_on, n.get_kind_display()))
    planned = defaultdict(list)
    for child_id, pk, planned_date, held_on in PlannedReview.objects.filter(
        ppe__child_id__in=children
    ).values_list("ppe__child_id", "pk", "planned_date", "review__held_on"):
        planned[child_id].append((pk, planned_date, held_on))
    # A child who moved house keeps the date they arrived in the village.
    # A measure ends with the child's exit (a move between houses is no exit); one query for
    # both.
    arrivals, exits = {}, defaultdict(list)
    for child_id, village_id, start, end, reason in Stay.objects.filter(
        child_id__in=children
    ).values_list("child_id", "unit__establishment_id", "start_date", "end_date", "exit_reason"):
        key = (child_id, village_id)
        arrivals[key] = min(arrivals.get(key, start), start)
        if end is not None and reason != Stay.ExitReason.MOVE:
            exits[child_id].append(end)
    heads = _heads_of_service({s.unit.establishment_id for s in stays}, today)
    rows, by_child = [], {}
    for stay in stays:
        ppe = ppes.get(stay.child_id)
        facts = ChildFacts(
            child_id=stay.child_id,
            birth_date=stay.child.birth_date,
            arrival=arrivals.get((stay.child_id, stay.unit.establishment_id), stay.start_date),
            measures=measures[stay.child_id],
            ppe_validated_on=ppe.first_validated if ppe else None,
            reports_sent_on=reports[stay.child_id],
            autonomy_interview_on=ppe.autonomy_on if ppe else None,
            judge_notices=notices[stay.child_id],
            planned_reviews=planned[stay.child_id],
            exits=exits[stay.child_id],
        )
        responsible = (ppe.referent if ppe and ppe.referent_id else None) or heads.get(
            stay.unit.establishment_id
        )
        for deadline in deadlines_for(facts, today):
            rows.append(Row(deadline, deadline.status(today), stay.child, stay.unit, responsible))
        by_child[stay.child_id] = (stay, responsible)
    for kept in child_deadlines(user, by_child):
        stay, responsible = by_child[kept.child_id]
        deadline = Deadline(
            kept.child_id, kept.kind, kept.due, kept.done_on, record_id=kept.record_id
        )
        rows.append(Row(deadline, deadline.status(today), stay.child, stay.unit, responsible))
    key = sort_key(today)
    rows.sort(key=lambda r: key(r.deadline))
    return rows


def summary(rows):
    counts = {Status.OVERDUE: 0, Status.DUE: 0, Status.DONE: 0}
    for r in rows:
        counts[r.status] += 1
    return counts


def followed_stays(user, villages, today):
    """The current stays of the children the user follows in these villages: the whole village
    for its head of service, director and clinician, their own houses for house staff (not the
    brothers and sisters they may see elsewhere)."""
    village_ids = sorted({v.pk for v in villages})
    followed = Stay.objects.current(today).filter(
        reach(user, "deadline", "view").filter(
            unit="unit_id", establishment="unit__establishment_id"
        ),
        unit__establishment_id__in=village_ids,
    )
    # The visibility rule is checked on these children only, named one by one: joined to the
    # whole persons table instead, PostgreSQL walked it in primary-key order with parallel
    # workers (20 ms at 424,000 persons against 2 ms; docs/decisions.md); and the scope is
    # asked about them alone (`among`), not built whole to keep them.
    children = list(followed.values_list("child_id", flat=True))
    return followed.filter(child__in=Person.objects.visible_to(user, among=children))


# Where each kind of deadline is acted on: the page's URL name, what it takes (the child's
# reference, or the id of the record the deadline comes from) and the place on the page.
ACTIONS = {
    Kind.PPE: ("care:ppe", "child", ""),
    Kind.REPORT: ("care:report_create", "child", ""),
    Kind.AUTONOMY: ("care:autonomy", "child", ""),
    Kind.JUDGE: ("web:person", "child", "#juge"),
    Kind.MEASURE_REVIEW: ("web:person", "child", "#mesure"),
    Kind.MEASURE_END: ("placements:measure_create", "child", ""),
    Kind.YOUNG_ADULT_END: ("web:person", "child", "#mesure"),
    Kind.PPE_REVIEW: ("care:review_add", "child", ""),
    Kind.CRIP_EVALUATION: ("safeguarding:transmission_follow_up", "record", ""),
}
_PLACE = "P-PLACE"


def with_actions(user, rows):
    """Each row not yet done gets the address of its action (the deadline's own page or form),
    when the permission table lets the user through it: one reverse() and one permission check
    per kind of deadline, not per row."""
    links = {}
    for kind, (name, by, anchor) in ACTIONS.items():
        sample = reverse(name, args=[_PLACE if by == "child" else 0])
        if allowed(user, sample, name):
            url = reverse(name, args=[_PLACE]) if by == "child" else None
            links[kind] = (by, url, name, anchor)
    for row in rows:
        link = links.get(row.deadline.kind)
        if link is None or row.status == Status.DONE:
            continue
        by, url, name, anchor = link
        if by == "child":
            row.action_url = url.replace(_PLACE, row.child.reference) + anchor
        elif row.deadline.record_id is not None:
            row.action_url = reverse(name, args=[row.deadline.record_id]) + anchor
    return rows


def for_table(rows, child_url=None):
    """The table's cells as plain strings on each row, computed once per page: a village lists
    hundreds of rows, and each template lookup, tag or filter per cell costs more than this.
    With `child_url` (person_url_template), the child's link, name and house too."""
    done_label, nobody = gettext("fait le"), gettext("Personne")
    labels = {status: str(label) for status, label in Status.LABELS.items()}
    tags = {Status.OVERDUE: "alert", Status.DONE: "ok"}
    kinds = {}
    for row in rows:
        row.tag_class = tags.get(row.status, "")
        row.status_text = labels[row.status]
        label = row.deadline.label
        if label:
            row.kind_text = str(label)
        else:
            kind = row.deadline.kind
            if kind not in kinds:
                kinds[kind] = str(Kind.LABELS[kind])
            row.kind_text = kinds[kind]
        due, done = row.due_text, row.done_text
        row.date_text = f"{due} · {done_label} {done}" if done else due
        row.responsible_text = row.responsible_name or nobody
        if child_url is not None:
            child = row.child
            row.child_href = f"{child_url['before']}{child.reference}{child_url['after']}"
            row.child_name = child.full_name
            row.house_name = row.house.name
    return rows


def person_url_template():
    """The child's échéancier URL with a place for the reference: one reverse() per page, not
    one per row."""
    before, after = reverse("care:person_deadlines", args=["P-REFERENCE"]).split("P-REFERENCE")
    return {"before": before, "after": after}


# The establishments with an échéancier: the villages (their children's legal deadlines and
# their own), and the family-strengthening services (their own deadlines only: the follow-ups
# six months after the end of a support, registered by families in kernel.deadlines).
DEADLINE_KINDS = (Establishment.Kind.VILLAGE, Establishment.Kind.FAMILY_STRENGTHENING)


def visible_village(user, pk):
    return get_object_or_404(establishments_for(user).filter(kind__in=DEADLINE_KINDS), pk=pk)


def village_deadlines(user, pk, today=None):
    """Every deadline of the village's children the user may see; filter with `shown`."""
    today = today or timezone.localdate()
    village = visible_village(user, pk)
    houses = list(village.units.filter(kind="house", active=True).order_by("name"))
    every = collect(followed_stays(user, [village], today), today, user)
    responsibles = {r.responsible.pk: r.responsible for r in every if r.responsible}
    return {
        "village": village,
        "houses": houses,
        "every": every,
        "counts": summary(every),
        "responsibles": sorted(
            responsibles.values(), key=lambda u: u.get_full_name() or u.username
        ),
        "today": today,
        # the village's own deadlines that apps register (the council's meetings, the staff's
        # attestations)
        "establishment_deadlines": establishment_deadlines(user, [village.pk], today),
    }


def person_deadlines(person, today=None, user=None):
    today = today or timezone.localdate()
    every = collect(Stay.objects.current(today).filter(child=person), today, user)
    responsibles = {r.responsible.pk: r.responsible for r in every if r.responsible}
    return {
        "person": person,
        "every": every,
        "counts": summary(every),
        "responsibles": list(responsibles.values()),
        "today": today,
    }


def shown(user, rows, what):
    """The rows the filters kept: the children they name are recorded as listed."""
    children = {r.child.pk: r.child for r in rows}
    record_access(user, children.values(), what, AccessEvent.Action.LIST)
    return rows


def overdue_counts(user, today=None, among=None):
    """Overdue deadlines per village the user oversees (head of service, director), for the
    dashboard: figures only. `among` (village ids) narrows to those villages (a page of them):
    the deadlines of their children only are computed."""
    if not can(user, OVERSEEN_KIND, "change"):
        return []
    today = today or timezone.localdate()
    if among is None:
        # the villages the memberships loaded, without a query (but for organisation-wide roles)
        villages = establishment_list(user, Establishment.Kind.VILLAGE)
    else:
        villages = list(
            establishments_for(user).filter(kind=Establishment.Kind.VILLAGE, pk__in=sorted(among))
        )
    villages.sort(key=lambda v: (v.name, v.pk))
    if not villages:
        return []
    # Which children are counted is still the user's scope (followed_stays); what each counts
    # is stored per child and day (models.deadlines.OverdueSummary), recomputed for the
    # children whose inputs were written since, or on a new day.
    followed = followed_stays(user, villages, today).values_list(
        "child_id", "unit__establishment_id"
    )
    followed = list(followed)
    per_child = overdue_by_child({child for child, _ in followed}, today)
    counts = defaultdict(int)
    for child, village in followed:
        counts[village] += per_child[child].get(village, 0)
    return [{"village": v, "overdue": counts[v.pk]} for v in villages]


# Children recomputed per compare-and-set statement (SQLite limits an expression's depth).
_STORE_BATCH = 200


def overdue_by_child(children, today) -> dict[int, dict[int, int]]:
    """For each child, the number of overdue deadlines per village of their current stays (one
    stay's worth: `collect` lists a child's deadlines once per current stay), as `collect`
    computes them: read from OverdueSummary when it was counted today for the current state
    of the child's inputs, else recomputed and stored (one query when all are fresh)."""
    children = set(children)
    if not children:
        return {}
    rows = {r.child_id: r for r in OverdueSummary.objects.filter(child_id__in=sorted(children))}
    result, stamps = {}, {}
    for child in children:
        row = rows.get(child)
        if row is not None and row.day == today and row.computed_stamp == row.stamp:
            result[child] = row.decoded()
        elif row is not None:
            stamps[child] = row.stamp
    stale = children - result.keys()
    if not stale:
        return result
    missing = sorted(stale - stamps.keys())
    if missing:
        # The row exists before the inputs are read: a writer's stamp (an upsert) either
        # precedes this insert, which then waits for the writer's commit, or follows it.
        OverdueSummary.objects.bulk_create(
            [OverdueSummary(child_id=c) for c in missing], ignore_conflicts=True
        )
        stamps.update(
            OverdueSummary.objects.filter(child_id__in=missing).values_list("child_id", "stamp")
        )
    # The stamps are read above, before the inputs: a write committed after the reads below
    # changes the stamp, and the compare-and-set then stores nothing (or the row goes stale).
    current = Stay.objects.current(today).filter(child_id__in=sorted(stale))
    per_stay = defaultdict(int)
    for child, village in current.values_list("child_id", "unit__establishment_id"):
        per_stay[child, village] += 1
    computed = {child: defaultdict(int) for child in stale}
    for row in collect(current, today):
        if row.status == Status.OVERDUE:
            computed[row.child.pk][row.house.establishment_id] += 1
    for child in stale:
        result[child] = {
            village: computed[child][village] // n
            for (c, village), n in per_stay.items()
            if c == child
        }
    ordered = sorted(stale)
    for start in range(0, len(ordered), _STORE_BATCH):
        batch = ordered[start : start + _STORE_BATCH]
        matching = Q()
        for child in batch:
            matching |= Q(child_id=child, stamp=stamps[child])
        OverdueSummary.objects.filter(matching).update(
            day=today,
            computed_stamp=F("stamp"),
            counts=Case(
                *[When(child_id=c, then=Value(encode_counts(result[c]))) for c in batch],
                output_field=TextField(),
            ),
        )
    return result
