"""Speak up: a message to her referent, a concern that becomes a safeguarding report of her
village reaching its head of service; she sees it was received and who handles it, never the
investigation; what happens is explained before she writes."""

import pytest

from ancrage.care.services import ppe as ppe_services
from ancrage.kernel.access import Role
from ancrage.participation.models import Concern, YouthMessage
from ancrage.safeguarding.models import Incident
from ancrage.safeguarding.services import qualify_incident
from tests.conftest import login
from tests.participation.test_youth_space import aged


@pytest.fixture
def youth(client, world):
    aged(world.child, 17)
    login(client, world.users[Role.YOUTH])
    return world.users[Role.YOUTH]


def test_concern_reaches_head_of_service(client, world, youth):
    head = world.users[Role.HEAD_OF_SERVICE]
    page = client.get("/mon-espace/je-parle/inquietude/").content.decode()
    assert "va tout de suite au chef de service" in page  # explained before she writes
    response = client.post(
        "/mon-espace/je-parle/inquietude/",
        {"about_self": "0", "text": "Un grand de la maison frappe un petit le soir."},
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    incident = concern.incident
    assert incident.establishment == world.village and incident.status == "reported"
    assert incident.reporter == youth
    assert list(incident.involved.values_list("person", "role")) == [(world.child.pk, "witness")]
    # the head of service finds it among the village's reports, to qualify
    login(client, head)
    listing = client.get(f"/villages/{world.village.pk}/signalements/").content.decode()
    assert f"/signalements/{incident.pk}/" in listing
    detail = client.get(f"/signalements/{incident.pk}/").content.decode()
    assert "Un grand de la maison frappe un petit le soir." in detail
    # she sees it was received and who it reached
    login(client, youth)
    speak = client.get("/mon-espace/je-parle/").content.decode()
    assert "bien reçue" in speak and head.get_full_name() in speak
    # taken up: she sees by whom, never the qualification or the investigation
    qualify_incident(
        incident,
        expected_version=incident.version,
        category="violence_between_children",
        severity="serious",
        by=head,
    )
    speak = client.get("/mon-espace/je-parle/").content.decode()
    assert f"{head.get_full_name()} s&#x27;en occupe" in speak or "s'en occupe" in speak
    assert "Violence entre enfants" not in speak
    assert client.get(f"/signalements/{incident.pk}/").status_code in (403, 404)


def test_an_empty_concern_is_refused_at_the_field(client, world, youth):
    response = client.post("/mon-espace/je-parle/inquietude/", {"about_self": "1", "text": " "})
    assert response.status_code == 422
    assert "text" in response.context["form"].errors
    assert not Incident.objects.filter(reporter=youth).exists()
    assert not Concern.objects.exists()


def test_her_own_safety_names_her_as_at_risk(client, world, youth):
    client.post("/mon-espace/je-parle/inquietude/", {"about_self": "1", "text": "J'ai peur."})
    assert Concern.objects.get().incident.involved.get().role == "victim"


def test_a_message_reaches_her_referent(client, world, youth):
    referent = world.users[Role.HOUSE_PARENT]
    ppe_services.save_draft(world.child, world.users[Role.HEAD_OF_SERVICE], referent=referent)
    page = client.get("/mon-espace/je-parle/message/").content.decode()
    assert "Ce qui se passe avec ton message" in page
    response = client.post("/mon-espace/je-parle/message/", {"text": "Je voudrais voir Hugo."})
    assert response.status_code == 302
    message = YouthMessage.objects.get()
    assert message.recipient == referent and message.person == world.child
    login(client, referent)
    assert "Je voudrais voir Hugo." in client.get("/messages-des-jeunes/").content.decode()
    # another village's director does not read it
    login(client, world.users[Role.FINANCE])
    assert client.get("/messages-des-jeunes/").status_code == 403


def test_messages_page_query_count(client, world, youth, django_assert_max_num_queries):
    for n in range(3):
        client.post("/mon-espace/je-parle/message/", {"text": f"Message {n}"})
        client.post("/mon-espace/je-parle/inquietude/", {"about_self": "1", "text": f"Peur {n}"})
    with django_assert_max_num_queries(15):
        assert client.get("/mon-espace/je-parle/").status_code == 200
    login(client, world.users[Role.HEAD_OF_SERVICE])
    with django_assert_max_num_queries(15):
        assert client.get("/messages-des-jeunes/").status_code == 200
