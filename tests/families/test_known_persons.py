"""A person already known in the referral: searched among the persons the user may see, named by
their reference, never created twice; the brothers and sisters already known stay linked."""

import pytest
from django.urls import reverse

from ancrage.families.models import FamilyCase
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import FamilyLink, Person
from tests.conftest import login
from tests.families.factories import add_families
from tests.families.test_intake import referral_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(world):
    return add_families(world)


def test_a_known_parent_is_picked_by_reference_and_her_children_become_siblings(client, families):
    worker = families.users[Role.FAMILY_WORKER]
    mother = families.family_parent  # Nadia Benali, of a family of the worker's team
    first_child = families.family_case.members.get(role="child").person
    login(client, worker)
    page = client.get(reverse("families:refer") + "?chercher=Benali")
    assert mother in page.context["found"]
    assert mother.reference in page.content.decode()
    assert AccessEvent.objects.filter(user=worker, person=mother, action="search").exists()
    persons = Person.objects.count()
    response = client.post(
        reverse("families:refer"),
        referral_post(
            families.family_team,
            name="Benali",
            parent1_first_names="",
            parent1_sex="",
            parent1_reference=mother.reference,
        ),
    )
    assert response.status_code == 302
    case = FamilyCase.objects.get(name="Benali", referrer="pmi")
    # the mother is not created again: only the new child is
    assert Person.objects.count() == persons + 1
    assert case.members.get(role="parent").person == mother
    new_child = case.members.get(role="child").person
    assert FamilyLink.objects.filter(person=new_child, relative=mother, kind="mother").exists()
    # her child already known is the new child's brother: same fratrie
    assert new_child.sibling_membership.group == first_child.sibling_membership.group


def test_a_reference_out_of_the_users_scope_is_refused(client, families):
    worker = families.users[Role.FAMILY_WORKER]
    login(client, worker)
    # Léa lives in a village: the family worker does not see her
    page = client.get(reverse("families:refer") + f"?chercher={families.child.last_name}")
    assert families.child not in page.context["found"]
    before = (FamilyCase.objects.count(), Person.objects.count())
    response = client.post(
        reverse("families:refer"),
        referral_post(
            families.family_team,
            child1_first_names="",
            child1_birth_date="",
            child1_reference=families.child.reference,
        ),
    )
    assert response.status_code == 422
    assert response.context["form"].errors["child1_reference"] == [
        "Aucune personne de votre périmètre n'a cette référence."
    ]
    assert (FamilyCase.objects.count(), Person.objects.count()) == before


def test_a_known_identity_typed_again_asks_for_the_reference(client, families):
    worker = families.users[Role.FAMILY_WORKER]
    mother = families.family_parent
    login(client, worker)
    before = Person.objects.count()
    response = client.post(
        reverse("families:refer"),
        referral_post(
            families.family_team,
            name="Benali",
            parent1_first_names=mother.first_names,
            parent1_last_name=mother.last_name,
            parent1_birth_date=mother.birth_date.isoformat(),
        ),
    )
    assert response.status_code == 422
    [message] = response.context["form"].errors["parent1_first_names"]
    assert mother.reference in message
    assert Person.objects.count() == before
    # a reference and an identity together: one or the other
    response = client.post(
        reverse("families:refer"),
        referral_post(families.family_team, parent1_reference=mother.reference),
    )
    assert "parent1_reference" in response.context["form"].errors


def test_referral_search_query_count(client, families, django_assert_num_queries):
    login(client, families.users[Role.FAMILY_WORKER])
    # the search and its reads recorded, beside the form
    with django_assert_num_queries(9):
        assert client.get(reverse("families:refer") + "?chercher=Benali").status_code == 200
