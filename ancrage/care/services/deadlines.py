"""The legal deadline engine: from a child's measures, stays, birth date and what was done,
compute the deadlines the law sets. Pure functions on plain facts, no database access, so a
village's deadlines cost the same few queries whatever the number of children.

Rules (see docs/decisions.md, 2026-11-23):
- PPE: validated within 3 months of the start of the care (the first measure of the chain);
- rapport de situation: every 12 months from the start of the care, every 6 months while the
  child is under 2 on the previous due date (so the rhythm becomes yearly once they are 2);
- autonomy interview (CASF L222-5-1, one year before majority): at the latest on the 17th
  birthday, or within one month of arrival for a child who arrives aged 17 or more, and never
  after the day before the 18th birthday; none for a young person who arrives aged 18 or more;
- judge notifications created by the sibling rule: their own due date;
- the review date and the end date of each measure: the end is done once the measure is renewed
  (on the renewal's start) or once the child left the village while it ran (on the exit day);
  a renewed measure's review date is dropped;
- support to 21 (CASF L222-5): a young adult's support ends the day before the 21st birthday;
- planned PPE reviews (planned ahead, or from the next review date of the last review): due on
  their planned date, done when held.
Every count goes through `ancrage.kernel.calendar` (months with the end-of-month rule, a
29 February birthday on 28 February in non-leap years: docs/decisions.md, 2026-12-05).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from ancrage.kernel import calendar
from ancrage.kernel.calendar import MAJORITY_AGE, age_on, birthday

PPE_DELAY_MONTHS = 3
REPORT_INTERVAL_MONTHS = 12
REPORT_INTERVAL_UNDER_TWO_MONTHS = 6
AUTONOMY_AGE = 17
AUTONOMY_LATE_ARRIVAL_MONTHS = 1


class Kind:
    PPE = "ppe"
    REPORT = "report"
    AUTONOMY = "autonomy"
    JUDGE = "judge"
    MEASURE_REVIEW = "measure_review"
    MEASURE_END = "measure_end"
    YOUNG_ADULT_END = "young_adult_end"
    PPE_REVIEW = "ppe_review"
    # kept by safeguarding (kernel.deadlines): the CRIP evaluates an information préoccupante
    # within 3 months of receiving it
    CRIP_EVALUATION = "crip_evaluation"

    LABELS = {
        PPE: _("PPE à établir (3 mois après le début de la mesure)"),
        REPORT: _("Rapport de situation"),
        AUTONOMY: _("Entretien d'autonomie (17 ans)"),
        JUDGE: _("Information du juge"),
        MEASURE_REVIEW: _("Révision de la mesure"),
        MEASURE_END: _("Fin de la mesure"),
        YOUNG_ADULT_END: _("Fin de l'accompagnement jeune majeur (veille des 21 ans)"),
        PPE_REVIEW: _("Révision du PPE prévue"),
        CRIP_EVALUATION: _("Évaluation de l'information préoccupante (CRIP, 3 mois)"),
    }
    CHOICES = list(LABELS.items())


class Status:
    OVERDUE = "overdue"
    DUE = "due"
    DONE = "done"

    LABELS = {OVERDUE: _("En retard"), DUE: _("À faire"), DONE: _("Fait")}
    CHOICES = list(LABELS.items())
    ORDER = {OVERDUE: 0, DUE: 1, DONE: 2}


@dataclass(frozen=True)
class MeasureFacts:
    pk: int
    start_date: date
    end_date: date | None = None
    review_date: date | None = None
    renews_id: int | None = None
    renewed: bool = False
    young_adult: bool = False
    renewed_on: date | None = None  # start of the measure that renews it


@dataclass
class ChildFacts:
    """What the engine needs to know about one child."""

    child_id: int
    birth_date: date | None
    arrival: date  # start of the current stay in the village
    measures: list[MeasureFacts] = field(default_factory=list)
    ppe_validated_on: date | None = None  # the first validated version
    reports_sent_on: list[date] = field(default_factory=list)
    autonomy_interview_on: date | None = None
    judge_notices: list[tuple[int, date, date | None, str]] = field(default_factory=list)
    exits: list[date] = field(default_factory=list)  # days the child left (moves excepted)
    # (pk, planned date, held on or None) of the planned PPE reviews
    planned_reviews: list[tuple[int, date, date | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Deadline:
    child_id: int
    kind: str
    due: date
    done_on: date | None
    label: str = ""
    record_id: int | None = None

    def status(self, today: date) -> str:
        if self.done_on is not None:
            return Status.DONE
        return Status.OVERDUE if self.due < today else Status.DUE

    @property
    def kind_label(self):
        return self.label or Kind.LABELS[self.kind]


def care_start(facts: ChildFacts) -> date:
    """The start of the current care: the first measure of the chain in force, else the arrival."""
    if not facts.measures:
        return facts.arrival
    by_pk = {m.pk: m for m in facts.measures}
    current = max(facts.measures, key=lambda m: m.start_date)
    while current.renews_id in by_pk:
        current = by_pk[current.renews_id]
    return current.start_date


def ppe_deadline(facts: ChildFacts) -> Deadline:
    due = calendar.add_months(care_start(facts), PPE_DELAY_MONTHS)
    return Deadline(facts.child_id, Kind.PPE, due, facts.ppe_validated_on)


def report_due_dates(birth_date: date | None, start: date, until: date) -> list[date]:
    """Due dates of the situation reports from `start` up to the first one after `until`."""
    dates, previous = [], start
    while True:
        under_two = birth_date is not None and age_on(birth_date, previous) < 2
        due = calendar.add_months(
            previous, REPORT_INTERVAL_UNDER_TWO_MONTHS if under_two else REPORT_INTERVAL_MONTHS
        )
        dates.append(due)
        if due > until:
            return dates
        previous = due


def report_deadlines(facts: ChildFacts, today: date) -> list[Deadline]:
    """Each period's report is done by the first report sent after the previous due date."""
    start = care_start(facts)
    sent = sorted(d for d in facts.reports_sent_on if d >= start)
    deadlines, previous = [], start
    for due in report_due_dates(facts.birth_date, start, today):
        done = next((d for d in sent if d > previous), None)
        if done is not None:
            sent.remove(done)
        deadlines.append(Deadline(facts.child_id, Kind.REPORT, due, done))
        previous = due
    return deadlines


def autonomy_due(birth_date: date, arrival: date) -> date | None:
    """The autonomy interview, one year before majority (CASF L222-5-1): on the 17th birthday;
    for a child who arrives aged 17 or more, within a month of arrival but never after the day
    before the 18th birthday; None for a young person who arrives an adult (the interview is
    held with a minor; the young adult's support takes over)."""
    last_day = calendar.last_day_before_age(birth_date, MAJORITY_AGE)
    if arrival > last_day:
        return None
    seventeen = birthday(birth_date, AUTONOMY_AGE)
    if arrival >= seventeen:
        return min(calendar.add_months(arrival, AUTONOMY_LATE_ARRIVAL_MONTHS), last_day)
    return seventeen


def autonomy_deadline(facts: ChildFacts) -> Deadline | None:
    if facts.birth_date is None:
        return None
    due = autonomy_due(facts.birth_date, facts.arrival)
    if due is None:
        return None
    return Deadline(facts.child_id, Kind.AUTONOMY, due, facts.autonomy_interview_on)


def measure_end_done_on(m: MeasureFacts, exits: list[date]) -> date | None:
    """The day a measure's end was settled: its renewal, else the child's first exit from the
    village since it started (the measure ended with the stay)."""
    if m.renewed or m.renewed_on:
        return m.renewed_on or m.end_date
    return min((d for d in exits if d >= m.start_date), default=None)


def measure_deadlines(facts: ChildFacts) -> list[Deadline]:
    """The review dates of the measures not renewed, and every measure's end."""
    deadlines = []
    for m in facts.measures:
        renewed = m.renewed or m.renewed_on is not None
        if not renewed and m.review_date and m.review_date != m.end_date:
            deadlines.append(
                Deadline(facts.child_id, Kind.MEASURE_REVIEW, m.review_date, None, record_id=m.pk)
            )
        if m.end_date:
            done = measure_end_done_on(m, facts.exits)
            deadlines.append(
                Deadline(facts.child_id, Kind.MEASURE_END, m.end_date, done, record_id=m.pk)
            )
    return deadlines


def young_adult_deadline(facts: ChildFacts, today: date) -> Deadline | None:
    """Support after 18 ends the day before the 21st birthday (CASF L222-5): shown for young
    adults in care."""
    if facts.birth_date is None:
        return None
    adult = age_on(facts.birth_date, today) >= MAJORITY_AGE or any(
        m.young_adult for m in facts.measures
    )
    if not adult:
        return None
    return Deadline(
        facts.child_id,
        Kind.YOUNG_ADULT_END,
        calendar.young_adult_support_last_day(facts.birth_date),
        None,
    )


def judge_deadlines(facts: ChildFacts) -> list[Deadline]:
    return [
        Deadline(facts.child_id, Kind.JUDGE, due, sent_on, label=label, record_id=pk)
        for pk, due, sent_on, label in facts.judge_notices
    ]


def planned_review_deadlines(facts: ChildFacts) -> list[Deadline]:
    return [
        Deadline(facts.child_id, Kind.PPE_REVIEW, due, held_on, record_id=pk)
        for pk, due, held_on in facts.planned_reviews
    ]


def deadlines_for(facts: ChildFacts, today: date) -> list[Deadline]:
    """Every legal deadline of one child."""
    result = [ppe_deadline(facts), *report_deadlines(facts, today)]
    for optional in (autonomy_deadline(facts), young_adult_deadline(facts, today)):
        if optional is not None:
            result.append(optional)
    result += measure_deadlines(facts)
    result += judge_deadlines(facts)
    result += planned_review_deadlines(facts)
    return result


def sort_key(today: date):
    """Overdue first (oldest first), then due (soonest first), then done (latest first)."""

    def key(deadline: Deadline):
        status = deadline.status(today)
        if status == Status.DONE:
            return (2, -deadline.done_on.toordinal(), deadline.child_id)
        return (Status.ORDER[status], deadline.due.toordinal(), deadline.child_id)

    return key
