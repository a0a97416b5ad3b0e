"""The draft's objectives and actions are edited and deleted, and actions added to an existing
objective; a validated version refuses all of it with a French message."""

import pytest
from django.core.exceptions import ValidationError

from ancrage.care.models import Action, Objective
from ancrage.care.services import ppe as services
from ancrage.kernel.access import Role
from tests.care.factories_ppe import validated_ppe
from tests.conftest import login

FROZEN = "Cette version du PPE est validée : elle ne peut plus être modifiée."


def url(world, suffix=""):
    return f"/personnes/{world.child.reference}/ppe/{suffix}"


@pytest.fixture
def draft_objective(world, head):
    return services.add_objective(
        world.child,
        head,
        domain="health",
        title="Bilan dentaire",
        action={"description": "Prendre rendez-vous", "actor": "house_staff"},
    )


@pytest.fixture
def frozen_objective(world, head):
    version = validated_ppe(world.child, head)
    return Objective.objects.get(version=version)


def test_an_objective_of_the_draft_is_edited(client, world, head, draft_objective):
    login(client, head)
    response = client.post(
        url(world, f"objectifs/{draft_objective.pk}/modifier/"),
        {
            "domain": "schooling",
            "title": "Consolider la lecture",
            "description": "Avec le CMP",
            "lock_version": draft_objective.lock_version,  # the version the form was built from
        },
    )
    assert response.status_code == 302
    draft_objective.refresh_from_db()
    assert (draft_objective.domain, draft_objective.title) == ("schooling", "Consolider la lecture")
    assert "Consolider la lecture" in client.get(url(world)).content.decode()


def test_an_objective_without_title_is_refused_at_the_field(client, world, head, draft_objective):
    login(client, head)
    response = client.post(
        url(world, f"objectifs/{draft_objective.pk}/modifier/"), {"domain": "health", "title": ""}
    )
    assert response.status_code == 422
    assert "title" in response.context["form"].errors
    draft_objective.refresh_from_db()
    assert draft_objective.title == "Bilan dentaire"


def test_deleting_an_objective_of_the_draft_deletes_its_actions(
    client, world, head, draft_objective
):
    login(client, head)
    response = client.post(url(world, f"objectifs/{draft_objective.pk}/supprimer/"))
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=draft_objective.pk).exists()
    assert not Action.objects.filter(objective_id=draft_objective.pk).exists()


def test_an_action_is_added_to_an_existing_objective(client, world, head, draft_objective):
    login(client, head)
    response = client.post(
        url(world, f"objectifs/{draft_objective.pk}/actions/ajouter/"),
        {
            "description": "Accompagner au cabinet",
            "actor": "parents",
            "due_date": "2026-12-15",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    # the dated action first, the undated one after it
    assert list(draft_objective.actions.values_list("description", flat=True)) == [
        "Accompagner au cabinet",
        "Prendre rendez-vous",
    ]


def test_an_action_without_an_actor_is_refused_at_the_field(client, world, head, draft_objective):
    login(client, head)
    response = client.post(
        url(world, f"objectifs/{draft_objective.pk}/actions/ajouter/"),
        {"description": "Accompagner", "status": "planned"},
    )
    assert response.status_code == 422
    assert "actor" in response.context["form"].errors
    assert draft_objective.actions.count() == 1


def test_an_action_of_the_draft_is_edited_then_deleted(client, world, head, draft_objective):
    action = draft_objective.actions.get()
    login(client, head)
    response = client.post(
        url(world, f"actions/{action.pk}/modifier/"),
        {
            "description": "Rendez-vous chez le dentiste",
            "actor": "ase",
            "status": "in_progress",
            "lock_version": action.lock_version,  # the version the form was built from
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.actor, action.status) == (
        "Rendez-vous chez le dentiste",
        "ase",
        "in_progress",
    )
    assert client.post(url(world, f"actions/{action.pk}/supprimer/")).status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()


def test_the_services_refuse_any_change_to_a_validated_version(world, head, frozen_objective):
    action = frozen_objective.actions.get()
    attempts = [
        lambda: services.update_objective(frozen_objective, domain="health", title="Autre"),
        lambda: services.delete_objective(frozen_objective),
        lambda: services.add_action(frozen_objective, description="Nouvelle", actor="child"),
        lambda: services.update_action(
            action, description="Autre", actor="child", status="planned"
        ),
        lambda: services.delete_action(action),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.messages == [FROZEN]
    frozen_objective.refresh_from_db()
    assert frozen_objective.title == "Objectif 1"
    assert list(frozen_objective.actions.values_list("description", flat=True)) == [
        "Rencontrer l'enseignante"
    ]


def test_the_pages_refuse_a_validated_version_with_the_reason(
    client, world, head, frozen_objective
):
    action = frozen_objective.actions.get()
    login(client, head)
    response = client.post(
        url(world, f"objectifs/{frozen_objective.pk}/modifier/"),
        {"domain": "health", "title": "Autre"},
    )
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [FROZEN]
    response = client.post(url(world, f"actions/{action.pk}/supprimer/"), follow=True)
    assert FROZEN in [str(m) for m in response.context["messages"]]
    assert Action.objects.filter(pk=action.pk).exists()
    response = client.get(url(world, f"objectifs/{frozen_objective.pk}/actions/ajouter/"))
    assert response.status_code == 302 and response["Location"].endswith("?version=1")


def test_edit_controls_show_on_the_draft_only(client, world, head, frozen_objective):
    login(client, head)
    edit = f"objectifs/{frozen_objective.pk}/modifier/"
    assert edit not in client.get(url(world)).content.decode()
    services.open_draft(world.child, head)
    draft = Objective.objects.exclude(pk=frozen_objective.pk).get()
    page = client.get(url(world)).content.decode()
    assert f"objectifs/{draft.pk}/modifier/" in page and edit not in page


def test_house_staff_cannot_edit_the_draft(client, world, head, draft_objective):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(url(world, f"objectifs/{draft_objective.pk}/supprimer/"))
    assert response.status_code == 403
    assert Objective.objects.filter(pk=draft_objective.pk).exists()


def test_an_objective_of_another_child_is_not_found(client, world, head):
    other = services.add_objective(world.sibling, head, domain="health", title="Autre enfant")
    login(client, head)
    assert client.post(url(world, f"objectifs/{other.pk}/supprimer/")).status_code == 404
    assert client.get(url(world, f"objectifs/{other.pk}/modifier/")).status_code == 404


@pytest.mark.parametrize(
    ("page", "budget"),
    [("objectifs/{o}/modifier/", 7), ("objectifs/{o}/actions/ajouter/", 7)],
)
def test_draft_edit_pages_query_count_is_pinned(
    client, world, head, draft_objective, django_assert_num_queries, page, budget
):
    login(client, head)
    client.get("/")
    with django_assert_num_queries(budget):
        response = client.get(url(world, page.format(o=draft_objective.pk)))
    assert response.status_code == 200


def test_action_edit_page_query_count_is_pinned(
    client, world, head, draft_objective, django_assert_num_queries
):
    action = draft_objective.actions.get()
    login(client, head)
    client.get("/")
    with django_assert_num_queries(7):
        response = client.get(url(world, f"actions/{action.pk}/modifier/"))
    assert response.status_code == 200
