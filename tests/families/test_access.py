"""Who sees a family of the programme: the worker their team's, the programme's head the whole
service's, village staff a family only when one of its children is placed with them (and of its
persons only those their role sees); every read recorded."""

import datetime

import pytest
from django.urls import reverse

from ancrage.accounts.models import User
from ancrage.families.models import FamilyCase
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import FamilyLink, Person
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login
from tests.families.factories import add_families, new_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(world):
    return add_families(world)


def persons_of(case):
    return {m.person_id for m in case.members.all()}


def test_worker_sees_own_teams_families_only(client, families):
    worker = families.users[Role.FAMILY_WORKER]
    assert list(FamilyCase.objects.visible_to(worker)) == [families.family_case]
    visible = set(Person.objects.visible_to(worker).values_list("pk", flat=True))
    assert persons_of(families.family_case) <= visible
    assert not persons_of(families.other_family_case) & visible
    assert families.child.pk not in visible  # a child of a village is none of their business
    login(client, worker)
    own = client.get(reverse("families:case", args=[families.family_case.pk]))
    assert own.status_code == 200
    assert "Nadia Benali" in own.content.decode()
    assert AccessEvent.objects.filter(
        user=worker, person=families.family_parent, what="families.case"
    ).exists()
    other = client.get(reverse("families:case", args=[families.other_family_case.pk]))
    assert other.status_code == 404
    listed = client.get(reverse("families:list")).content.decode()
    assert "Benali" in listed and "Garnier" not in listed


def test_head_sees_whole_service(client, families):
    head = families.family_head
    assert set(FamilyCase.objects.visible_to(head)) == {
        families.family_case,
        families.other_family_case,
    }
    visible = set(Person.objects.visible_to(head).values_list("pk", flat=True))
    assert persons_of(families.family_case) | persons_of(families.other_family_case) <= visible
    login(client, head)
    assert (
        client.get(reverse("families:case", args=[families.other_family_case.pk])).status_code
        == 200
    )
    # the village's head of service is no head of the programme
    village_head = families.users[Role.HEAD_OF_SERVICE]
    assert not FamilyCase.objects.visible_to(village_head).exists()


def test_village_sees_family_only_when_child_placed_there(client, families):
    worker = families.users[Role.FAMILY_WORKER]
    # Léa lives in the village's house; her brother Hugo stayed home with their mother... and a
    # half-brother the registry did not know yet.
    placed_family = new_family(
        families.family_team,
        worker,
        "Martin",
        parents=[families.mother],
        children=[families.child, {"first_names": "Tom", "last_name": "Martin", "sex": "M"}],
    )
    tom = placed_family.members.get(person__first_names="Tom").person
    # siblings already known stay linked: Tom joins Léa's fratrie
    assert FamilyLink.objects.filter(person=tom, relative=families.child, kind="sibling").exists()
    assert tom.sibling_membership.group == families.group

    house_parent = families.users[Role.HOUSE_PARENT]
    assert list(FamilyCase.objects.visible_to(house_parent)) == [placed_family]
    village_head = families.users[Role.HEAD_OF_SERVICE]
    assert list(FamilyCase.objects.visible_to(village_head)) == [placed_family]
    # nobody of the village sees the families with no child placed there
    for role in (Role.HOUSE_PARENT, Role.FAMILY_AIDE, Role.CLINICIAN):
        assert families.family_case not in FamilyCase.objects.visible_to(families.users[role])
    # the other village's staff: no child of theirs in it
    other_parent = new_family_user_in(families.other_house)
    assert not FamilyCase.objects.visible_to(other_parent).exists()

    login(client, house_parent)
    page = client.get(reverse("families:case", args=[placed_family.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    # what the house parent's role sees of a person: Léa and her mother, both followed through
    # Léa's stay; the reasons and the decision stay with the programme
    assert "Léa Martin" in text and "Sandrine Martin" in text
    assert placed_family.reasons not in text
    assert AccessEvent.objects.filter(
        user=house_parent, person=families.child, what="families.case"
    ).exists()
    assert client.get(reverse("families:case", args=[families.family_case.pk])).status_code == 404
    # and a village never writes on a family
    assert client.get(reverse("families:decide", args=[placed_family.pk])).status_code == 403
    login(client, village_head)
    assert client.get(reverse("families:decide", args=[placed_family.pk])).status_code == 404


def new_family_user_in(house):
    user = UserFactory()
    MembershipFactory(
        user=user, role=Role.HOUSE_PARENT, unit=house, start_date=datetime.date(2024, 1, 1)
    )
    return User.objects.get(pk=user.pk)
