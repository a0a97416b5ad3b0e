"""The overdue deadlines stored per child for the homes (OverdueSummary): after any sequence of
writes to what the deadline engine reads, on any day, `overdue_counts` gives exactly what the
engine computes from scratch; a reader that computed from data a writer changed meanwhile
stores nothing that survives."""

import datetime
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.care.models import PPE, OverdueSummary, PlannedReview
from ancrage.care.queries import deadlines
from ancrage.care.queries.deadlines import collect, followed_stays, overdue_counts
from ancrage.care.services import ppe as ppe_services
from ancrage.care.services.deadlines import Status
from ancrage.kernel.access import Role, can
from ancrage.organisation.models import Establishment
from ancrage.organisation.queries import establishments_for
from ancrage.placements.models import JudgeNotification, ProtectionMeasure, Stay
from tests.care.factories_ppe import MeasureFactory, SituationReportFactory, validated_ppe
from tests.people.factories import StayFactory

TODAY = datetime.date.today()
D = datetime.timedelta
# few days, so that a day is read again after writes (the stored row must then be stale)
DAYS = [TODAY - D(days=400), TODAY - D(days=30), TODAY, TODAY + D(days=95), TODAY + D(days=700)]


def direct_counts(user, today):
    """overdue_counts as it was before the summary: the engine over the followed stays."""
    if not can(user, deadlines.OVERSEEN_KIND, "change"):
        return []
    villages = list(
        establishments_for(user).filter(kind=Establishment.Kind.VILLAGE).order_by("name")
    )
    if not villages:
        return []
    counts = defaultdict(int)
    for row in collect(followed_stays(user, villages, today), today):
        if row.status == Status.OVERDUE:
            counts[row.house.establishment_id] += 1
    return [{"village": v, "overdue": counts[v.pk]} for v in villages]


class Writer:
    def __init__(self, world):
        self.world = world
        self.head = world.users[Role.HEAD_OF_SERVICE]
        self.children = [world.child, world.sibling, world.outsider, world.former_child]
        self.houses = [world.house, world.second_house, world.other_house]

    def child(self, n):
        return self.children[n % len(self.children)]

    def measure(self, n, day):
        MeasureFactory(
            child=self.child(n),
            establishment=self.world.village,
            start_date=day,
            end_date=day + D(days=180 + n) if n % 3 else None,
            review_date=day + D(days=90) if n % 2 else None,
        )

    def renewal(self, n, day):
        old = ProtectionMeasure.objects.filter(child=self.child(n), renewal__isnull=True).first()
        if old is not None:
            MeasureFactory(
                child=old.child, establishment=old.establishment, start_date=day, renews=old
            )

    def measure_end(self, n, day):
        m = ProtectionMeasure.objects.filter(child=self.child(n)).order_by("-pk").first()
        if m is not None:
            m.end_date = max(day, m.start_date + D(days=1))
            m.save()

    def measure_delete(self, n, day):
        m = ProtectionMeasure.objects.filter(child=self.child(n)).order_by("-pk").first()
        if m is not None:
            m.delete()

    def report(self, n, day):
        SituationReportFactory(child=self.child(n), written_by=self.head, sent_on=day)

    def ppe(self, n, day):
        validated_ppe(self.child(n), self.head, day=min(day, TODAY))

    def planned(self, n, day):
        ppe = PPE.objects.filter(child=self.child(n)).first()
        if ppe is not None:
            PlannedReview.objects.create(ppe=ppe, planned_date=day, created_by=self.head)

    def review(self, n, day):
        planned = PlannedReview.objects.filter(
            ppe__child=self.child(n), review__isnull=True
        ).first()
        if planned is not None or n % 2:
            ppe_services.record_review(
                self.child(n),
                self.head,
                kind="autonomy_interview" if n % 2 else "regular",
                planned_date=min(day, TODAY),
                held_on=min(day, TODAY),
                participants="Léa, l'éducatrice",
                decisions="Continuer",
                planned=planned,
            )

    def judge(self, n, day):
        JudgeNotification.objects.create(
            child=self.child(n),
            establishment=self.world.village,
            kind=JudgeNotification.Kind.SEPARATION,
            created_by=self.head,
            due_date=day,
            event_date=day - D(days=2),
            sent_on=day if n % 2 else None,
        )

    def judge_sent(self, n, day):
        notice = JudgeNotification.objects.filter(child=self.child(n), sent_on=None).first()
        if notice is not None:
            notice.sent_on = day
            notice.save()

    def stay_end(self, n, day):
        stay = Stay.objects.filter(child=self.child(n), end_date=None).first()
        if stay is not None:
            stay.end_date = max(day, stay.start_date)
            stay.exit_reason = Stay.ExitReason.MOVE if n % 2 else Stay.ExitReason.OTHER
            stay.save()

    def stay_new(self, n, day):
        StayFactory(child=self.child(n), unit=self.houses[n % 3], start_date=day)

    def stay_start(self, n, day):
        stay = Stay.objects.filter(child=self.child(n)).order_by("-pk").first()
        if stay is not None:
            stay.start_date = min(day, stay.end_date or day)
            stay.save()

    def stay_delete(self, n, day):
        stay = Stay.objects.filter(child=self.child(n)).order_by("-pk").first()
        if stay is not None and not stay.judge_notifications.exists():
            stay.delete()

    def birth(self, n, day):
        child = self.child(n)
        child.birth_date = day - D(days=365 * (1 + n % 19))
        child.save()


WRITES = [name for name in vars(Writer) if not name.startswith("_") and name != "child"]


def write(writer, kind, n, day):
    try:
        with transaction.atomic():
            getattr(writer, kind)(n, day)
    except (ValidationError, DatabaseError):
        pass  # refused by a rule or a constraint: nothing written


def assert_stored_equals_direct(world, day):
    for role in (Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR, Role.HOUSE_PARENT):
        user = world.users[role]
        assert overdue_counts(user, day) == direct_counts(user, day)
        # read again: now from the stored rows
        assert overdue_counts(user, day) == direct_counts(user, day)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(WRITES),
            st.integers(0, 11),
            st.sampled_from(DAYS),
            st.sampled_from(DAYS),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_stored_overdue_counts_equal_the_engine_after_random_writes_and_days(world, steps):
    with transaction.atomic():
        writer = Writer(world)
        writer.measure(1, TODAY - D(days=200))
        for day in DAYS:
            assert_stored_equals_direct(world, day)
        for kind, n, write_day, read_day in steps:
            write(writer, kind, n, write_day)
            assert_stored_equals_direct(world, read_day)
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", WRITES)
def test_each_kind_of_write_is_seen_on_the_same_day(world, kind):
    """Every write the engine reads makes the stored row of the day stale (the receivers)."""
    writer = Writer(world)
    writer.measure(1, TODAY - D(days=200))
    writer.ppe(0, TODAY - D(days=10))
    for n in range(4):
        for day in (TODAY - D(days=30), TODAY + D(days=95)):
            assert_stored_equals_direct(world, day)
            write(writer, kind, n, day - D(days=300))
            assert_stored_equals_direct(world, day)


def test_a_reader_that_computed_before_a_write_stores_nothing_that_survives(world, monkeypatch):
    """The writer commits between the reader's read of the stamps and its store: the count the
    reader returns is the old one, the row it leaves is stale, the next read is right."""
    head = world.users[Role.HEAD_OF_SERVICE]
    writer = Writer(world)
    writer.measure(1, TODAY - D(days=200))
    before = direct_counts(head, TODAY)
    engine = deadlines.collect

    def collect_then_write(stays, today=None, user=None):
        rows = engine(stays, today, user)
        SituationReportFactory(child=world.child, written_by=writer.head, sent_on=None)
        writer.judge(0, TODAY - D(days=5))  # overdue from today on
        return rows

    monkeypatch.setattr(deadlines, "collect", collect_then_write)
    assert overdue_counts(head, TODAY) == before
    monkeypatch.setattr(deadlines, "collect", engine)
    after = direct_counts(head, TODAY)
    assert after != before
    assert overdue_counts(head, TODAY) == after


def test_fresh_rows_are_read_without_the_engine(world, monkeypatch):
    head = world.users[Role.HEAD_OF_SERVICE]
    Writer(world).measure(1, TODAY - D(days=200))
    first = overdue_counts(head, TODAY)
    assert OverdueSummary.objects.filter(day=TODAY).exists()
    calls = []
    real = deadlines.collect
    monkeypatch.setattr(deadlines, "collect", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert overdue_counts(head, TODAY) == first
    assert calls == []
