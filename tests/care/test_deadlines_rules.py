"""The legal deadline rules, each at its boundary: the day before, the day, the day after."""

from datetime import date

import pytest

from ancrage.care.services.deadlines import (
    ChildFacts,
    Kind,
    MeasureFacts,
    Status,
    autonomy_due,
    birthday,
    deadlines_for,
    report_due_dates,
)


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


def test_autonomy_interview_within_a_month_when_arriving_at_17_years_and_11_months():
    born = date(2008, 3, 10)
    arrival = date(2026, 2, 12)  # 17 years and 11 months
    assert autonomy_due(born, arrival) == date(2026, 3, 12)


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
        (date(2026, 9, 4), Status.DUE),
        (date(2026, 9, 5), Status.DUE),
        (date(2026, 9, 6), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_young_adult_support_ends_on_the_21st_birthday(today, status):
    f = facts(birth_date=date(2005, 9, 5), arrival=date(2020, 1, 1))
    (end,) = only(Kind.YOUNG_ADULT_END, deadlines_for(f, today))
    assert end.due == date(2026, 9, 5)
    assert end.status(today) == status


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
