"""Planned PPE reviews: planned ahead by the head of service or the director, listed on the PPE
page and in the échéancier, closed when held; the next review date plans the next cycle."""

import datetime
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ancrage.care.models import PlannedReview, Review
from ancrage.care.queries.deadlines import collect
from ancrage.care.services import ppe as services
from ancrage.care.services.deadlines import ChildFacts, Kind, Status, deadlines_for
from ancrage.kernel.access import Role
from ancrage.placements.models import Stay
from tests.care.factories_ppe import validated_ppe
from tests.conftest import login

TODAY = datetime.date.today()


def url(world, suffix=""):
    return f"/personnes/{world.child.reference}/ppe/{suffix}"


def held(world, head, **extra):
    arguments = {
        "kind": "regular",
        "planned_date": TODAY,
        "held_on": TODAY,
        "participants": "Léa, le chef de service",
        "decisions": "Maintien des objectifs",
        "child_wishes": "Continuer le judo",
        **extra,
    }
    return services.record_review(world.child, head, **arguments)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 5, 19), Status.DUE),
        (date(2026, 5, 20), Status.DUE),
        (date(2026, 5, 21), Status.OVERDUE),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_a_planned_review_is_overdue_the_day_after_its_planned_date(today, status):
    facts = ChildFacts(
        child_id=1,
        birth_date=date(2015, 6, 10),
        arrival=date(2025, 1, 15),
        planned_reviews=[(7, date(2026, 5, 20), None)],
    )
    [deadline] = [d for d in deadlines_for(facts, today) if d.kind == Kind.PPE_REVIEW]
    assert deadline.status(today) == status
    assert deadline.record_id == 7
    assert str(deadline.kind_label) == "Révision du PPE prévue"


def test_a_held_planned_review_is_done_on_the_day_it_was_held_even_late():
    facts = ChildFacts(
        child_id=1,
        birth_date=date(2015, 6, 10),
        arrival=date(2025, 1, 15),
        planned_reviews=[(7, date(2026, 5, 20), date(2026, 6, 2))],
    )
    [deadline] = [d for d in deadlines_for(facts, date(2026, 7, 1)) if d.kind == Kind.PPE_REVIEW]
    assert deadline.status(date(2026, 7, 1)) == Status.DONE
    assert deadline.done_on == date(2026, 6, 2)


def test_head_of_service_plans_a_review_listed_on_the_ppe_page(client, world, head):
    validated_ppe(world.child, head)
    login(client, head)
    day = TODAY + datetime.timedelta(days=30)
    response = client.post(
        url(world, "revision/prevoir/"),
        {"planned_date": day.isoformat(), "participants": "Léa, sa mère, l'ASE"},
    )
    assert response.status_code == 302
    planned = PlannedReview.objects.get(ppe__child=world.child)
    assert planned.planned_date == day and planned.created_by == head
    page = client.get(url(world)).content.decode()
    assert f"Révision du PPE prévue le {day:%d/%m/%Y}" in page
    assert f"revision/?prevue={planned.pk}" in page


def test_a_review_cannot_be_planned_in_the_past_or_before_the_ppe(client, world, head):
    login(client, head)
    ahead = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = client.post(url(world, "revision/prevoir/"), {"planned_date": ahead})
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "Établissez d'abord le projet pour l'enfant."
    ]
    validated_ppe(world.child, head)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(url(world, "revision/prevoir/"), {"planned_date": yesterday})
    assert response.status_code == 422
    assert "planned_date" in response.context["form"].errors
    assert not PlannedReview.objects.exists()


def test_house_staff_cannot_plan_a_review(client, world, head):
    validated_ppe(world.child, head)
    login(client, world.users[Role.HOUSE_PARENT])
    day = (TODAY + datetime.timedelta(days=5)).isoformat()
    assert client.post(url(world, "revision/prevoir/"), {"planned_date": day}).status_code == 403
    with pytest.raises(ValidationError):
        services.plan_review(
            world.child, world.users[Role.HOUSE_PARENT], planned_date=TODAY, participants=""
        )
    assert not PlannedReview.objects.exists()


def test_holding_a_planned_review_closes_it_through_the_review_form(client, world, head):
    validated_ppe(world.child, head)
    planned = services.plan_review(
        world.child, head, planned_date=TODAY, participants="Léa, sa mère"
    )
    login(client, head)
    form_page = client.get(url(world, f"revision/?prevue={planned.pk}"))
    assert form_page.context["form"].initial["participants"] == "Léa, sa mère"
    response = client.post(
        url(world, "revision/"),
        {
            "planned": planned.pk,
            "kind": "regular",
            "planned_date": TODAY.isoformat(),
            "held_on": TODAY.isoformat(),
            "participants": "Léa, sa mère",
            "child_declined_to_speak": "on",
            "decisions": "Maintien",
        },
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.is_held and planned.review.resulting_version.number == 2
    assert "Aucune révision prévue." in client.get(url(world)).content.decode()


def test_a_planned_review_is_held_once(world, head):
    validated_ppe(world.child, head)
    planned = services.plan_review(world.child, head, planned_date=TODAY)
    held(world, head, planned=planned)
    with pytest.raises(ValidationError) as error:
        held(world, head, planned=planned)
    assert "déjà été tenue" in str(error.value)
    assert Review.objects.count() == 1


def test_a_planned_review_of_another_child_is_refused(world, head):
    validated_ppe(world.child, head)
    validated_ppe(world.sibling, head)
    other = services.plan_review(world.sibling, head, planned_date=TODAY)
    with pytest.raises(ValidationError) as error:
        held(world, head, planned=other)
    assert "autre enfant" in str(error.value)
    other.refresh_from_db()
    assert not other.is_held


def test_an_unknown_planned_review_in_the_address_is_not_found(client, world, head):
    validated_ppe(world.sibling, head)
    other = services.plan_review(world.sibling, head, planned_date=TODAY)
    login(client, head)
    assert client.get(url(world, f"revision/?prevue={other.pk}")).status_code == 404


def test_the_next_review_date_plans_the_next_cycle(world, head):
    validated_ppe(world.child, head)
    later = TODAY + datetime.timedelta(days=180)
    review = held(world, head, next_review_date=later)
    planned = PlannedReview.objects.get(ppe__child=world.child)
    assert planned.planned_date == later and not planned.is_held
    assert planned.participants == review.participants
    # holding it with a further date plans the one after, once
    further = later + datetime.timedelta(days=180)
    held(world, head, planned=planned, next_review_date=further)
    assert list(PlannedReview.objects.open().values_list("planned_date", flat=True)) == [further]


def test_the_next_review_date_does_not_duplicate_a_review_already_planned(world, head):
    validated_ppe(world.child, head)
    services.plan_review(world.child, head, planned_date=TODAY + datetime.timedelta(days=90))
    held(world, head, next_review_date=TODAY + datetime.timedelta(days=180))
    assert PlannedReview.objects.count() == 1


def test_the_echeancier_lists_planned_reviews_due_then_done(client, world, head):
    validated_ppe(world.child, head)
    planned = services.plan_review(world.child, head, planned_date=TODAY)
    stays = Stay.objects.current(TODAY).filter(child=world.child)
    [row] = [r for r in collect(stays, TODAY) if r.deadline.kind == Kind.PPE_REVIEW]
    assert row.status == Status.DUE and row.deadline.record_id == planned.pk
    login(client, head)
    page = client.get(f"/personnes/{world.child.reference}/echeancier/").content.decode()
    assert "Révision du PPE prévue" in page
    held(world, head, planned=planned)
    [row] = [r for r in collect(stays, TODAY) if r.deadline.kind == Kind.PPE_REVIEW]
    assert row.status == Status.DONE and row.deadline.done_on == TODAY


def test_review_plan_page_query_count_is_pinned(client, world, head, django_assert_num_queries):
    validated_ppe(world.child, head)
    login(client, head)
    client.get("/")
    with django_assert_num_queries(6):
        response = client.get(url(world, "revision/prevoir/"))
    assert response.status_code == 200
