"""The safeguarding pages: report form, village list, incident page with its forms; bad input at
the field with nothing saved, the conflict message at the top of the form, query counts pinned
at two data sizes."""

import datetime

import pytest
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.safeguarding import services
from ancrage.safeguarding.models import Incident, IncidentAction
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory

pytestmark = pytest.mark.django_db


def test_a_house_parent_reports_an_incident(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/villages/{world.village.pk}/signalements/nouveau/"
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert world.child.full_name in content
    assert world.sibling.full_name in content  # her brother, in another house of the village
    assert world.former_child.full_name not in content  # left the village
    assert world.outsider.full_name not in content  # another village
    response = client.post(
        url,
        {
            "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "place": "Cuisine",
            "narrative": "Léa s'est brûlée la main.",
            f"child_{world.child.pk}": "victim",
            "immediate_measures": "Soins et appel au médecin",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/signalements/{incident.pk}/"
    assert incident.involved.get().person == world.child
    assert incident.reporter == world.users[Role.HOUSE_PARENT]


def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/villages/{world.village.pk}/signalements/nouveau/",
        {"occurred_at": "hier", "place": "", "narrative": "", f"child_{world.child.pk}": "boss"},
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert {"occurred_at", "place", "narrative", f"child_{world.child.pk}"} <= set(form.errors)
    assert not Incident.objects.exists()


def test_a_child_outside_the_reporters_scope_cannot_be_named(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/villages/{world.village.pk}/signalements/nouveau/",
        {
            "occurred_at": "2026-01-02T10:00",
            "place": "Cour",
            "narrative": "Bagarre",
            f"child_{world.outsider.pk}": "victim",  # another village: not a field of the form
        },
    )
    assert response.status_code == 302
    assert not Incident.objects.get().involved.exists()


def test_the_second_writer_sees_the_conflict_at_the_top_of_the_form(client, incidents):
    head = incidents.users[Role.HEAD_OF_SERVICE]
    login(client, head)
    url = f"/signalements/{incidents.incident.pk}/qualifier/"
    data = {"version": 1, "category": "maltreatment", "severity": "critical"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data | {"category": "other", "severity": "minor"})
    assert response.status_code == 422
    assert response.context["forms"]["qualify"].non_field_errors() == [
        "Quelqu'un a modifié ce signalement entre-temps : rechargez la page."
    ]
    assert "rechargez la page" in response.content.decode()
    incident = Incident.objects.get(pk=incidents.incident.pk)
    assert (incident.category, incident.version) == ("maltreatment", 2)


def test_a_form_without_its_version_is_refused_as_a_conflict(client, incidents):
    login(client, incidents.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/signalements/{incidents.incident.pk}/qualifier/",
        {"category": "maltreatment", "severity": "critical"},
    )
    assert response.status_code == 422
    assert response.context["forms"]["qualify"].non_field_errors() == [
        "Quelqu'un a modifié ce signalement entre-temps : rechargez la page."
    ]
    assert Incident.objects.get(pk=incidents.incident.pk).version == 1


def test_a_refused_report_keeps_the_page_and_its_draft_saving(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/villages/{world.village.pk}/signalements/nouveau/"
    response = client.post(url, {"occurred_at": "2026-01-02T10:00", "place": "", "narrative": ""})
    assert response.status_code == 422
    content = response.content.decode()
    assert "Signaler un incident · " + world.village.name in content
    assert f'hx-post="/villages/{world.village.pk}/signalements/brouillon/"' in content
    assert f'href="/villages/{world.village.pk}/"' in content  # cancel: the village's board
    assert not Incident.objects.exists()


def test_the_incident_page_walks_the_whole_workflow(client, incidents):
    head = incidents.users[Role.HEAD_OF_SERVICE]
    login(client, head)
    base = f"/signalements/{incidents.incident.pk}/"
    assert "Enregistrer la qualification" in client.get(base).content.decode()
    steps = [
        ("qualifier/", {"version": 1, "category": "other", "severity": "minor"}),
        ("traiter/", {"version": 2}),
        ("actions/ajouter/", {"version": 3, "what": "Réunion d'équipe", "owner": head.pk}),
    ]
    for path, data in steps:
        response = client.post(base + path, data)
        assert response.status_code == 302, response.content.decode()
    action = IncidentAction.objects.get()
    assert (
        client.post(base + "actions/faite/", {"version": 4, "action": action.pk}).status_code == 302
    )
    assert client.post(base + "clore/", {"version": 5, "outcome": ""}).status_code == 422
    # Closing asks first, saying what will happen; only the confirmation closes.
    asked = client.post(base + "clore/", {"version": 5, "outcome": "Réglé"})
    assert asked.status_code == 200 and "Le signalement est clos avec cette issue" in (
        asked.content.decode()
    )
    assert Incident.objects.get(pk=incidents.incident.pk).status != "closed"
    closing = {"version": 5, "outcome": "Réglé", "confirmed": "1"}
    assert client.post(base + "clore/", closing).status_code == 302
    response = client.post(base + "rouvrir/", {"version": 6, "reason": ""})
    assert response.status_code == 422
    assert response.context["forms"]["reopen"].errors["reason"]
    assert (
        client.post(base + "rouvrir/", {"version": 6, "reason": "Nouveaux faits"}).status_code
        == 302
    )
    incident = Incident.objects.get(pk=incidents.incident.pk)
    assert incident.status == "being_handled" and incident.version == 7
    assert IncidentAction.objects.get().done_at is not None


def test_the_reporter_reads_but_does_not_get_the_handling_forms(client, incidents):
    login(client, incidents.users[Role.HOUSE_PARENT])
    content = client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
    assert "bousculée" in content
    assert "Enregistrer la qualification" not in content


def more_incidents(world, n):
    """n more incidents in the village, each with two children, a few transitions and actions."""
    head = world.users[Role.HEAD_OF_SERVICE]
    for i in range(n):
        child = PersonFactory(first_names=f"Enfant{i}", last_name="Test")
        StayFactory(child=child, unit=world.house)
        incident = services.report_incident(
            establishment=world.village,
            occurred_at=timezone.now() - datetime.timedelta(days=i + 1),
            place="Cour",
            narrative=f"Incident {i}",
            children=[(child, "victim"), (world.child, "witness")],
            by=head,
        )
        incident = services.qualify_incident(
            incident, expected_version=1, category="other", severity="minor", by=head
        )
    # and on the pinned incident: its history and one action, then n more actions
    incident = services.qualify_incident(
        world.incident, expected_version=1, category="other", severity="minor", by=head
    )
    incident = services.start_handling(incident, expected_version=2, by=head)
    for i in range(n + 1):
        services.add_action(
            incident, expected_version=3 + i, what=f"Action {i}", owner=head, by=head
        )


PAGES = {
    # the list: + the page's count (Paginator)
    "list": (lambda w: f"/villages/{w.village.pk}/signalements/", 9),
    # 15 to 14: the history and the actions read their users in their own query (-2), the
    # transmissions to the CRIP and the procureur are one more (+1)
    "incident": (lambda w: f"/signalements/{w.incident.pk}/", 11),
    # + the draft; 11: the children offered are recorded as read (one insert)
    "report": (lambda w: f"/villages/{w.village.pk}/signalements/nouveau/", 8),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("size", [0, 6])
def test_page_query_count_is_pinned(client, incidents, django_assert_num_queries, page, size):
    more_incidents(incidents, size)
    login(client, incidents.users[Role.HEAD_OF_SERVICE])
    client.get("/")  # the session's first request (the one measured comes after it)
    url, budget = PAGES[page]
    with django_assert_num_queries(budget):
        response = client.get(url(incidents))
    assert response.status_code == 200


def _bulk_incidents(world, n, *, closed_every=0):
    """n old incidents in the village, each with its own child (a victim), oldest last."""
    from ancrage.safeguarding.models import IncidentChild

    now = timezone.now()
    rows = Incident.objects.bulk_create(
        Incident(
            establishment=world.village,
            occurred_at=now - datetime.timedelta(days=10 + i),
            place="Cour",
            narrative=f"Ancien incident {i}",
            reporter=world.users[Role.HOUSE_PARENT],
            **(
                {"status": "closed", "outcome": "Réglé", "severity": "minor"}
                if closed_every and i % closed_every == 0
                else {"status": "reported"}
            ),
            category="other" if i % 2 else "care_failure",
        )
        for i in range(n)
    )
    children = [PersonFactory(first_names=f"Ancien{i}", last_name="Test") for i in range(n)]
    IncidentChild.objects.bulk_create(
        IncidentChild(incident=incident, person=child, role="victim")
        for incident, child in zip(rows, children, strict=True)
    )
    return rows, children


def test_the_village_list_is_paged_and_records_only_the_children_it_shows(client, incidents):
    from ancrage.kernel.models import AccessEvent
    from ancrage.safeguarding.queries import PAGE_SIZE

    rows, children = _bulk_incidents(incidents, PAGE_SIZE + 5)
    head = incidents.users[Role.HEAD_OF_SERVICE]
    login(client, head)
    url = f"/villages/{incidents.village.pk}/signalements/"
    first = client.get(url)
    shown = first.context["incidents"]
    assert len(shown) == PAGE_SIZE
    assert shown[0] == incidents.incident  # the newest first
    assert first.context["page"].paginator.count == PAGE_SIZE + 6
    assert "Page 1 sur 2" in first.content.decode()
    read = set(
        AccessEvent.objects.filter(user=head, what="safeguarding.list").values_list(
            "person_id", flat=True
        )
    )
    assert children[0].pk in read  # on the first page
    assert not read & {c.pk for c in children[-5:]}  # the oldest, on the second page
    second = client.get(url + "?page=2")
    assert [i.pk for i in second.context["incidents"]] == [r.pk for r in rows[-6:]]
    assert AccessEvent.objects.filter(
        user=head, what="safeguarding.list", person_id=children[-1].pk
    ).exists()
    # a page past the end shows the last one; a page that is not a number, the first
    assert client.get(url + "?page=99").context["page"].number == 2
    assert client.get(url + "?page=abc").context["page"].number == 1


def test_the_village_list_filters_by_state_and_category(client, incidents):
    rows, _children = _bulk_incidents(incidents, 10, closed_every=3)  # 0, 3, 6, 9 closed
    login(client, incidents.users[Role.HEAD_OF_SERVICE])
    url = f"/villages/{incidents.village.pk}/signalements/"
    closed = client.get(url, {"state": "closed"}).context["incidents"]
    assert {i.pk for i in closed} == {rows[i].pk for i in (0, 3, 6, 9)}
    open_ = client.get(url, {"state": "open"}).context["incidents"]
    assert len(open_) == 7  # six old ones and the pinned one, just reported
    other_closed = client.get(url, {"state": "closed", "category": "other"})
    assert {i.pk for i in other_closed.context["incidents"]} == {rows[3].pk, rows[9].pk}
    page = client.get(url, {"state": "closed", "category": "other", "page": 1})
    assert "state=closed&amp;category=other" not in page.content.decode()  # a single page
    bad = client.get(url, {"state": "nonsense"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["state"]
    assert len(bad.context["incidents"]) == 11  # an invalid filter filters nothing


def test_an_incident_without_adults_involved_shows_a_dash_not_none(client, incidents):
    """Empty optional texts (stored empty or null) read "—", never "None"."""
    login(client, incidents.users[Role.HEAD_OF_SERVICE])
    for empty in ("", None):
        Incident.objects.filter(pk=incidents.incident.pk).update(
            adults_involved=empty, immediate_measures=empty
        )
        page = client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
        assert "None" not in page
        assert "Adultes concernés</dt><dd>—</dd>" in page
        assert "Mesures prises immédiatement</dt><dd>—</dd>" in page
