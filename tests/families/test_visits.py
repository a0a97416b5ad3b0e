"""Home visits: planned, held (who was present, how long, what was seen) or cancelled (by whom);
never before the family's referral; the caseload page with what is late. Pages pinned."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ancrage.families import services
from ancrage.families.models import GoalAction, HomeVisit
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from tests.conftest import login
from tests.families.factories import REFERRED_ON, add_families, add_family_plans, new_family

pytestmark = pytest.mark.django_db
PARIS = timezone.get_default_timezone()


@pytest.fixture
def families(world):
    return add_family_plans(add_families(world))


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def test_visit_cannot_precede_referral(families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    the_day_before = calendar.add_days(case.referred_on, -1)
    with pytest.raises(ValidationError) as refusal:
        services.plan_home_visit(case, worker, starts_at=at(the_day_before, 23))
    assert "starts_at" in refusal.value.message_dict
    # the referral's own day is fine
    visit = services.plan_home_visit(case, worker, starts_at=at(case.referred_on, 8))
    assert visit.worker == worker


def test_visit_form_refuses_a_day_before_the_referral_at_its_field(client, families):
    login(client, families.users[Role.FAMILY_WORKER])
    case = families.family_case
    response = client.post(
        reverse("families:visit_plan", args=[case.pk]),
        {"starts_at": "2026-08-31T10:00", "duration_minutes": "60"},
    )
    assert response.status_code == 422
    assert "starts_at" in response.context["form"].errors
    assert HomeVisit.objects.filter(case=case).count() == 1  # the world's planned visit only


def test_only_a_supported_family_is_visited(world):
    add_families(world)
    with pytest.raises(ValidationError):
        services.plan_home_visit(
            world.family_case,
            world.users[Role.FAMILY_WORKER],
            starts_at=at(REFERRED_ON),
        )


def test_a_held_visit_is_past_and_says_who_was_present(families):
    worker = families.users[Role.FAMILY_WORKER]
    with pytest.raises(ValidationError) as refusal:
        services.record_home_visit(families.home_visit, worker, status="held", present="")
    assert {"status", "present"} <= set(refusal.value.message_dict)
    past = services.plan_home_visit(
        families.family_case, worker, starts_at=at(datetime.date(2026, 10, 5))
    )
    services.record_home_visit(
        past,
        worker,
        status="held",
        duration_minutes=90,
        present="La mère et les deux enfants",
        observations="Appartement rangé, enfants détendus.",
    )
    past.refresh_from_db()
    assert (past.status, past.duration_minutes, past.recorded_by) == ("held", 90, worker)


def test_a_cancelled_visit_says_by_whom(families):
    worker = families.users[Role.FAMILY_WORKER]
    with pytest.raises(ValidationError) as refusal:
        services.record_home_visit(families.home_visit, worker, status="cancelled")
    assert "cancelled_by" in refusal.value.message_dict
    services.record_home_visit(
        families.home_visit, worker, status="cancelled", cancelled_by="family"
    )
    families.home_visit.refresh_from_db()
    assert families.home_visit.get_cancelled_by_display() == "La famille"


def test_caseload_shows_what_is_late(client, families, django_assert_num_queries):
    worker = families.users[Role.FAMILY_WORKER]
    case = families.family_case
    services.plan_home_visit(case, worker, starts_at=at(datetime.date(2026, 10, 5)))
    goal = families.family_goal
    services.add_goal(case, worker, domain="health", title="Vaccins à jour")  # a draft: not late
    GoalAction.objects.filter(goal=goal).update(due_date=datetime.date(2026, 10, 1))
    login(client, worker)
    # the services' échéanciers linked
    with django_assert_num_queries(12):
        response = client.get(reverse("families:caseload"))
    [(shown_worker, cases)] = response.context["groups"]
    [row] = cases
    assert shown_worker == worker
    assert (row.reports_late, row.actions_late) == (1, 1)
    # validated on 1 September 2026, every 3 months: due on 1 December 2026
    assert row.review_due == datetime.date(2026, 12, 1)
    text = response.content.decode()
    assert "1 compte rendu de visite" in text and "1 action du plan" in text


@pytest.mark.parametrize("more", [0, 6])
def test_caseload_query_count(client, families, django_assert_num_queries, more):
    head, worker = families.family_head, families.users[Role.FAMILY_WORKER]
    for n in range(more):
        case = new_family(families.family_team, worker, f"Famille{n}")
        services.decide_support(
            case,
            by=head,
            support=True,
            decided_on=REFERRED_ON,
            parents_consent=True,
            consent_on=REFERRED_ON,
            worker=worker,
        )
        case.refresh_from_db()
        services.plan_home_visit(case, worker, starts_at=at(datetime.date(2026, 10, 5)))
    login(client, head)
    # the services' échéanciers linked
    with django_assert_num_queries(12):
        response = client.get(reverse("families:caseload"))
    assert sum(len(cases) for _w, cases in response.context["groups"]) == 2 + more


def test_visit_pages(client, families, django_assert_num_queries):
    worker = families.users[Role.FAMILY_WORKER]
    login(client, worker)
    with django_assert_num_queries(5):
        assert (
            client.get(reverse("families:visit_plan", args=[families.family_case.pk])).status_code
            == 200
        )
    with django_assert_num_queries(5):
        assert (
            client.get(reverse("families:visit_report", args=[families.home_visit.pk])).status_code
            == 200
        )
    with django_assert_num_queries(10):
        page = client.get(reverse("families:case", args=[families.family_case.pk]))
    assert "Compte rendu de la visite du" in page.content.decode()
