"""The accompaniment's 9 months, 12 with an extension (arrêté du 26 juin 2024, cahier des
charges O2R), held: the extension is decided on or before the 9-month date (its date entered,
not in the future), nothing is extended once the 12 months have passed, nothing is written past
the limit but the exit, and an exit after the limit is recorded with its real date and counted
as an overrun. Each boundary is tested the day before, the day and the day after, from a start
on the 31st of a month. The dates are relative to today: the rules compare them with today."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.insertion import report
from ancrage.insertion.models import Accompaniment
from ancrage.insertion.services.accompaniment import (
    add_action,
    add_objective,
    extend_accompaniment,
    open_accompaniment,
    record_barrier,
    refer_to_partner,
)
from ancrage.insertion.services.beneficiary import check_eligibility, record_exit
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from tests.insertion.factories import new_beneficiary

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
REASON = "Entrée en formation qualifiante dans 6 semaines"


def latest_31st(low: datetime.date, high: datetime.date) -> datetime.date:
    """The latest 31st of a month between low and high (both included)."""
    day = high
    while day.day != 31:
        day = add_days(day, -1)
    assert day >= low, "every window of 3 months or more holds a 31st"
    return day


def accompanied(world, start):
    me = world.users[Role.O2R_COUNSELLOR]
    beneficiary = new_beneficiary(world.o2r_team, me, consent_on=start)
    check_eligibility(beneficiary, by=me, checked_on=start, registered=False)
    return open_accompaniment(beneficiary, by=me, start_date=start, referent=me)


@pytest.fixture
def me(o2r_files):
    return o2r_files.users[Role.O2R_COUNSELLOR]


@pytest.fixture
def past_nine(o2r_files):
    """Started on a 31st, so that its 9-month date (at least a day ago) is the last day of a
    shorter month or the 31st, and its 12-month date is still ahead."""
    today = TODAY()
    start = latest_31st(add_days(add_months(today, -12), 1), add_days(add_months(today, -9), -2))
    return accompanied(o2r_files, start)


@pytest.fixture
def past_twelve(o2r_files):
    """Started on a 31st, more than 12 months ago (the programme began 500 days ago)."""
    today = TODAY()
    start = latest_31st(add_days(today, -495), add_days(add_months(today, -12), -2))
    return accompanied(o2r_files, start)


def test_the_limits_of_a_start_on_the_31st_follow_the_french_month_rule(past_nine):
    a = past_nine
    assert a.start_date.day == 31
    assert a.nine_months_date == add_months(a.start_date, 9)
    assert a.twelve_months_date == add_months(a.start_date, 12)
    assert a.limit_date == a.nine_months_date
    # 31 January + 9 months = 31 October; 31 May + 9 months = 28 (or 29) February
    assert add_months(datetime.date(2026, 1, 31), 9) == datetime.date(2026, 10, 31)
    assert add_months(datetime.date(2025, 5, 31), 9) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-1, True), (0, True), (1, False)], ids=["day-before", "day", "after"]
)
def test_an_extension_is_decided_on_or_before_the_9_month_date(past_nine, me, offset, accepted):
    a = past_nine
    decided_on = add_days(a.nine_months_date, offset)
    facts = {"by": me, "until": a.twelve_months_date, "reason": REASON, "decided_on": decided_on}
    if accepted:
        extend_accompaniment(a, **facts)
        a.refresh_from_db()
        assert (a.limit_date, a.extended_on) == (a.twelve_months_date, decided_on)
    else:
        with pytest.raises(ValidationError) as error:
            extend_accompaniment(a, **facts)
        message = error.value.message_dict["decided_on"][0]
        assert a.nine_months_date.strftime("%d/%m/%Y") in message
        a.refresh_from_db()
        assert a.limit_date == a.nine_months_date and a.extended_on is None


def test_the_extensions_decision_date_is_the_one_entered_not_the_day_of_typing(past_nine, me):
    a = past_nine
    decided_on = add_days(a.nine_months_date, -20)
    extend_accompaniment(a, by=me, until=a.twelve_months_date, reason=REASON, decided_on=decided_on)
    assert Accompaniment.objects.get(pk=a.pk).extended_on == decided_on != TODAY()


@pytest.mark.parametrize(
    ("decided_on", "words"),
    [
        (None, "date de la décision"),
        ("tomorrow", "futur"),
        ("before-start", "précéder le début"),
    ],
)
def test_an_extensions_decision_date_must_be_given_past_and_within_the_accompaniment(
    o2r_files, me, decided_on, words
):
    a = accompanied(o2r_files, add_days(TODAY(), -30))
    day = {
        None: None,
        "tomorrow": add_days(TODAY(), 1),
        "before-start": add_days(a.start_date, -1),
    }[decided_on]
    with pytest.raises(ValidationError) as error:
        extend_accompaniment(a, by=me, until=a.twelve_months_date, reason=REASON, decided_on=day)
    assert words in error.value.message_dict["decided_on"][0]


def test_an_extension_recorded_after_the_12_month_date_is_refused(past_twelve, me):
    """The case found: an extension typed ten months after the 12 months had passed. Even with
    a decision dated in time, nothing is extended once the 12 months have run out."""
    a = past_twelve
    with pytest.raises(ValidationError) as error:
        extend_accompaniment(
            a,
            by=me,
            until=a.twelve_months_date,
            reason=REASON,
            decided_on=add_days(a.nine_months_date, -5),
        )
    assert "12 mois sont dépassés" in error.value.messages[0]
    a.refresh_from_db()
    assert a.extended_on is None and a.limit_date == a.nine_months_date


def _extended_in_time(a):
    """The extension as it was decided before the 9-month date (recorded then)."""
    Accompaniment.objects.filter(pk=a.pk).update(
        limit_date=a.twelve_months_date,
        extension_reason=REASON,
        extended_on=add_days(a.nine_months_date, -10),
    )
    a.refresh_from_db()
    return a


@pytest.mark.parametrize(
    ("extended", "offset", "overrun"),
    [
        (False, -1, False),  # 9 months, no extension: the day before the 9-month date
        (False, 0, False),  # the 9-month date: the last day allowed
        (False, 1, True),  # the day after: an overrun
        (True, -1, False),  # extended to 12 months: the day before the 12-month date
        (True, 0, False),
        (True, 1, True),
    ],
)
def test_an_exit_is_recorded_with_its_real_date_and_an_exit_past_the_limit_is_an_overrun(
    past_twelve, me, extended, offset, overrun
):
    a = _extended_in_time(past_twelve) if extended else past_twelve
    limit = a.twelve_months_date if extended else a.nine_months_date
    day = add_days(limit, offset)
    exit_ = record_exit(a.beneficiary, by=me, date=day, reason="training")
    a.refresh_from_db()
    assert exit_.date == a.end_date == day
    assert a.ended_past_the_limit is overrun
    figures = report.build([a.beneficiary.service_id], day, day)
    assert dict(figures.steps)[OVERRUNS] == (1 if overrun else 0)


OVERRUNS = "Accompagnements au-delà de leur échéance (9 mois, 12 avec prolongation)"


def test_an_exit_at_11_and_a_half_months_without_extension_is_flagged_and_counted(
    past_twelve, me, client
):
    """The case found: exits at 11.5 (and 14) months with no extension. The exit is what
    happened: recorded with its date, shown on the file as past its limit, counted in the
    report's overruns; an extension can no longer be added to cover it."""
    from django.urls import reverse

    from tests.conftest import login

    a = past_twelve
    day = add_days(add_months(a.start_date, 11), 15)
    record_exit(a.beneficiary, by=me, date=day, reason="short_job")
    a.refresh_from_db()
    assert a.end_date == day and a.ended_past_the_limit
    with pytest.raises(ValidationError, match="terminé"):
        extend_accompaniment(
            a,
            by=me,
            until=a.twelve_months_date,
            reason=REASON,
            decided_on=add_days(a.nine_months_date, -1),
        )
    start, end = add_days(a.nine_months_date, 1), TODAY()
    assert dict(report.build([a.beneficiary.service_id], start, end).steps)[OVERRUNS] == 1
    login(client, me)
    page = client.get(reverse("insertion:beneficiary", args=[a.beneficiary_id]))
    assert "Terminé après son échéance" in page.content.decode()


def test_the_report_counts_overruns_of_the_period_open_or_ended(o2r_files, me, past_twelve):
    """Past its limit on a day of the period: ended after the limit inside the period, or still
    open after it; an accompaniment ended on its limit day, or whose overrun ended before the
    period, is not counted."""
    open_past = past_twelve  # still open, its 9-month date more than 3 months ago
    service = [open_past.beneficiary.service_id]
    nine = open_past.nine_months_date
    assert dict(report.build(service, add_days(nine, -30), nine).steps)[OVERRUNS] == 0
    assert dict(report.build(service, add_days(nine, -30), add_days(nine, 1)).steps)[OVERRUNS] == 1
    record_exit(open_past.beneficiary, by=me, date=add_days(nine, 10), reason="moved")
    assert dict(report.build(service, add_days(nine, 11), TODAY()).steps)[OVERRUNS] == 0
    assert dict(report.build(service, add_days(nine, 10), TODAY()).steps)[OVERRUNS] == 1


@pytest.mark.parametrize(("offset", "accepted"), [(0, True), (1, False)], ids=["limit", "after"])
def test_nothing_but_the_exit_is_written_past_the_limit(past_twelve, me, offset, accepted):
    a = past_twelve
    day = add_days(a.limit_date, offset)
    writes = [
        lambda: record_barrier(a, by=me, kind="housing", situation="Hébergée", on=day),
        lambda: refer_to_partner(a, date=day, partner="CCAS", purpose="Aide au logement"),
    ]
    for write in writes:
        if accepted:
            write()
        else:
            with pytest.raises(ValidationError) as error:
                write()
            assert "échéance le" in " ".join(error.value.messages)


def test_an_action_is_refused_once_the_limit_has_passed(past_nine, me):
    a = past_nine  # today is past its 9-month date, and it was not extended
    objective = add_objective(a, text="Trouver un logement")
    with pytest.raises(ValidationError, match="échéance le"):
        add_action(a, objective=objective, text="Dossier CCAS", actor="beneficiary")
    extend_accompaniment(
        a,
        by=me,
        until=a.twelve_months_date,
        reason=REASON,
        decided_on=add_days(a.nine_months_date, -3),
    )
    action = add_action(a, objective=objective, text="Dossier CCAS", actor="beneficiary")
    assert action.date == TODAY()


def test_the_home_lists_an_extended_accompaniment_past_its_12_months(past_twelve, me, client):
    from django.urls import reverse

    from tests.conftest import login

    a = _extended_in_time(past_twelve)
    login(client, me)
    page = client.get(reverse("insertion:home"))
    assert [x.pk for x in page.context["over"]] == [a.pk]
