"""Break-the-glass: the national director reaches a nominative file only for a written reason,
logged, for a limited time."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.people.models import Person
from ancrage.web.services import open_break_glass
from tests.conftest import login

REASON = "Signalement grave transmis par le conseil départemental ce matin"


def test_break_glass_opens_the_file_for_a_limited_time(client, world, settings):
    director = world.users[Role.NATIONAL_DIRECTOR]
    login(client, director)
    assert client.get(f"/personnes/{world.child.reference}/").status_code == 404
    response = client.post(
        "/acces-exceptionnel/", {"reference": world.child.reference.lower(), "reason": REASON}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/personnes/{world.child.reference}/"
    access = BreakGlass.objects.get(user=director)
    assert access.expires_at - access.granted_at == datetime.timedelta(
        minutes=settings.BREAK_GLASS_MINUTES
    )
    assert client.get(f"/personnes/{world.child.reference}/").status_code == 200
    # The opening and the read are both logged, with the reason.
    events = AccessEvent.objects.filter(user=director, person=world.child)
    assert {e.action for e in events} == {"break_glass", "view"}
    assert all(e.reason == REASON for e in events)


def test_break_glass_expiry_closes_the_file(client, world):
    director = world.users[Role.NATIONAL_DIRECTOR]
    access = open_break_glass(director, world.child.reference, REASON)
    login(client, director)
    assert client.get(f"/personnes/{world.child.reference}/").status_code == 200
    # One second after expiry, the file is out of reach again.
    BreakGlass.objects.filter(pk=access.pk).update(
        granted_at=timezone.now() - datetime.timedelta(hours=2),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert client.get(f"/personnes/{world.child.reference}/").status_code == 404
    director.__dict__.pop("active_memberships", None)
    assert not Person.objects.visible_to(director).exists()


def test_break_glass_still_open_one_second_before_expiry(world):
    director = world.users[Role.NATIONAL_DIRECTOR]
    access = open_break_glass(director, world.child.reference, REASON)
    BreakGlass.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    assert Person.objects.visible_to(director).filter(pk=world.child.pk).exists()


def test_break_glass_needs_a_written_reason(world):
    with pytest.raises(ValidationError) as error:
        open_break_glass(world.users[Role.NATIONAL_DIRECTOR], world.child.reference, "urgent")
    assert "motif" in error.value.message_dict["reason"][0]
    assert not BreakGlass.objects.exists()


def test_break_glass_form_shows_the_error_at_the_field(client, world):
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    response = client.post("/acces-exceptionnel/", {"reference": "P-XXXXXXXX", "reason": REASON})
    assert response.status_code == 200
    assert (
        "Aucun dossier de votre organisation ne porte cette référence." in response.content.decode()
    )
    assert not BreakGlass.objects.exists()


def test_break_glass_stays_inside_the_directors_organisation(world):
    with pytest.raises(ValidationError):
        open_break_glass(world.users[Role.NATIONAL_DIRECTOR], world.stranger.reference, REASON)


def test_break_glass_is_for_the_national_director_only(world):
    for role in (Role.HEAD_OF_SERVICE, Role.TECH_ADMIN, Role.FUNDER):
        with pytest.raises(PermissionDenied):
            open_break_glass(world.users[role], world.child.reference, REASON)


def test_the_establishment_sees_the_break_the_glass_in_the_access_log(client, world):
    open_break_glass(world.users[Role.NATIONAL_DIRECTOR], world.child.reference, REASON)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    page = client.get(f"/personnes/{world.child.reference}/consultations/").content.decode()
    assert "Ouverture d&#x27;un accès exceptionnel" in page
    assert REASON in page
