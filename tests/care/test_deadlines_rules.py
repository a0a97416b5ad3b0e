"""The legal deadline rules, each at its boundary: the day before, the day, the day after."""

from datetime import date

import pytest

from ancrage.care.services.deadlines import (
    ChildFacts,
    Kind,
    MeasureFacts,
    Status,
    autonomy_due,
    deadlines_for,
    report_due_dates,
)
from ancrage.kernel.calendar import birthday


def facts(**kwargs):
    base = {"child_id": 1, "birth_date": date(2015, 6, 10), "arrival": date(2025, 1, 15)}
    return ChildFacts(**{**base, **kwargs})


def only(kind, deadlines):
    return [d for d in deadlines if d.kind == kind]


MEASURE = MeasureFacts(pk=1, start_date=date(2025, 1, 15))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 4, 14), Status.DUE),
        (date(2025, 4, 15), Status.DUE),
        (date(2025, 4, 16), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_ppe_is_due_three_months_after_the_measure_starts(today, status):
    (ppe,) = only(Kind.PPE, deadlines_for(facts(measures=[MEASURE]), today))
    assert ppe.due == date(2025, 4, 15)
    assert ppe.status(today) == status


def test_ppe_deadline_counts_from_the_first_measure_of_a_renewal_chain():
    renewal = MeasureFacts(pk=2, start_date=date(2026, 1, 15), renews_id=1)
    first = MeasureFacts(
        pk=1, start_date=date(2025, 1, 15), end_date=date(2026, 1, 14), renewed=True
    )
    (ppe,) = only(Kind.PPE, deadlines_for(facts(measures=[renewal, first]), date(2026, 2, 1)))
    assert ppe.due == date(2025, 4, 15)


def test_ppe_is_done_once_a_version_is_validated():
    (ppe,) = only(
        Kind.PPE,
        deadlines_for(
            facts(measures=[MEASURE], ppe_validated_on=date(2025, 5, 2)), date(2025, 6, 1)
        ),
    )
    assert ppe.status(date(2025, 6, 1)) == Status.DONE


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 1, 14), Status.DUE),
        (date(2026, 1, 15), Status.DUE),
        (date(2026, 1, 16), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_situation_report_is_due_every_twelve_months(today, status):
    reports = only(Kind.REPORT, deadlines_for(facts(measures=[MEASURE]), today))
    assert reports[0].due == date(2026, 1, 15)
    assert reports[0].status(today) == status


def test_situation_report_is_due_every_six_months_under_two_then_yearly():
    born = date(2024, 1, 20)
    dates = report_due_dates(born, date(2024, 3, 1), date(2027, 6, 1))
    # 6 months while under 2 on the previous due date; the child turns 2 on 20/01/2026:
    # on 01/03/2026 they are 2, so the next one comes a year later.
    assert dates[:5] == [
        date(2024, 9, 1),
        date(2025, 3, 1),
        date(2025, 9, 1),
        date(2026, 3, 1),
        date(2027, 3, 1),
    ]


@pytest.mark.parametrize(
    ("second_birthday_offset", "next_interval_months"),
    [(-1, 12), (0, 12), (1, 6)],
    ids=["turned-two-the-day-before", "turns-two-on-the-due-date", "turns-two-the-day-after"],
)
def test_under_two_switches_to_yearly_on_the_second_birthday(
    second_birthday_offset, next_interval_months
):
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    previous_due = date(2026, 3, 1)
    born = date(2024, 3, 1) + timedelta(days=second_birthday_offset)
    start = previous_due - relativedelta(months=6)
    dates = report_due_dates(born, start, previous_due)
    assert dates[0] == previous_due
    assert dates[1] == previous_due + relativedelta(months=next_interval_months)


def test_a_sent_report_closes_the_period_it_was_sent_in():
    f = facts(measures=[MEASURE], reports_sent_on=[date(2026, 1, 20)])
    reports = only(Kind.REPORT, deadlines_for(f, date(2026, 3, 1)))
    assert reports[0].done_on == date(2026, 1, 20)
    assert reports[1].due == date(2027, 1, 15) and reports[1].done_on is None


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2032, 6, 9), Status.DUE),
        (date(2032, 6, 10), Status.DUE),
        (date(2032, 6, 11), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_autonomy_interview_is_due_on_the_seventeenth_birthday(today, status):
    (interview,) = only(Kind.AUTONOMY, deadlines_for(facts(), today))
    assert interview.due == date(2032, 6, 10)
    assert interview.status(today) == status


def test_autonomy_interview_is_done_once_held():
    f = facts(autonomy_interview_on=date(2032, 5, 2))
    (interview,) = only(Kind.AUTONOMY, deadlines_for(f, date(2032, 7, 1)))
    assert interview.status(date(2032, 7, 1)) == Status.DONE


def test_autonomy_interview_is_never_due_after_the_18th_birthday_for_a_late_arrival():
    """One year before majority (CASF L222-5-1): a child arriving at 17 years and 11 months is
    due at the latest on the day before the 18th birthday, not a month after arrival."""
    born = date(2008, 3, 10)
    assert autonomy_due(born, date(2026, 2, 12)) == date(2026, 3, 9)
    assert autonomy_due(born, date(2026, 3, 5)) == date(2026, 3, 9)


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        (date(2026, 2, 8), date(2026, 3, 8)),  # a month later is two days before majority
        (date(2026, 2, 9), date(2026, 3, 9)),  # a month later is the day before majority
        (date(2026, 2, 10), date(2026, 3, 9)),  # a month later is the 18th birthday: capped
    ],
    ids=["month-ends-day-before-the-last-day", "month-ends-on-the-last-day", "month-ends-after"],
)
def test_autonomy_interview_late_arrival_month_is_capped_at_the_day_before_majority(arrival, due):
    assert autonomy_due(date(2008, 3, 10), arrival) == due


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        (date(2026, 3, 9), date(2026, 3, 9)),  # the day before the 18th birthday: that day
        (date(2026, 3, 10), None),  # on the 18th birthday: an adult, no interview
        (date(2026, 3, 11), None),
    ],
    ids=["arrives-day-before-18", "arrives-on-18th-birthday", "arrives-day-after"],
)
def test_autonomy_interview_for_a_young_person_arriving_around_18(arrival, due):
    assert autonomy_due(date(2008, 3, 10), arrival) == due
    f = facts(birth_date=date(2008, 3, 10), arrival=arrival)
    interviews = only(Kind.AUTONOMY, deadlines_for(f, arrival))
    assert [d.due for d in interviews] == ([due] if due else [])


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 2, 26), Status.DUE),
        (date(2026, 2, 27), Status.DUE),
        (date(2026, 2, 28), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_29_february_late_arrival_autonomy_interview_due_the_day_before_28_february(today, status):
    """Born 29/02/2008: majority on 28/02/2026, so the interview is due on 27/02/2026 at the
    latest for a child arriving in February 2026."""
    f = facts(birth_date=date(2008, 2, 29), arrival=date(2026, 2, 10))
    (interview,) = only(Kind.AUTONOMY, deadlines_for(f, today))
    assert interview.due == date(2026, 2, 27)
    assert interview.status(today) == status


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        (date(2025, 3, 9), date(2025, 3, 10)),  # the day before the 17th birthday: the birthday
        (date(2025, 3, 10), date(2025, 4, 10)),  # on the birthday: within a month
        (date(2025, 3, 11), date(2025, 4, 11)),  # the day after
    ],
    ids=["arrives-day-before-17", "arrives-on-17th-birthday", "arrives-day-after"],
)
def test_autonomy_interview_for_a_child_arriving_around_17(arrival, due):
    assert autonomy_due(date(2008, 3, 10), arrival) == due


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2025, date(2025, 2, 28)), (2028, date(2028, 2, 29))],
    ids=["non-leap-year-28-february", "leap-year-29-february"],
)
def test_29_february_birthdays_fall_on_28_february_in_non_leap_years(year, expected):
    born = date(2008, 2, 29)
    assert birthday(born, year - 2008) == expected


def test_29_february_child_autonomy_interview_on_28_february():
    born = date(2012, 2, 29)
    assert autonomy_due(born, date(2020, 1, 1)) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2027, 6, 29), Status.DUE),
        (date(2027, 6, 30), Status.DUE),
        (date(2027, 7, 1), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_measure_end_is_a_deadline_until_the_measure_is_renewed(today, status):
    measure = MeasureFacts(pk=1, start_date=date(2025, 7, 1), end_date=date(2027, 6, 30))
    (end,) = only(Kind.MEASURE_END, deadlines_for(facts(measures=[measure]), today))
    assert end.due == date(2027, 6, 30)
    assert end.status(today) == status
    renewed = MeasureFacts(
        pk=1,
        start_date=date(2025, 7, 1),
        end_date=date(2027, 6, 30),
        renewed=True,
        renewed_on=date(2027, 7, 1),
    )
    (end,) = only(Kind.MEASURE_END, deadlines_for(facts(measures=[renewed]), today))
    assert end.status(today) == Status.DONE and end.done_on == date(2027, 7, 1)


@pytest.mark.parametrize(
    ("today", "exits", "status"),
    [
        (date(2027, 7, 1), [], Status.OVERDUE),
        (date(2027, 7, 1), [date(2027, 6, 30)], Status.DONE),
        (date(2027, 7, 1), [date(2026, 3, 2)], Status.DONE),
        (date(2027, 7, 1), [date(2025, 6, 30)], Status.OVERDUE),
    ],
    ids=["no-exit", "exit-on-the-end-day", "exit-while-it-ran", "exit-before-it-started"],
)
def test_measure_end_is_done_when_the_child_left_while_it_ran(today, exits, status):
    measure = MeasureFacts(pk=1, start_date=date(2025, 7, 1), end_date=date(2027, 6, 30))
    (end,) = only(Kind.MEASURE_END, deadlines_for(facts(measures=[measure], exits=exits), today))
    assert end.status(today) == status
    if status == Status.DONE:
        assert end.done_on == exits[0]


def test_a_renewed_measure_review_date_is_dropped_but_its_end_stays_done():
    renewed = MeasureFacts(
        pk=1,
        start_date=date(2025, 7, 1),
        review_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
        renewed_on=date(2027, 7, 1),
    )
    deadlines = deadlines_for(facts(measures=[renewed]), date(2027, 8, 1))
    assert not only(Kind.MEASURE_REVIEW, deadlines)
    assert only(Kind.MEASURE_END, deadlines)[0].status(date(2027, 8, 1)) == Status.DONE


def test_measure_review_date_is_a_deadline():
    measure = MeasureFacts(pk=1, start_date=date(2025, 7, 1), review_date=date(2026, 7, 1))
    (review,) = only(
        Kind.MEASURE_REVIEW, deadlines_for(facts(measures=[measure]), date(2026, 1, 1))
    )
    assert review.due == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 9, 3), Status.DUE),
        (date(2026, 9, 4), Status.DUE),
        (date(2026, 9, 5), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_young_adult_support_ends_the_day_before_the_21st_birthday(today, status):
    """ "Until 21" (CASF L222-5): the last day of the support is the day before the 21st
    birthday (05/09/2026), overdue on the birthday itself."""
    f = facts(birth_date=date(2005, 9, 5), arrival=date(2020, 1, 1))
    (end,) = only(Kind.YOUNG_ADULT_END, deadlines_for(f, today))
    assert end.due == date(2026, 9, 4)
    assert end.status(today) == status


@pytest.mark.parametrize(
    ("today", "shown"),
    [(date(2026, 2, 27), False), (date(2026, 2, 28), True), (date(2026, 3, 1), True)],
    ids=["day-before", "the-day", "day-after"],
)
def test_29_february_18th_birthday_deadline_appears_on_28_february(today, shown):
    """Born 29/02/2008: 18 on 28/02/2026 (a non-leap year), so the young adult's support
    deadline shows from 28/02, not from 01/03; it ends on 27/02/2029, the day before the 21st
    birthday (28/02/2029)."""
    f = facts(birth_date=date(2008, 2, 29), arrival=date(2020, 1, 1))
    ends = only(Kind.YOUNG_ADULT_END, deadlines_for(f, today))
    assert [d.due for d in ends] == ([date(2029, 2, 27)] if shown else [])


@pytest.mark.parametrize(
    ("until", "under_two_reports"),
    [(date(2026, 2, 27), 3), (date(2026, 2, 28), 3), (date(2026, 3, 1), 3)],
    ids=["day-before", "the-day", "day-after"],
)
def test_29_february_child_gets_six_monthly_reports_until_the_28_february_second_birthday(
    until, under_two_reports
):
    """Born 29/02/2024, cared for from 28/08/2024: reports due 28/02/2025, 28/08/2025 and
    28/02/2026, on which day the child is 2 (birthday on 28/02 in 2026), so the next is due a
    year later (28/02/2027), not six months later (28/08/2026)."""
    dates = report_due_dates(date(2024, 2, 29), date(2024, 8, 28), until)
    assert dates[:under_two_reports] == [date(2025, 2, 28), date(2025, 8, 28), date(2026, 2, 28)]
    if until >= date(2026, 2, 28):
        assert dates[under_two_reports] == date(2027, 2, 28)
    assert date(2026, 8, 28) not in report_due_dates(date(2024, 2, 29), date(2024, 8, 28), until)


def test_no_young_adult_deadline_for_a_minor():
    assert not only(Kind.YOUNG_ADULT_END, deadlines_for(facts(), date(2026, 1, 1)))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 3, 1), Status.DUE),
        (date(2026, 3, 2), Status.DUE),
        (date(2026, 3, 3), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_judge_notification_keeps_its_due_date(today, status):
    f = facts(judge_notices=[(7, date(2026, 3, 2), None, "Informer le juge")])
    (notice,) = only(Kind.JUDGE, deadlines_for(f, today))
    assert notice.status(today) == status
    sent = facts(judge_notices=[(7, date(2026, 3, 2), date(2026, 3, 3), "Informer le juge")])
    assert only(Kind.JUDGE, deadlines_for(sent, today))[0].status(today) == Status.DONE
