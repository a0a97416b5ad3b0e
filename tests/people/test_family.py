"""Family links are kept symmetric; sibling groups are derived from the links and editable."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ancrage.people.models import FamilyLink, Person, SiblingGroup, SiblingGroupMember
from ancrage.people.services import edit_sibling_group, link_relatives, unlink_relatives
from tests.people.factories import PersonFactory

K = FamilyLink.Kind


def kind_of(person, relative):
    return FamilyLink.objects.get(person=person, relative=relative).kind


def group_of(person):
    member = SiblingGroupMember.objects.filter(person=person).first()
    return member.group_id if member else None


@pytest.mark.parametrize(
    ("kind", "relative_sex", "person_sex", "inverse"),
    [
        (K.MOTHER, "F", "M", K.CHILD),
        (K.FATHER, "M", "F", K.CHILD),
        (K.CHILD, "F", "F", K.MOTHER),
        (K.CHILD, "M", "M", K.FATHER),
        (K.CHILD, "X", "X", K.PARENT),
        (K.SIBLING, "F", "M", K.SIBLING),
        (K.HALF_SIBLING, "F", "M", K.HALF_SIBLING),
        (K.STEP_RELATION, "F", "M", K.STEP_RELATION),
        (K.GRANDPARENT, "F", "M", K.GRANDCHILD),
        (K.GRANDCHILD, "F", "M", K.GRANDPARENT),
        (K.OTHER_RELATIVE, "F", "M", K.OTHER_RELATIVE),
    ],
)
def test_family_links_are_symmetric(db, kind, relative_sex, person_sex, inverse):
    person = PersonFactory(sex=person_sex)
    relative = PersonFactory(sex=relative_sex)
    link_relatives(person, relative, kind)
    assert kind_of(person, relative) == kind
    assert kind_of(relative, person) == inverse


def test_unlinking_removes_both_directions(db):
    a, b = PersonFactory(), PersonFactory()
    link_relatives(a, b, K.OTHER_RELATIVE)
    unlink_relatives(b, a)
    assert not FamilyLink.objects.exists()


def test_a_person_cannot_be_their_own_relative(db):
    a = PersonFactory()
    with pytest.raises(ValidationError) as error:
        link_relatives(a, a, K.SIBLING)
    assert "elle-même" in error.value.message_dict["relative"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyLink.objects.create(person=a, relative=a, kind=K.SIBLING)


def test_two_persons_are_linked_once(db):
    a, b = PersonFactory(), PersonFactory()
    link_relatives(a, b, K.SIBLING)
    with pytest.raises(ValidationError):
        link_relatives(a, b, K.HALF_SIBLING)
    assert FamilyLink.objects.count() == 2


def test_sibling_group_is_derived_from_sibling_links(db):
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    link_relatives(a, b, K.SIBLING)
    link_relatives(b, c, K.HALF_SIBLING)
    assert group_of(a) == group_of(b) == group_of(c) is not None
    assert SiblingGroup.objects.count() == 1


def test_children_of_a_same_parent_are_siblings(db):
    mother, a, b = PersonFactory(), PersonFactory(), PersonFactory()
    link_relatives(a, mother, K.MOTHER)
    assert group_of(a) is None  # an only child has no fratrie
    link_relatives(mother, b, K.CHILD)
    assert group_of(a) == group_of(b) is not None


def test_a_link_between_two_fratries_merges_them(db):
    a, b, c, d = (PersonFactory() for _ in range(4))
    link_relatives(a, b, K.SIBLING)
    link_relatives(c, d, K.SIBLING)
    assert group_of(a) != group_of(c)
    link_relatives(b, c, K.HALF_SIBLING)
    assert len({group_of(p) for p in (a, b, c, d)}) == 1
    assert SiblingGroup.objects.count() == 1


def test_head_of_service_edits_a_fratrie(db):
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    link_relatives(a, b, K.SIBLING)
    group = SiblingGroup.objects.get()
    edit_sibling_group(
        group, name="Fratrie Martin-Diallo", note="Demi-frère reconnu", members=[a, b, c]
    )
    group.refresh_from_db()
    assert group.name == "Fratrie Martin-Diallo"
    assert set(group.members.all()) == {a, b, c}
    edit_sibling_group(group, name=group.name, note="", members=[a, c])
    assert set(group.members.all()) == {a, c}
    assert group_of(b) is None


def test_derivation_never_removes_a_manually_added_member(db):
    a, b, c, d = (PersonFactory() for _ in range(4))
    link_relatives(a, b, K.SIBLING)
    group = SiblingGroup.objects.get()
    edit_sibling_group(group, name=group.name, note="", members=[a, b, c])
    link_relatives(b, d, K.SIBLING)
    assert set(group.members.all()) == {a, b, c, d}


def test_a_fratrie_has_at_least_two_children(db):
    a, b = PersonFactory(), PersonFactory()
    link_relatives(a, b, K.SIBLING)
    group = SiblingGroup.objects.get()
    with pytest.raises(ValidationError) as error:
        edit_sibling_group(group, name=group.name, note="", members=[a])
    assert "au moins deux" in error.value.message_dict["members"][0]
    assert set(group.members.all()) == {a, b}  # nothing half-written


def test_a_child_belongs_to_one_fratrie_only(db):
    a, b, c, d = (PersonFactory() for _ in range(4))
    link_relatives(a, b, K.SIBLING)
    link_relatives(c, d, K.SIBLING)
    first = SiblingGroupMember.objects.get(person=a).group
    with pytest.raises(ValidationError) as error:
        edit_sibling_group(first, name=first.name, note="", members=[a, b, c])
    assert c.full_name in error.value.message_dict["members"][0]
    assert set(first.members.all()) == {a, b}


def test_family_link_form_refuses_an_unknown_relative_at_the_field(client, world):
    from ancrage.kernel.access import Role
    from tests.conftest import login

    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/{world.child.reference}/liens/ajouter/"
    # Zoé lives in another village: not a person this head of service follows.
    response = client.post(url, {"relative_reference": world.outsider.reference, "kind": K.SIBLING})
    assert response.status_code == 200
    assert "Aucune personne que vous suivez ne porte cette référence." in response.content.decode()
    assert not FamilyLink.objects.filter(person=world.child, relative=world.outsider).exists()


def test_family_link_form_reports_a_duplicate_at_the_field(client, world):
    from ancrage.kernel.access import Role
    from tests.conftest import login

    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/{world.child.reference}/liens/ajouter/"
    response = client.post(url, {"relative_reference": world.sibling.reference, "kind": K.SIBLING})
    assert response.status_code == 200
    assert "déjà liées" in response.content.decode()


def test_sibling_group_page_edits_the_group(client, world):
    from ancrage.kernel.access import Role
    from tests.conftest import login

    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/fratries/{world.group.pk}/"
    response = client.post(
        url,
        {
            "name": "Fratrie Martin",
            "note": "",
            "members": [world.child.pk, world.sibling.pk, world.former_child.pk],
        },
    )
    assert response.status_code == 302
    assert set(world.group.members.all()) == {world.child, world.sibling, world.former_child}


def test_sibling_group_page_cannot_add_a_person_out_of_scope(client, world):
    from ancrage.kernel.access import Role
    from tests.conftest import login

    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/personnes/fratries/{world.group.pk}/",
        {"name": "Fratrie Martin", "note": "", "members": [world.child.pk, world.stranger.pk]},
    )
    assert response.status_code == 200
    assert set(world.group.members.all()) == {world.child, world.sibling}


def test_person_requires_names(db):
    person = Person(first_names="", last_name="")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert set(error.value.message_dict) >= {"first_names", "last_name"}


def test_sibling_group_changes_are_in_the_change_history(db):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    a, b, c, d = (PersonFactory() for _ in range(4))
    link_relatives(a, b, K.SIBLING)
    link_relatives(c, d, K.SIBLING)
    link_relatives(b, c, K.SIBLING)  # merges the two groups
    group = SiblingGroup.objects.get()
    edit_sibling_group(group, name=group.name, note="", members=[a, b, c])
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SiblingGroupMember)
    )
    assert entries.filter(action=LogEntry.Action.CREATE).count() == 4  # a, b, then c, d
    assert entries.filter(action=LogEntry.Action.UPDATE).count() == 2  # c and d moved on merge
    assert entries.filter(action=LogEntry.Action.DELETE).count() == 1  # d removed by hand
