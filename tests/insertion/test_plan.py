"""The accompaniment's plan: actions towards an objective (who acts, by when, done), and
objectives closed as achieved or abandoned from the beneficiary's file."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ancrage.insertion.models import AccompanimentAction, Objective
from ancrage.insertion.services.accompaniment import add_action, close_objective, complete_action
from ancrage.kernel.access import Role
from tests.conftest import login
from tests.insertion.factories import add_o2r_plans

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def plans(o2r_files):
    return add_o2r_plans(o2r_files)


def test_an_action_names_who_acts_and_its_due_date_and_starts_planned(plans):
    action = plans.planned
    assert action.actor == AccompanimentAction.Actor.BENEFICIARY
    assert action.status == AccompanimentAction.Status.PLANNED and action.done_on is None
    assert action.due_date == action.accompaniment.start_date + datetime.timedelta(days=30)


def test_an_action_needs_an_open_objective_of_the_same_accompaniment(plans):
    accompaniment = plans.planned.accompaniment
    with pytest.raises(ValidationError) as error:
        add_action(
            accompaniment, objective=plans.other_o2r_objective, text="Appeler", actor="counsellor"
        )
    assert "objective" in error.value.message_dict
    close_objective(plans.o2r_objective, outcome="achieved", on=TODAY())
    with pytest.raises(ValidationError) as error:
        add_action(
            accompaniment,
            objective=Objective.objects.get(pk=plans.o2r_objective.pk),
            text="Appeler",
            actor="counsellor",
        )
    assert error.value.message_dict["objective"] == ["Cet objectif est déjà atteint ou abandonné."]


def test_an_action_needs_a_text_and_no_due_date_before_the_accompaniment(plans):
    accompaniment = plans.planned.accompaniment
    with pytest.raises(ValidationError) as error:
        add_action(
            accompaniment,
            objective=plans.o2r_objective,
            text="  ",
            actor="partner",
            due_date=accompaniment.start_date - datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"text", "due_date"}
    assert AccompanimentAction.objects.filter(accompaniment=accompaniment).count() == 1


def test_an_action_is_done_once_between_its_recording_and_today(plans):
    action = plans.planned
    with pytest.raises(ValidationError) as error:
        complete_action(action, on=action.date - datetime.timedelta(days=1))
    assert "on" in error.value.message_dict
    with pytest.raises(ValidationError):
        complete_action(action, on=TODAY() + datetime.timedelta(days=1))
    done = complete_action(action, on=TODAY())
    assert done.status == AccompanimentAction.Status.DONE and done.done_on == TODAY()
    with pytest.raises(ValidationError):
        complete_action(action, on=TODAY())


def test_an_objective_is_achieved_or_abandoned_once_within_the_accompaniment(plans):
    objective = plans.o2r_objective
    start = objective.accompaniment.start_date
    with pytest.raises(ValidationError) as error:
        close_objective(objective, outcome="abandoned", on=start - datetime.timedelta(days=1))
    assert "on" in error.value.message_dict
    closed = close_objective(objective, outcome="abandoned", on=TODAY())
    assert closed.abandoned_on == TODAY() and closed.achieved_on is None
    with pytest.raises(ValidationError):
        close_objective(objective, outcome="achieved", on=TODAY())


def test_the_counsellor_adds_an_action_and_marks_it_done_from_the_file(client, plans):
    login(client, plans.users[Role.O2R_COUNSELLOR])
    b = plans.planned_beneficiary
    url = reverse("insertion:action", args=[b.pk])
    response = client.post(
        url,
        {
            "action-objective": plans.o2r_objective.pk,
            "action-text": "Demander l'aide au permis",
            "action-actor": "counsellor",
            "action-due_date": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    action = AccompanimentAction.objects.get(text="Demander l'aide au permis")
    assert action.actor == "counsellor"
    page = client.get(reverse("insertion:beneficiary", args=[b.pk])).content.decode()
    assert "Demander l&#x27;aide au permis" in page and "Le conseiller" in page
    response = client.post(
        reverse("insertion:action_done", args=[action.pk]), {"done-on": TODAY().isoformat()}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == TODAY()


def test_an_action_on_another_teams_objective_is_refused_at_the_field(client, plans):
    login(client, plans.users[Role.O2R_COUNSELLOR])
    b = plans.planned_beneficiary
    response = client.post(
        reverse("insertion:action", args=[b.pk]),
        {
            "action-objective": plans.other_o2r_objective.pk,
            "action-text": "Appeler",
            "action-actor": "counsellor",
        },
    )
    assert response.status_code == 422
    assert "objective" in response.context["forms"]["action"].errors
    assert AccompanimentAction.objects.count() == 2


def test_a_future_done_date_is_refused_at_the_actions_field(client, plans):
    login(client, plans.users[Role.O2R_COUNSELLOR])
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("insertion:action_done", args=[plans.planned.pk]), {"done-on": future}
    )
    assert response.status_code == 422
    assert "La date ne peut être dans le futur." in response.content.decode()
    plans.planned.refresh_from_db()
    assert plans.planned.done_on is None


def test_the_counsellor_closes_an_objective_from_the_file(client, plans):
    login(client, plans.users[Role.O2R_COUNSELLOR])
    response = client.post(
        reverse("insertion:objective_close", args=[plans.o2r_objective.pk]),
        {"close-outcome": "achieved", "close-on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    plans.o2r_objective.refresh_from_db()
    assert plans.o2r_objective.achieved_on == TODAY()
    page = client.get(reverse("insertion:beneficiary", args=[plans.planned_beneficiary.pk]))
    assert "atteint le" in page.content.decode()


def test_the_partner_teams_action_and_objective_are_not_found(client, plans):
    login(client, plans.users[Role.O2R_COUNSELLOR])
    today = TODAY().isoformat()
    done = client.post(
        reverse("insertion:action_done", args=[plans.other_planned.pk]), {"done-on": today}
    )
    close = client.post(
        reverse("insertion:objective_close", args=[plans.other_o2r_objective.pk]),
        {"close-outcome": "achieved", "close-on": today},
    )
    assert (done.status_code, close.status_code) == (404, 404)


def test_the_lead_reads_the_plan_but_does_not_change_it(client, plans):
    login(client, plans.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:beneficiary", args=[plans.planned_beneficiary.pk]))
    assert "auto-école sociale" in page.content.decode()
    assert reverse("insertion:action_done", args=[plans.planned.pk]) not in page.content.decode()
    response = client.post(
        reverse("insertion:action_done", args=[plans.planned.pk]),
        {"done-on": TODAY().isoformat()},
    )
    assert response.status_code == 403
