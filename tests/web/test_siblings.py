"""The person page counts the brothers and sisters it may not name: a file opened by a
break-the-glass says how many there are, never "no brother or sister" when some are known (as
the README promises). A young person's own page names hers as her space does."""

import datetime

import pytest
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.people.models import FamilyLink, SiblingGroupMember
from ancrage.people.services import link_relatives
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory

pytestmark = pytest.mark.django_db
NONE_KNOWN = "Aucun frère ni aucune sœur connus."


@pytest.fixture
def big_family(world):
    """As in the demo: Léa (the youth account's own file) lives with three sisters in her house;
    her brother Hugo lives in the village's other house."""
    sisters = []
    for name in ("Inès", "Jade", "Lou"):
        sister = PersonFactory(first_names=name, last_name="Martin", sex="F")
        StayFactory(child=sister, unit=world.house)
        link_relatives(world.child, sister, FamilyLink.Kind.SIBLING)
        sisters.append(sister)
    world.sisters = sisters
    return world


def test_a_young_person_sees_her_siblings_named_on_her_own_page(client, big_family):
    """Her own person page names her brothers and sisters as her space does (first names and
    where they live), never "out of your scope", and links none of their files."""
    group = SiblingGroupMember.objects.get(person=big_family.child).group
    assert group.members.count() == 5  # the four siblings share Léa's group
    login(client, big_family.users[Role.YOUTH])
    response = client.get(f"/personnes/{big_family.child.reference}/")
    page = response.content.decode()
    assert response.context["hidden_siblings"] == 0
    assert "périmètre" not in page and NONE_KNOWN not in page
    for sibling in [*big_family.sisters, big_family.sibling]:
        assert sibling.first_names in page
        assert f"/personnes/{sibling.reference}/" not in page
        assert sibling.last_name not in page.replace(big_family.child.last_name, "")
    assert "Maison des Cèdres" in page  # where Hugo lives
    assert "/mon-espace/" in page
    for sibling in [*big_family.sisters, big_family.sibling]:
        assert client.get(f"/personnes/{sibling.reference}/").status_code == 404
    shown = AccessEvent.objects.filter(what="web.person", action=AccessEvent.Action.LIST)
    assert set(shown.values_list("person_id", flat=True)) == {
        s.pk for s in [*big_family.sisters, big_family.sibling]
    }


def test_siblings_are_counted_under_break_the_glass(client, world):
    director = world.users[Role.NATIONAL_DIRECTOR]
    BreakGlass.objects.create(
        user=director,
        person=world.child,
        reason="Signalement grave transmis par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    login(client, director)
    page = client.get(f"/personnes/{world.child.reference}/").content.decode()
    assert "1 frère ou sœur, hors de votre périmètre d'accès" in page
    assert NONE_KNOWN not in page and "Hugo" not in page


def test_siblings_in_scope_are_named_and_none_is_counted(client, big_family):
    login(client, big_family.users[Role.HOUSE_PARENT])
    response = client.get(f"/personnes/{big_family.child.reference}/")
    named = sorted(s.first_names for s in response.context["siblings"])
    assert named == ["Hugo", "Inès", "Jade", "Lou"]
    assert response.context["hidden_siblings"] == 0
    assert "hors de votre périmètre d'accès (non nommé" not in response.content.decode()


def test_a_sibling_linked_outside_the_group_is_counted_too(client, world):
    SiblingGroupMember.objects.filter(person=world.sibling).delete()
    BreakGlass.objects.create(
        user=world.users[Role.NATIONAL_DIRECTOR],
        person=world.child,
        reason="Signalement grave transmis par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    response = client.get(f"/personnes/{world.child.reference}/")
    assert response.context["hidden_siblings"] == 1
    assert NONE_KNOWN not in response.content.decode()


def test_a_young_person_sees_a_sibling_linked_outside_the_group(client, world):
    SiblingGroupMember.objects.filter(person=world.sibling).delete()
    login(client, world.users[Role.YOUTH])
    page = client.get(f"/personnes/{world.child.reference}/").content.decode()
    assert world.sibling.first_names in page and NONE_KNOWN not in page


def test_a_child_without_siblings_has_none_known(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    page = client.get(f"/personnes/{world.mother.reference}/").content.decode()
    assert NONE_KNOWN in page
