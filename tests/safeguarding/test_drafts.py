"""The report's draft, saved as its author types: restored when they come back, visible to its
author only, encrypted at rest, deleted when the report is submitted."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.safeguarding.models import Incident, IncidentDraft
from tests.conftest import login

pytestmark = pytest.mark.django_db


def draft_url(world):
    return f"/villages/{world.village.pk}/signalements/brouillon/"


def report_url(world):
    return f"/villages/{world.village.pk}/signalements/nouveau/"


def test_the_draft_is_saved_and_restored_for_its_author(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    login(client, parent)
    response = client.post(
        draft_url(world),
        {"place": "Cuisine", "narrative": "Léa s'est brûlée", f"child_{world.child.pk}": "victim"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Brouillon enregistré" in response.content.decode()
    page = client.get(report_url(world))
    form = page.context["form"]
    assert form.initial["narrative"] == "Léa s'est brûlée"
    assert form.initial[f"child_{world.child.pk}"] == "victim"
    assert "Votre brouillon du" in page.content.decode()


def test_a_draft_is_visible_only_to_its_author(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    client.post(draft_url(world), {"place": "Cuisine", "narrative": "Secret"})
    login(client, world.users[Role.HEAD_OF_SERVICE])
    page = client.get(report_url(world))
    assert "Secret" not in page.content.decode()
    assert page.context["draft"] is None


def test_the_draft_is_encrypted_at_rest(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    client.post(draft_url(world), {"place": "Cuisine", "narrative": "Léa s'est brûlée"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM safeguarding_incidentdraft")
        [(stored,)] = cursor.fetchall()
    assert "brûlée" not in stored and "Cuisine" not in stored


def test_submitting_the_report_deletes_the_draft(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    client.post(draft_url(world), {"place": "Cuisine", "narrative": "Brûlure"})
    assert IncidentDraft.objects.count() == 1
    when = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        report_url(world), {"occurred_at": when, "place": "Cuisine", "narrative": "Brûlure"}
    )
    assert response.status_code == 302
    assert Incident.objects.count() == 1
    assert not IncidentDraft.objects.exists()


def test_an_emptied_form_deletes_the_draft(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    client.post(draft_url(world), {"narrative": "Début"})
    client.post(draft_url(world), {"narrative": " ", "occurred_at": "2026-11-23T10:00"})
    assert not IncidentDraft.objects.exists()


def test_the_draft_keeps_only_the_report_fields(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    client.post(draft_url(world), {"narrative": "Début", "is_staff": "1", "version": "9"})
    data = client.get(report_url(world)).context["draft"]["data"]
    assert data == {"narrative": "Début"}


def test_staff_of_another_village_cannot_save_a_draft_there(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/villages/{world.foreign_village.pk}/signalements/brouillon/", {"narrative": "x"}
    )
    assert response.status_code == 404
    assert not IncidentDraft.objects.exists()


def test_the_report_form_saves_its_draft_through_htmx(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    content = client.get(report_url(world)).content.decode()
    assert f'hx-post="{draft_url(world)}"' in content
    assert 'hx-trigger="input delay:1s"' in content


def test_draft_query_count_is_pinned(client, world, django_assert_num_queries):
    login(client, world.users[Role.HOUSE_PARENT])
    client.get("/")
    with django_assert_num_queries(13):
        client.post(draft_url(world), {"narrative": "Début"})
