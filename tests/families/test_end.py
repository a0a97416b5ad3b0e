"""The end of a support: its day, its reason and the outcome assessed with the family; a child's
placement linked to the admission to the village; the follow-up due six months later; the history
kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ancrage.families import services
from ancrage.families.models import FamilyCase, HomeVisit
from ancrage.kernel.access import Role
from ancrage.placements.services import register_admission_request
from tests.conftest import login
from tests.families.factories import add_families, add_family_plans

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 11, 30)


@pytest.fixture
def families(world):
    return add_family_plans(add_families(world))


def test_end_needs_an_outcome(families):
    case, worker = families.family_case, families.users[Role.FAMILY_WORKER]
    with pytest.raises(ValidationError) as refusal:
        services.end_support(case, by=worker, ended_on=END, end_reason="goals_reached", outcome="")
    assert "outcome" in refusal.value.message_dict
    case.refresh_from_db()
    assert case.status == FamilyCase.Status.SUPPORTED
    # the database holds the rule too
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyCase.objects.filter(pk=case.pk).update(
            status="ended", ended_on=END, end_reason="moved", outcome=""
        )
    services.end_support(
        case,
        by=worker,
        ended_on=END,
        end_reason="goals_reached",
        outcome="Les repères du quotidien sont posés ; la mère se sent en confiance.",
    )
    case.refresh_from_db()
    assert (case.status, case.follow_up_due) == ("ended", datetime.date(2027, 5, 30))
    # the history stays
    assert HomeVisit.objects.filter(case=case).exists() and case.plan.versions.exists()


def test_a_placement_links_the_admission_of_a_child_of_the_household(families):
    case, worker = families.family_case, families.users[Role.FAMILY_WORKER]
    child = case.members.get(role="child").person
    with pytest.raises(ValidationError) as refusal:
        services.end_support(
            case,
            by=worker,
            ended_on=END,
            end_reason="child_placed",
            outcome="Placement décidé par le juge.",
            admission=families.admission,  # another child's request
        )
    assert "admission" in refusal.value.message_dict
    # the request names the household's child (as the village's identity matching leaves it)
    admission = register_admission_request(
        establishment=families.village,
        children=[{"first_names": "Frère", "last_name": "Benali"}],
        by=families.users[Role.HEAD_OF_SERVICE],
        departement="44",
    )
    admission.children.add(child)
    services.end_support(
        case,
        by=worker,
        ended_on=END,
        end_reason="child_placed",
        outcome="Placement décidé par le juge.",
        admission=admission,
    )
    case.refresh_from_db()
    assert case.admission == admission


def test_end_page(client, families, django_assert_num_queries):
    login(client, families.users[Role.FAMILY_WORKER])
    url = reverse("families:end", args=[families.family_case.pk])
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "ended_on": END.isoformat(),
            "end_reason": "moved",
            "outcome": "",
            "lock_version": families.family_case.lock_version,
        },
    )
    assert response.status_code == 422 and "outcome" in response.context["form"].errors
