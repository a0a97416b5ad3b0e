"""Every view that shows personal data records an access event; every write keeps who, when
and before/after values; a director sees who consulted a file."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import FamilyLink, Person
from ancrage.people.services import link_relatives
from tests.care.factories_ppe import add_care_records
from tests.conftest import login
from tests.kernel.test_permission_matrix import PERSON, URLS, line_of, url_for

# Views that show a person's data, found from the URL table: any view taking a person
# reference. The search is checked on its own below.
PERSON_VIEWS = [
    name
    for name, pattern, _c in URLS
    if "reference" in pattern.pattern.converters and not line_of(name).post
]


def test_the_person_views_are_found():
    assert {"web:person", "people:access_log", "people:family_link_add"} <= set(PERSON_VIEWS)


@pytest.mark.parametrize("name", PERSON_VIEWS)
def test_every_person_view_writes_an_access_event(client, world, name):
    user = world.users[Role.ESTABLISHMENT_DIRECTOR]
    login(client, user)
    if line_of(name).names is not PERSON:  # the PPE draft's objective and action
        add_care_records(world)
    pattern = next(p for n, p, _c in URLS if n == name)
    # Léa's file, as her house parent reaches it
    url, _in_scope = url_for(name, pattern, world, Role.HOUSE_PARENT, True)
    assert client.get(url).status_code == 200
    event = AccessEvent.objects.get(user=user, person=world.child)
    assert event.action == AccessEvent.Action.VIEW
    assert event.what == name.replace(":", ".")


def test_search_records_one_event_per_person_shown(client, world):
    user = world.users[Role.HEAD_OF_SERVICE]
    login(client, user)
    response = client.get("/personnes/", {"q": "martin"})
    assert response.status_code == 200
    shown = {p.pk for p in response.context["results"]}
    assert shown == {world.child.pk, world.sibling.pk, world.mother.pk}
    events = AccessEvent.objects.filter(user=user, action=AccessEvent.Action.SEARCH)
    assert set(events.values_list("person_id", flat=True)) == shown


def test_a_refused_read_writes_no_event(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get(f"/personnes/{world.outsider.reference}/").status_code == 404
    assert not AccessEvent.objects.exists()


def test_writes_keep_who_when_and_before_after(client, world):
    person = Person.objects.get(pk=world.child.pk)
    actor = world.users[Role.HEAD_OF_SERVICE]
    from auditlog.context import set_actor

    with set_actor(actor):
        person.last_name = "Martin-Durand"
        person.save()
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        action=LogEntry.Action.UPDATE,
    ).latest("timestamp")
    assert entry.actor == actor
    assert entry.changes_dict["last_name"] == ["Martin", "Martin-Durand"]
    assert entry.timestamp is not None


def test_a_write_through_a_page_is_attributed_to_the_user(client, world):
    user = world.users[Role.HEAD_OF_SERVICE]
    login(client, user)
    response = client.post(
        f"/personnes/{world.child.reference}/liens/ajouter/",
        {
            "relative_reference": world.former_child.reference,
            "kind": FamilyLink.Kind.OTHER_RELATIVE,
        },
    )
    assert response.status_code == 302
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(FamilyLink))
    created = entries.filter(action=LogEntry.Action.CREATE, actor=user)
    assert created.count() == 2  # both directions of the link
    assert all("Inès" in e.object_repr for e in created)


def test_deletes_are_recorded(world):
    link_relatives(world.child, world.former_child, FamilyLink.Kind.OTHER_RELATIVE)
    FamilyLink.objects.filter(person=world.child, relative=world.former_child).delete()
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(FamilyLink), action=LogEntry.Action.DELETE
    ).exists()


def test_director_sees_who_consulted_a_file_and_when(client, world):
    house_parent = world.users[Role.HOUSE_PARENT]
    login(client, house_parent)
    client.get(f"/personnes/{world.child.reference}/")
    client.logout()
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.get(f"/personnes/{world.child.reference}/consultations/")
    assert response.status_code == 200
    events = response.context["events"]
    assert [e.user for e in events if e.user == house_parent]
    page = response.content.decode()
    assert house_parent.get_full_name() in page
    # the newest event first, shown in Paris time
    assert f"{timezone.localtime(events[0].at):%d/%m/%Y %H:%M}" in page


def test_every_audited_page_has_a_french_label():
    names = {name.replace(":", ".") for name in PERSON_VIEWS} | {
        "people.search",
        "web.home",
        "break_glass",
    }
    assert names <= set(AccessEvent.WHAT_LABELS)


def test_every_audited_list_has_a_french_label():
    for what in (
        "placements.village_board",
        "placements.waiting_list",
        "placements.admission",
        "placements.village_visits",
        "placements.visit_outcome",
        "placements.document_add",
        "placements.document",
    ):
        assert what in AccessEvent.WHAT_LABELS
