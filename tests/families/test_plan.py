"""The family support plan: goals by domain with their actions (the parents first), versions
frozen once validated, reviews at a set rhythm with the parents' and the children's words, the
progress of the version in force. The plan page's queries are pinned."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ancrage.families import services
from ancrage.families.models import Goal, PlanVersion
from ancrage.families.queries import next_review_due
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from tests.conftest import login
from tests.families.factories import REFERRED_ON, add_families, add_family_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(world):
    return add_family_plans(add_families(world))


def test_plan_versions_frozen_once_validated(families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    v1 = PlanVersion.objects.get(pk=families.family_goal.version_id)
    assert v1.status == PlanVersion.Status.VALIDATED
    with pytest.raises(ValidationError):
        services.edit_goal(families.family_goal, title="Autre chose")
    with pytest.raises(ValidationError):
        services.add_action(families.family_goal, description="Encore une action")
    # a change opens a draft, copied from the version in force; v1 stays as it was
    goal = services.add_goal(case, worker, domain="schooling", title="Aller à l'école chaque jour")
    draft = goal.version
    assert (draft.number, draft.status) == (2, PlanVersion.Status.DRAFT)
    assert set(draft.goals.values_list("title", flat=True)) == {
        "Des repères pour le coucher",
        "Aller à l'école chaque jour",
    }
    assert list(v1.goals.values_list("title", flat=True)) == ["Des repères pour le coucher"]
    services.validate_plan(case, worker, on=REFERRED_ON)
    draft.refresh_from_db()
    assert draft.is_frozen
    with pytest.raises(ValidationError):
        services.edit_goal(goal, title="Changé après validation")


def test_a_plan_without_a_goal_is_not_validated(families):
    worker = families.users[Role.FAMILY_WORKER]
    # a draft copies the goals of the version in force; one emptied of them is refused
    draft = services.open_draft(families.family_case, worker)
    Goal.objects.filter(version=draft).delete()
    with pytest.raises(ValidationError):
        services.validate_plan(families.family_case, worker)


def test_no_plan_for_a_family_not_supported(world):
    add_families(world)
    with pytest.raises(ValidationError):
        services.open_draft(world.family_case, world.users[Role.FAMILY_WORKER])


def test_only_the_version_in_force_takes_progress(families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    services.set_goal_progress(families.family_goal, progress="in_progress", note="Plus calme")
    families.family_goal.refresh_from_db()
    assert families.family_goal.progress == "in_progress"
    new = services.add_goal(case, worker, domain="housing", title="Un logement adapté")
    with pytest.raises(ValidationError):
        services.set_goal_progress(new, progress="reached")


def test_review_records_the_parents_and_childrens_words_and_gives_a_new_version(families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    with pytest.raises(ValidationError) as refusal:
        services.record_plan_review(
            case,
            worker,
            held_on=REFERRED_ON,
            participants="La mère, l'intervenante",
            parents_views="",
            decisions="Continuer",
        )
    assert {"parents_views", "children_views"} <= set(refusal.value.message_dict)
    review = services.record_plan_review(
        case,
        worker,
        held_on=datetime.date(2026, 11, 2),
        participants="La mère, les deux enfants, l'intervenante",
        parents_views="Les soirées sont plus calmes.",
        children_views="On aime l'histoire du soir.",
        decisions="Garder le rituel ; travailler la scolarité.",
    )
    assert review.resulting_version.number == 2 and review.resulting_version.is_frozen
    plan = case.plan
    # the rhythm: three months after the last review
    assert next_review_due(plan, [], [review]) == datetime.date(2027, 2, 2)


def test_plan_page_and_goal_progress_page(client, families, django_assert_num_queries):
    worker = families.users[Role.FAMILY_WORKER]
    login(client, worker)
    url = reverse("families:plan", args=[families.family_case.pk])
    with django_assert_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert "Des repères pour le coucher" in page.content.decode()
    assert AccessEvent.objects.filter(user=worker, what="families.plan").exists()
    progress_url = reverse("families:goal_progress", args=[families.family_goal.pk])
    response = client.post(
        progress_url,
        {
            "progress": "reached",
            "progress_note": "Le coucher se passe bien.",
            "lock_version": families.family_goal.lock_version,
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    families.family_goal.refresh_from_db()
    assert families.family_goal.progress == "reached"


@pytest.mark.parametrize("more", [0, 5])
def test_plan_page_query_count(client, families, django_assert_num_queries, more):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    for n in range(more):
        goal = services.add_goal(
            case,
            worker,
            domain="budget",
            title=f"Objectif {n}",
            action={"description": "Action", "actor": "parents", "due_date": None},
        )
        services.add_action(goal, description="Autre action")
    if more:
        services.record_plan_review(
            case,
            worker,
            held_on=REFERRED_ON,
            participants="La mère",
            parents_views="D'accord.",
            children_declined_to_speak=True,
            decisions="Valider.",
        )
        services.add_goal(case, worker, domain="health", title="Bilan de santé")
    login(client, worker)
    with django_assert_num_queries(12):
        assert client.get(reverse("families:plan", args=[case.pk])).status_code == 200


def test_village_staff_never_reach_the_plan(client, families):
    login(client, families.users[Role.HOUSE_PARENT])
    assert client.get(reverse("families:plan", args=[families.family_case.pk])).status_code == 403
    login(client, families.users[Role.HEAD_OF_SERVICE])
    assert client.get(reverse("families:plan", args=[families.family_case.pk])).status_code == 404


def test_a_family_deleted_takes_its_plan_and_reviews(families):
    worker, case = families.users[Role.FAMILY_WORKER], families.family_case
    services.record_plan_review(
        case,
        worker,
        held_on=REFERRED_ON,
        participants="La mère",
        parents_views="D'accord.",
        children_declined_to_speak=True,
        decisions="Continuer.",
    )
    case.delete()
    assert not PlanVersion.objects.filter(plan__case_id=case.pk).exists()
