"""The referral and the decision to support a family: the household as persons of the registry,
the reasons, the parents' consent, the worker, a refusal with its reason; bad input refused at
its field, nothing half-written. The pages' SQL queries are pinned."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ancrage.families.models import FamilyCase, FamilyMember
from ancrage.families.services import decide_support
from ancrage.kernel.access import Role
from ancrage.people.models import FamilyLink, Person
from tests.conftest import login
from tests.families.factories import REFERRED_ON, add_families, new_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(world):
    return add_families(world)


def test_referral_links_parents_and_children_as_a_fratrie(families):
    worker = families.users[Role.FAMILY_WORKER]
    case = new_family(
        families.family_team,
        worker,
        "Lambert",
        **{
            "children": [
                {"first_names": "Léo", "last_name": "Lambert", "sex": "M"},
                {"first_names": "Jade", "last_name": "Lambert", "sex": "F"},
            ]
        },
    )
    mother = case.members.get(role="parent").person
    leo, jade = (
        m.person for m in case.members.filter(role="child").order_by("person__first_names")
    )
    assert FamilyLink.objects.get(person=leo, relative=mother).kind == FamilyLink.Kind.MOTHER
    assert FamilyLink.objects.get(person=mother, relative=jade).kind == FamilyLink.Kind.CHILD
    assert FamilyLink.objects.get(person=leo, relative=jade).kind == FamilyLink.Kind.SIBLING
    assert leo.sibling_membership.group == jade.sibling_membership.group
    assert (
        case.status == FamilyCase.Status.REFERRED
        and case.service == families.family_team.establishment
    )


def test_referral_needs_reasons_a_parent_and_a_child_nothing_written(families):
    worker = families.users[Role.FAMILY_WORKER]
    before = (FamilyCase.objects.count(), Person.objects.count())
    with pytest.raises(ValidationError) as refusal:
        new_family(families.family_team, worker, "Vide", reasons=" ", parents=[], children=[])
    assert set(refusal.value.message_dict) == {"reasons", "parents", "children"}
    assert (FamilyCase.objects.count(), Person.objects.count()) == before


def test_referral_only_to_a_family_strengthening_team(families):
    with pytest.raises(ValidationError) as refusal:
        new_family(families.house, families.users[Role.FAMILY_WORKER], "Ailleurs")
    assert "team" in refusal.value.message_dict


def test_support_needs_the_parents_consent_and_a_worker(families):
    case, head = families.family_case, families.family_head
    with pytest.raises(ValidationError) as refusal:
        decide_support(case, by=head, support=True, decided_on=REFERRED_ON)
    assert {"parents_consent", "worker"} <= set(refusal.value.message_dict)
    case.refresh_from_db()
    assert case.status == FamilyCase.Status.REFERRED
    worker = families.users[Role.FAMILY_WORKER]
    decide_support(
        case,
        by=head,
        support=True,
        decided_on=REFERRED_ON,
        parents_consent=True,
        consent_on=REFERRED_ON,
        worker=worker,
    )
    case.refresh_from_db()
    assert (case.status, case.worker, case.decided_by) == ("supported", worker, head)


def test_not_supporting_needs_the_reason(families):
    case, head = families.family_case, families.family_head
    with pytest.raises(ValidationError) as refusal:
        decide_support(case, by=head, support=False, decided_on=REFERRED_ON)
    assert "reason" in refusal.value.message_dict
    decide_support(
        case, by=head, support=False, decided_on=REFERRED_ON, reason="Suivi AEMO déjà en cours."
    )
    case.refresh_from_db()
    assert case.status == FamilyCase.Status.DECLINED and case.worker is None


def test_worker_must_work_in_the_familys_team(families):
    case = families.other_family_case
    with pytest.raises(ValidationError) as refusal:
        decide_support(
            case,
            by=families.family_head,
            support=True,
            decided_on=REFERRED_ON,
            parents_consent=True,
            consent_on=REFERRED_ON,
            worker=families.users[Role.HOUSE_PARENT],
        )
    assert "worker" in refusal.value.message_dict


def test_decision_cannot_precede_the_referral(families):
    with pytest.raises(ValidationError) as refusal:
        decide_support(
            families.family_case,
            by=families.family_head,
            support=False,
            decided_on=REFERRED_ON - datetime.timedelta(days=1),
            reason="Hors secteur.",
        )
    assert "decided_on" in refusal.value.message_dict


def referral_post(team, **extra):
    data = {
        "team": team.pk,
        "name": "Roche",
        "referrer": "pmi",
        "referred_on": "2026-10-02",
        "reasons": "Isolement de la mère après la naissance.",
        "parent1_first_names": "Camille",
        "parent1_sex": "F",
        "child1_first_names": "Maël",
        "child1_birth_date": "2026-01-10",
        "child1_sex": "M",
    }
    data.update(extra)
    return data


def test_referral_page_records_the_household(client, families, django_assert_num_queries):
    login(client, families.users[Role.FAMILY_WORKER])
    url = reverse("families:refer")
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    response = client.post(url, referral_post(families.family_team))
    case = FamilyCase.objects.get(name="Roche")
    assert response.status_code == 302 and response["Location"] == reverse(
        "families:case", args=[case.pk]
    )
    assert case.members.get(role=FamilyMember.Role.CHILD).person.last_name == "Roche"


def test_referral_page_refuses_at_the_field(client, families):
    login(client, families.users[Role.FAMILY_WORKER])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("families:refer"),
        referral_post(families.family_team, referred_on=future, child1_first_names=""),
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "referred_on" in form.errors and "child1_first_names" in form.errors
    assert not FamilyCase.objects.filter(name="Roche").exists()


def test_a_worker_cannot_refer_to_another_team(client, families):
    login(client, families.users[Role.FAMILY_WORKER])
    response = client.post(reverse("families:refer"), referral_post(families.other_family_team))
    assert response.status_code == 422 and "team" in response.context["form"].errors


def test_decision_page(client, families, django_assert_num_queries):
    login(client, families.family_head)
    url = reverse("families:decide", args=[families.family_case.pk])
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "support": "no",
            "decided_on": REFERRED_ON.isoformat(),
            "reason": "La famille déménage.",
            "lock_version": families.family_case.lock_version,
        },
    )
    assert response.status_code == 302
    families.family_case.refresh_from_db()
    assert families.family_case.status == "declined"


@pytest.mark.parametrize("more", [0, 6])
def test_family_pages_query_counts(client, families, django_assert_num_queries, more):
    worker = families.users[Role.FAMILY_WORKER]
    for n in range(more):
        new_family(
            families.family_team,
            worker,
            f"Famille{n}",
            children=[
                {"first_names": f"A{n}", "last_name": "X"},
                {"first_names": f"B{n}", "last_name": "X"},
            ],
        )
    login(client, worker)
    with django_assert_num_queries(7):
        assert client.get(reverse("families:list")).status_code == 200
    # the household, the decision, the concerns and the visits
    with django_assert_num_queries(10):
        assert (
            client.get(reverse("families:case", args=[families.family_case.pk])).status_code == 200
        )
