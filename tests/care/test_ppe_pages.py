"""The PPE pages: what each role sees and does, forms refused at their fields, earlier versions
readable, reads audited, query counts pinned."""

import datetime

import pytest

from ancrage.care.models import Action, PPEVersion, Review
from ancrage.care.services import ppe as services
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from tests.care.factories_ppe import validated_ppe
from tests.conftest import login

TODAY = datetime.date.today()


def url(world, suffix=""):
    return f"/personnes/{world.child.reference}/ppe/{suffix}"


def test_head_of_service_builds_and_validates_a_ppe(client, world, head):
    login(client, head)
    response = client.post(
        url(world, "brouillon/"),
        {
            "referent": world.users[Role.HOUSE_PARENT].pk,
            "trusted_person_name": "Mme Leroy",
            "trusted_person_relation": "marraine",
            "sibling_relations": "Très proche de Hugo, le voit chaque mercredi.",
            "health_check_date": "2026-01-05",
            "health_check_by": "Dr Morel",
            "health_check_summary": "Bonne santé, vaccins à jour.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url(world, "objectifs/ajouter/"),
        {
            "domain": "schooling",
            "title": "Consolider la lecture",
            "action": "Soutien scolaire deux fois par semaine",
            "actor": "house_staff",
            "due_date": "2026-06-30",
        },
    )
    assert response.status_code == 302
    response = client.post(url(world, "valider/"))
    assert response.status_code == 422  # the child's words first
    assert not PPEVersion.objects.get(ppe__child=world.child).is_frozen
    # Validation cannot be undone: the page first says what will happen, nothing is saved.
    response = client.post(url(world, "valider/"), {"child_views": "Je veux lire des BD."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ne pourra plus être modifiée" in page and "Je veux lire des BD." in page
    assert '<input type="hidden" name="child_views" value="Je veux lire des BD.">' in page
    assert not PPEVersion.objects.get(ppe__child=world.child).is_frozen
    response = client.post(
        url(world, "valider/"), {"child_views": "Je veux lire des BD.", "confirmed": "1"}
    )
    assert response.status_code == 302
    version = PPEVersion.objects.get(ppe__child=world.child)
    assert version.child_views == "Je veux lire des BD."
    assert version.is_frozen and version.trusted_person_name == "Mme Leroy"
    page = client.get(url(world)).content.decode()
    assert "Consolider la lecture" in page and "Version 1, validée le" in page
    assert AccessEvent.objects.filter(what="care.ppe", person=world.child).exists()


def test_validation_without_the_childs_words_is_refused_at_the_field(client, world, head):
    services.add_objective(world.child, head, domain="health", title="Bilan dentaire")
    login(client, head)
    response = client.post(url(world, "valider/"), {"child_views": "  "})
    assert response.status_code == 422
    page = response.content.decode()
    assert "choisissez pourquoi ses mots" in page
    assert 'aria-describedby="id_child_views_error' in page or "id_child_views_error" in page
    assert not PPEVersion.objects.get(ppe__child=world.child).is_frozen
    response = client.post(url(world, "valider/"), {"child_views_missing": "age", "confirmed": "1"})
    assert response.status_code == 302
    version = PPEVersion.objects.get(ppe__child=world.child)
    assert version.is_frozen and version.child_views_missing == "age"
    page = client.get(url(world)).content.decode()
    assert "Trop jeune pour donner son avis" in page


def test_objective_with_an_action_but_nobody_acting_is_refused_at_the_field(client, world, head):
    login(client, head)
    response = client.post(
        url(world, "objectifs/ajouter/"),
        {"domain": "health", "title": "Bilan dentaire", "action": "Prendre rendez-vous"},
    )
    assert response.status_code == 422
    assert "actor" in response.context["form"].errors
    assert not PPEVersion.objects.exists()


def test_review_form_refuses_missing_child_words_at_the_field(client, world, head):
    validated_ppe(world.child, head)
    login(client, head)
    response = client.post(
        url(world, "revision/"),
        {
            "kind": "regular",
            "planned_date": TODAY.isoformat(),
            "held_on": TODAY.isoformat(),
            "participants": "Léa, le chef de service",
            "decisions": "Maintien des objectifs",
        },
    )
    assert response.status_code == 422
    assert "child_wishes" in response.context["form"].errors
    assert not Review.objects.exists()


def test_review_records_the_childs_words_and_shows_them(client, world, head):
    validated_ppe(world.child, head)
    login(client, head)
    response = client.post(
        url(world, "revision/"),
        {
            "kind": "regular",
            "planned_date": TODAY.isoformat(),
            "held_on": TODAY.isoformat(),
            "participants": "Léa, le chef de service",
            "child_wishes": "Je voudrais voir mon frère plus souvent",
            "decisions": "Un mercredi sur deux avec Hugo",
            "next_review_date": (TODAY + datetime.timedelta(days=180)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(url(world)).content.decode()
    assert "Je voudrais voir mon frère plus souvent" in page
    assert "Version 2, validée le" in page


def test_earlier_versions_stay_readable(client, world, head):
    validated_ppe(world.child, head)
    services.add_objective(world.child, head, domain="autonomy", title="Apprendre à cuisiner")
    services.validate_draft(world.child, head, child_views="Je veux apprendre à cuisiner.")
    login(client, head)
    old = client.get(url(world, "?version=1")).content.decode()
    assert "Version antérieure" in old and "Apprendre à cuisiner" not in old
    assert "Apprendre à cuisiner" in client.get(url(world)).content.decode()


def test_youth_sees_their_validated_ppe_but_not_the_draft(client, world, head):
    validated_ppe(world.child, head)
    services.add_objective(world.child, head, domain="health", title="Projet secret brouillon")
    login(client, world.users[Role.YOUTH])
    response = client.get(url(world))
    assert response.status_code == 200
    assert "Objectif 1" in response.content.decode()
    assert "Projet secret brouillon" not in response.content.decode()
    assert client.get(url(world, "?version=2")).status_code == 404
    assert client.get(url(world, "brouillon/")).status_code == 403


def test_house_parent_updates_action_progress(client, world, head):
    version = validated_ppe(world.child, head)
    action = Action.objects.get(objective__version=version)
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(url(world, "actions/etat/"), {"action": action.pk, "status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert client.post(url(world, "valider/")).status_code == 403


def test_an_action_of_another_child_is_not_found(client, world, head):
    version = validated_ppe(world.sibling, head)
    action = Action.objects.get(objective__version=version)
    login(client, head)
    response = client.post(url(world, "actions/etat/"), {"action": action.pk, "status": "done"})
    assert response.status_code == 404


@pytest.mark.parametrize("objectives", [1, 6])
def test_ppe_page_query_count_is_pinned(client, world, head, django_assert_num_queries, objectives):
    validated_ppe(world.child, head, objectives=objectives)
    services.record_review(
        world.child,
        head,
        kind="regular",
        planned_date=TODAY,
        held_on=TODAY,
        participants="Léa",
        decisions="Maintien",
        child_declined_to_speak=True,
    )
    login(client, head)
    client.get("/")
    # 16: the open planned reviews are one query of their own (2026-11-23)
    with django_assert_num_queries(13):
        response = client.get(url(world))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("page", "budget"),
    # the review form lists the open planned reviews it may close: one query (2026-11-23)
    [("brouillon/", 11), ("objectifs/ajouter/", 6), ("revision/", 8)],
)
def test_ppe_form_pages_query_count_is_pinned(
    client, world, head, django_assert_num_queries, page, budget
):
    validated_ppe(world.child, head)
    login(client, head)
    client.get("/")
    with django_assert_num_queries(budget):
        response = client.get(url(world, page))
    assert response.status_code == 200
