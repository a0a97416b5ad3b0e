"""An archived file is out of every scope; its establishment's director or the national
director opens it for a written reason, for a limited time, and the opening is logged."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import Person
from ancrage.privacy.models import ArchiveAccess, FileStatus
from tests.conftest import login


def archive(world, person):
    return FileStatus.objects.create(
        person=person,
        state=FileStatus.State.ARCHIVED,
        archived_at=timezone.now(),
        establishment=world.village,
    )


def test_archived_file_is_out_of_every_scope(world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    assert Person.objects.visible_to(director).filter(pk=world.former_child.pk).exists()
    archive(world, world.former_child)
    for role in (Role.ESTABLISHMENT_DIRECTOR, Role.HEAD_OF_SERVICE, Role.CLINICIAN):
        assert not Person.objects.visible_to(world.users[role]).filter(pk=world.former_child.pk)


def test_director_opens_an_archived_file_with_a_written_reason_and_it_is_logged(client, world):
    archive(world, world.former_child)
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    login(client, director)
    url = reverse("privacy:archive_open")
    response = client.post(url, {"reference": world.former_child.reference, "reason": "Court"})
    assert "Expliquez le motif en 20 caractères au moins." in response.content.decode()
    assert not ArchiveAccess.objects.exists()
    reason = "Demande du juge des enfants du 3 décembre (soit-transmis)."
    response = client.post(url, {"reference": world.former_child.reference, "reason": reason})
    assert response["Location"] == reverse("web:person", args=[world.former_child.reference])
    assert Person.objects.visible_to(director).filter(pk=world.former_child.pk).exists()
    event = AccessEvent.objects.get(what="privacy.archive_open")
    assert (event.user, event.person, event.reason) == (director, world.former_child, reason)
    assert client.get(response["Location"]).status_code == 200
    # The head of service still does not see it; nor the director once the time is up.
    assert not Person.objects.visible_to(world.users[Role.HEAD_OF_SERVICE]).filter(
        pk=world.former_child.pk
    )
    ArchiveAccess.objects.update(
        granted_at=timezone.now() - datetime.timedelta(hours=3),
        expires_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert not Person.objects.visible_to(director).filter(pk=world.former_child.pk).exists()


def test_national_director_opens_an_archive_of_their_organisation_only(world):
    from django.core.exceptions import ValidationError

    from ancrage.privacy.services import open_archive

    national = world.users[Role.NATIONAL_DIRECTOR]
    archive(world, world.former_child)
    FileStatus.objects.create(
        person=world.stranger,
        state=FileStatus.State.ARCHIVED,
        archived_at=timezone.now(),
        establishment=world.foreign_village,
    )
    reason = "Contrôle de l'inspection générale des affaires sociales."
    open_archive(national, world.former_child.reference, reason)
    assert Person.objects.visible_to(national).filter(pk=world.former_child.pk).exists()
    try:
        open_archive(national, world.stranger.reference, reason)
    except ValidationError as error:
        assert "reference" in error.message_dict
    else:
        raise AssertionError("another organisation's archive was opened")


def test_a_director_cannot_open_the_archive_of_another_village(world):
    from django.core.exceptions import ValidationError

    from ancrage.privacy.services import open_archive

    FileStatus.objects.create(
        person=world.outsider,
        state=FileStatus.State.ARCHIVED,
        archived_at=timezone.now(),
        establishment=world.other_village,
    )
    try:
        open_archive(
            world.users[Role.ESTABLISHMENT_DIRECTOR],
            world.outsider.reference,
            "Demande du juge des enfants du 3 décembre.",
        )
    except ValidationError as error:
        assert "reference" in error.message_dict
    else:
        raise AssertionError("another village's archive was opened")
