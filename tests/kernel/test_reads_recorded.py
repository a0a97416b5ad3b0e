"""Every page that shows a person's name records the read: the pages of the permission matrix,
walked for every role the table lets in, with persons whose names are unique markers. A name on
a page without an access event written by that request for that person fails the test."""

import datetime
import re

import pytest
from django.db.models import Max
from django.utils import timezone

from ancrage.kernel.access import PUBLIC, Role, role_can
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.people.models import Person
from tests.conftest import (
    login,
)
from tests.kernel.test_permission_matrix import (
    URL_TABLE,
    URLS,
    build_matrix_world,
    line_of,
    url_for,
)


@pytest.fixture(scope="module")
def marked_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The permission matrix's world, every person renamed with unique markers: a first name
    and a last name made of a prefix and a code that no other text of the pages contains."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("reads-documents")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        world = build_matrix_world()
        world.markers = {}
        for n, person in enumerate(Person.objects.order_by("pk")):
            code = f"{n // 26:c}{n % 26:c}".translate({i: ord("a") + i for i in range(26)})
            person.first_names = f"Wkprn{code}"
            person.last_name = f"Qzvnm{code}"
            person.birth_name = ""
            person.save()
            world.markers[person.pk] = (person.first_names, person.last_name)
        for name in ("child", "sibling", "mother", "outsider", "outsider_sibling"):
            getattr(world, name).refresh_from_db()
        world.media_root = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(marked_world, db, settings):
    settings.MEDIA_ROOT = marked_world.media_root
    return marked_world


MARKER = re.compile(r"(Wkprn|Qzvnm)([a-z]{2})")

# The pages walked: every GET of the matrix (a POST only answers with a redirect), for every
# role the table lets in, with the record the role has in scope.
PAGES = [
    (name, role)
    for name, _pattern, callback in URLS
    if not URL_TABLE[name].post
    for role in Role
    if callback.access_rule == PUBLIC
    or callback.access_rule[0] == "authenticated"
    or role_can(role, *callback.access_rule)
]


def test_the_walk_covers_the_pages():
    # reported in the note: how many pages × roles the walk makes
    assert len(PAGES) >= 290


@pytest.mark.parametrize(("name", "role"), PAGES, ids=[f"{n}-{r.value}" for n, r in PAGES])
def test_every_name_shown_is_a_recorded_read(client, world, name, role):
    pattern, callback = next((p, c) for n, p, c in URLS if n == name)
    line = line_of(name)
    line.names.prepare(world)
    user = world.users[role]
    if role == Role.NATIONAL_DIRECTOR:
        BreakGlass.objects.create(
            user=user,
            person=world.outsider,
            reason="Signalement grave transmis par le département",
            expires_at=timezone.now() + datetime.timedelta(minutes=30),
        )
    url, _in_scope = url_for(name, pattern, world, role, True)
    login(client, user)
    before = AccessEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    response = client.get(url)
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or not content_type.startswith(("text/", "application/json")):
        return  # a redirect, a refusal, a PDF or a spreadsheet: no page shown
    body = response.content.decode()
    by_code = {code: pk for pk, (first, _last) in world.markers.items() for code in [first[-2:]]}
    shown = {by_code[code] for _prefix, code in MARKER.findall(body) if code in by_code}
    recorded = set(
        AccessEvent.objects.filter(pk__gt=before, user=user).values_list("person_id", flat=True)
    )
    missing = shown - recorded
    assert not missing, (
        f"{role.value} on {url}: names shown without an access event: "
        f"{sorted(' '.join(world.markers[pk]) for pk in missing)}"
    )


def listed(user, what):
    return set(
        AccessEvent.objects.filter(
            user=user, what=what, action=AccessEvent.Action.LIST
        ).values_list("person_id", flat=True)
    )


def test_my_calendar_records_the_children_whose_appointments_it_lists(client, world):
    from tests.care.factories_daily import AppointmentFactory

    start = timezone.now() + datetime.timedelta(days=2)
    AppointmentFactory(
        child=world.child, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    parent = world.users[Role.HOUSE_PARENT]
    login(client, parent)
    response = client.get("/mon-agenda/")
    assert world.child.reference in response.content.decode()
    assert world.child.pk in listed(parent, "care.my_calendar")


def test_incident_report_form_records_the_children_it_offers(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    login(client, parent)
    client.get(f"/villages/{world.village.pk}/signalements/nouveau/")
    assert {world.child.pk, world.sibling.pk} <= listed(parent, "safeguarding.report")


def test_sibling_group_page_records_its_candidates(client, world):
    head = world.users[Role.HEAD_OF_SERVICE]
    login(client, head)
    client.get(f"/personnes/fratries/{world.group.pk}/")
    assert {world.child.pk, world.sibling.pk} <= listed(head, "people.sibling_group_edit")


def test_person_page_records_the_relatives_it_names(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    login(client, parent)
    client.get(f"/personnes/{world.child.reference}/")
    assert {world.sibling.pk, world.mother.pk} <= listed(parent, "web.person")
