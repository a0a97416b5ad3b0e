"""The PPE's rules: a draft is edited, validation freezes it, earlier versions never change,
a new version starts from the last validated one, a review produces a validated version and
records the child's words (or that they did not wish to speak)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ancrage.care.models import Action, PPEVersion, Review
from ancrage.care.services import ppe as services
from ancrage.kernel.access import Role
from tests.care.factories_ppe import SituationReportFactory, validated_ppe

TODAY = datetime.date.today()


def review_data(**overrides):
    data = {
        "kind": Review.Kind.REGULAR,
        "planned_date": TODAY,
        "held_on": TODAY,
        "participants": "Léa, sa référente, le chef de service, la référente ASE",
        "decisions": "Inscription au club de judo ; visites maintenues.",
        "child_wishes": "Je veux faire du judo avec mon frère.",
    }
    return {**data, **overrides}


def test_editing_a_draft_keeps_one_draft_and_sets_the_referent(world, head):
    referent = world.users[Role.HOUSE_PARENT]
    draft = services.save_draft(
        world.child,
        head,
        referent=referent,
        trusted_person_name="Mme Leroy",
        trusted_person_relation="marraine",
    )
    again = services.save_draft(
        world.child, head, referent=referent, sibling_relations="Proche de Hugo"
    )
    assert again.pk == draft.pk
    assert again.trusted_person_name == "Mme Leroy"
    assert draft.ppe.referent == referent
    assert PPEVersion.objects.filter(ppe=draft.ppe).count() == 1


def test_validation_freezes_the_version(world, head):
    version = validated_ppe(world.child, head)
    assert version.status == PPEVersion.Status.VALIDATED
    assert version.validated_on == TODAY and version.validated_by == head
    objective = version.objectives.get()
    with pytest.raises(ValidationError, match="validée"):
        services.ensure_editable(version)
    with pytest.raises(ValidationError, match="validée"):
        services.add_action(objective, description="Autre", actor="child")


def test_a_validated_ppe_has_at_least_one_objective(world, head):
    services.save_draft(world.child, head, sibling_relations="Proche de Hugo")
    with pytest.raises(ValidationError, match="au moins un objectif"):
        services.validate_draft(world.child, head, child_views="Je veux rester ici.")


def test_only_head_of_service_or_director_validate(world, head):
    services.add_objective(world.child, head, domain="health", title="Bilan dentaire")
    with pytest.raises(ValidationError, match="chef de service"):
        services.validate_draft(
            world.child, world.users[Role.HOUSE_PARENT], child_views="D'accord."
        )
    assert services.validate_draft(
        world.child, world.users[Role.ESTABLISHMENT_DIRECTOR], child_views="D'accord."
    )


@pytest.mark.parametrize(
    ("words", "field"),
    [
        ({}, "child_views"),
        ({"child_views": "   "}, "child_views"),
        ({"child_views": "Oui", "child_views_missing": "refusal"}, "child_views_missing"),
        ({"child_views_missing": "situation"}, "child_views_missing_detail"),
    ],
    ids=["nothing", "blank-words", "words-and-reason", "situation-unexplained"],
)
def test_ppe_refuses_validation_without_childs_words_or_reason(world, head, words, field):
    services.add_objective(world.child, head, domain="health", title="Bilan dentaire")
    with pytest.raises(ValidationError) as error:
        services.validate_draft(world.child, head, **words)
    assert field in error.value.message_dict
    draft = PPEVersion.objects.get(ppe__child=world.child)
    assert not draft.is_frozen and not draft.child_views  # nothing half-written


@pytest.mark.parametrize("reason", ["age", "refusal"])
def test_ppe_validated_with_the_reason_the_childs_words_are_missing(world, head, reason):
    services.add_objective(world.child, head, domain="health", title="Bilan dentaire")
    version = services.validate_draft(world.child, head, child_views_missing=reason)
    assert version.is_frozen and version.child_views_missing == reason


def test_the_next_version_asks_for_the_childs_words_again(world, head):
    validated_ppe(world.child, head)
    draft = services.add_objective(world.child, head, domain="health", title="Vaccins").version
    assert draft.child_views == "" and draft.child_views_missing == ""


def test_the_database_refuses_words_and_a_reason_together(world, head):
    version = validated_ppe(world.child, head)
    version.child_views_missing = "refusal"
    with pytest.raises(IntegrityError):
        version.save(update_fields=["child_views_missing"])


def test_validating_without_a_draft_is_refused(world, head):
    with pytest.raises(ValidationError, match="Aucun brouillon"):
        services.validate_draft(world.child, head, child_views="Je veux rester ici.")


def test_a_new_version_starts_from_a_copy_of_the_last_validated(world, head):
    first = validated_ppe(world.child, head, objectives=2)
    draft = services.open_draft(world.child, head)
    assert draft.number == first.number + 1
    assert draft.status == PPEVersion.Status.DRAFT
    assert [o.title for o in draft.objectives.all()] == [o.title for o in first.objectives.all()]
    assert Action.objects.filter(objective__version=draft).count() == 2
    # editing the copy leaves the validated version as it was
    services.add_objective(world.child, head, domain="autonomy", title="Préparer le brevet")
    assert first.objectives.count() == 2 and draft.objectives.count() == 3


def test_the_database_refuses_two_drafts(world, head):
    draft = services.open_draft(world.child, head)
    with pytest.raises(IntegrityError):
        PPEVersion.objects.create(ppe=draft.ppe, number=2, created_by=head)


def test_action_progress_is_set_on_the_version_in_force_not_on_history(world, head):
    first = validated_ppe(world.child, head)
    action = Action.objects.get(objective__version=first)
    parent = world.users[Role.HOUSE_PARENT]
    services.set_action_status(action, Action.Status.IN_PROGRESS, parent)
    services.record_review(world.child, head, **review_data())
    action.refresh_from_db()
    with pytest.raises(ValidationError, match="validée"):
        services.set_action_status(action, Action.Status.DONE, parent)
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS


def test_completing_a_review_produces_a_new_validated_version(world, head):
    first = validated_ppe(world.child, head)
    review = services.record_review(world.child, head, **review_data())
    assert review.resulting_version.number == first.number + 1
    assert review.resulting_version.status == PPEVersion.Status.VALIDATED
    assert review.resulting_version.objectives.count() == 1
    assert review.resulting_version.child_views == "Je veux faire du judo avec mon frère."


def test_a_review_validates_the_draft_being_prepared(world, head):
    validated_ppe(world.child, head)
    draft = services.add_objective(world.child, head, domain="health", title="Vaccins").version
    review = services.record_review(world.child, head, **review_data())
    assert review.resulting_version.pk == draft.pk
    assert review.resulting_version.objectives.count() == 2


@pytest.mark.parametrize(
    ("words", "declined", "field"),
    [
        ({"child_wishes": "", "child_disagreements": ""}, False, "child_wishes"),
        ({"child_wishes": "Je veux rentrer chez ma mère"}, True, "child_declined_to_speak"),
    ],
    ids=["no-words-and-not-declined", "words-and-declined"],
)
def test_review_needs_the_childs_words_or_that_they_declined(world, head, words, declined, field):
    validated_ppe(world.child, head)
    with pytest.raises(ValidationError) as error:
        services.record_review(
            world.child, head, **review_data(**words, child_declined_to_speak=declined)
        )
    assert field in error.value.message_dict
    assert Review.objects.count() == 0
    assert PPEVersion.objects.count() == 1  # nothing half-written


def test_review_where_the_child_did_not_wish_to_speak(world, head):
    validated_ppe(world.child, head)
    review = services.record_review(
        world.child,
        head,
        **review_data(child_wishes="", child_declined_to_speak=True),
    )
    assert review.child_declined_to_speak
    assert review.resulting_version.child_views_missing == "refusal"


def test_disagreement_alone_counts_as_the_childs_words(world, head):
    validated_ppe(world.child, head)
    review = services.record_review(
        world.child,
        head,
        **review_data(child_wishes="", child_disagreements="Je ne veux pas changer d'école"),
    )
    assert review.child_disagreements == "Je ne veux pas changer d'école"


def test_review_links_to_the_childs_report_only(world, head):
    validated_ppe(world.child, head)
    mine = SituationReportFactory(child=world.child, written_by=head)
    theirs = SituationReportFactory(child=world.sibling, written_by=head)
    assert services.record_review(world.child, head, **review_data(report=mine)).report == mine
    with pytest.raises(ValidationError) as error:
        services.record_review(world.child, head, **review_data(report=theirs))
    assert "report" in error.value.message_dict


def test_autonomy_interview_is_recorded_as_a_review(world, head):
    validated_ppe(world.child, head)
    review = services.record_review(
        world.child, head, **review_data(kind=Review.Kind.AUTONOMY_INTERVIEW)
    )
    assert review.get_kind_display() == "Entretien d'autonomie"


def test_a_review_is_recorded_once_held_not_in_the_future(world, head):
    validated_ppe(world.child, head)
    with pytest.raises(ValidationError) as error:
        services.record_review(
            world.child, head, **review_data(held_on=TODAY + datetime.timedelta(days=1))
        )
    assert "held_on" in error.value.message_dict


def test_a_review_needs_a_ppe(world, head):
    with pytest.raises(ValidationError, match="Établissez"):
        services.record_review(world.child, head, **review_data())


@pytest.mark.parametrize(
    ("due_date", "accepted"),
    [
        (datetime.date(2028, 3, 8), True),
        (datetime.date(2028, 3, 9), True),  # the day before the 21st birthday: the last day
        (datetime.date(2028, 3, 10), False),  # the 21st birthday
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_ppe_action_is_never_due_after_the_day_before_the_21st_birthday(
    world, head, due_date, accepted
):
    world.child.birth_date = datetime.date(2007, 3, 10)
    world.child.save()
    objective = services.add_objective(world.child, head, domain="autonomy", title="Logement")
    if accepted:
        action = services.add_action(
            objective, description="Dossier FJT", actor="child", due_date=due_date
        )
        assert action.due_date == due_date
        later = services.update_action(
            action, description="Dossier FJT", actor="child", due_date=due_date, status="planned"
        )
        assert later.due_date == due_date
        return
    with pytest.raises(ValidationError) as refused:
        services.add_action(objective, description="Dossier FJT", actor="child", due_date=due_date)
    assert refused.value.message_dict["due_date"] == [
        "L'accompagnement s'arrête la veille des 21 ans (le 09/03/2028) : l'échéance de l'action "
        "ne peut pas être plus tardive."
    ]
    action = services.add_action(objective, description="Dossier FJT", actor="child")
    with pytest.raises(ValidationError) as refused:
        services.update_action(
            action, description="Dossier FJT", actor="child", due_date=due_date, status="planned"
        )
    assert "due_date" in refused.value.message_dict
    assert not Action.objects.filter(due_date=due_date).exists()


def test_ppe_action_due_after_the_21_limit_is_refused_at_the_field(client, world):
    from tests.conftest import login

    world.child.birth_date = datetime.date(2007, 3, 10)
    world.child.save()
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/personnes/{world.child.reference}/ppe/objectifs/ajouter/",
        {
            "domain": "autonomy",
            "title": "Logement",
            "action": "Dossier FJT",
            "actor": "child",
            "due_date": "2028-03-10",
        },
    )
    assert response.status_code == 422
    assert "la veille des 21 ans (le 09/03/2028)" in response.context["form"].errors["due_date"][0]
    assert not Action.objects.exists()
