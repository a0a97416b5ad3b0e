"""Village pages: what they show, bad input refused where it happened, query counts pinned."""

import datetime

import pytest

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import FamilyLink
from ancrage.people.services import link_relatives
from ancrage.placements.models import AdmissionRequest, ProtectionMeasure, Stay
from ancrage.placements.services import (
    admit_children,
    record_measure,
    register_admission_request,
)
from tests.conftest import login
from tests.organisation.factories import HouseFactory
from tests.people.factories import PersonFactory

TODAY = datetime.date.today()


def grow_village(world, n):
    """n more houses with a sibling pair each, and n waiting requests."""
    head = world.users[Role.HEAD_OF_SERVICE]
    for i in range(n):
        house = HouseFactory(establishment=world.village, name=f"Maison {i}")
        a, b = PersonFactory(), PersonFactory()
        link_relatives(a, b, FamilyLink.Kind.SIBLING)
        admit_children(
            placements={a: house, b: house}, start_date=TODAY - datetime.timedelta(days=10), by=head
        )
        register_admission_request(
            establishment=world.village,
            children=[{"first_names": f"Att{i}", "last_name": "Ente"}],
            by=head,
            departement="44",
        )


# The association's co-placement figure read, computed (the state, then the aggregate) and stored
# by the first board view after a write to the stays.
FIRST_BOARD_VIEW = 3

PAGES = {
    # board: the co-placement figures are the village's and the association's stored figure
    # (two queries, placements.services.village_co_placement) rather than one query reading
    # every placed child of the association; the first view after a stay is written computes
    # and stores the association's figure (3 queries more: FIRST_BOARD_VIEW).
    "board": (lambda w: f"/villages/{w.village.pk}/", 12),
    "waiting_list": (lambda w: f"/villages/{w.village.pk}/admissions/", 9),
    # admission: the beds are counted on the arrival date from the stays (one query more)
    "admission": (lambda w: f"/admissions/{w.admission.pk}/", 10),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("size", [0, 6])
def test_village_page_query_count_is_pinned(client, world, django_assert_num_queries, page, size):
    grow_village(world, size)
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url, budget = PAGES[page]
    with django_assert_num_queries(budget + (FIRST_BOARD_VIEW if page == "board" else 0)):
        response = client.get(url(world))
    assert response.status_code == 200
    with django_assert_num_queries(budget):
        assert client.get(url(world)).status_code == 200


def test_board_query_count_does_not_grow_with_arrivals_and_departures(
    client, world, django_assert_num_queries
):
    head = world.users[Role.HEAD_OF_SERVICE]
    for i in range(3):
        house = HouseFactory(establishment=world.village, name=f"Maison {i}")
        admit_children(
            placements={PersonFactory(): house},
            start_date=TODAY + datetime.timedelta(days=10 + i),
            by=head,
        )
        stay = admit_children(
            placements={PersonFactory(): house},
            start_date=TODAY - datetime.timedelta(days=100),
            by=head,
        )[0]
        stay.end_date = TODAY + datetime.timedelta(days=20 + i)
        stay.exit_reason = Stay.ExitReason.MAJORITY
        stay.save(update_fields=["end_date", "exit_reason"])
    login(client, head)
    with django_assert_num_queries(PAGES["board"][1] + FIRST_BOARD_VIEW):
        response = client.get(f"/villages/{world.village.pk}/")
    assert len(response.context["arrivals"]) == 3 and len(response.context["departures"]) == 3


def test_board_shows_houses_beds_children_and_rates(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.get(f"/villages/{world.village.pk}/")
    page = response.content.decode()
    assert "Maison des Tilleuls" in page and "Maison des Cèdres" in page
    assert "Léa Martin" in page and "Hugo Martin" in page
    # Léa and Hugo live apart: the village's co-placement is 0 / 2
    assert response.context["co_placement"].together == 0
    assert response.context["co_placement"].with_siblings == 2
    shown = AccessEvent.objects.filter(what="placements.village_board").values_list(
        "person_id", flat=True
    )
    assert set(shown) == {world.child.pk, world.sibling.pk}


def test_board_shows_no_names_to_finance(client, world):
    login(client, world.users[Role.FINANCE])
    response = client.get(f"/villages/{world.village.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Léa" not in page and "Hugo" not in page
    assert "places occupées" in page
    assert not AccessEvent.objects.exists()


def test_admission_form_creates_the_request_with_its_children(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    data = {
        "enfants-TOTAL_FORMS": "4",
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "0",
        "enfants-MAX_NUM_FORMS": "8",
        "enfants-0-first_names": "Nour",
        "enfants-0-last_name": "Haddad",
        "enfants-0-birth_date": "2015-03-01",
        "enfants-0-sex": "F",
        "enfants-1-first_names": "Adam",
        "enfants-1-last_name": "Haddad",
        "enfants-1-birth_date": "2017-06-01",
        "enfants-1-sex": "M",
        "received_on": TODAY.isoformat(),
        "urgency": "2",
        "departement": "44",
    }
    response = client.post(f"/villages/{world.village.pk}/admissions/nouvelle/", data)
    assert response.status_code == 302
    request = AdmissionRequest.objects.get(children__first_names="Nour")
    assert sorted(c.first_names for c in request.children.all()) == ["Adam", "Nour"]


def test_admission_form_without_children_is_refused_and_saves_nothing(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    before = AdmissionRequest.objects.count()
    response = client.post(
        f"/villages/{world.village.pk}/admissions/nouvelle/",
        {
            "enfants-TOTAL_FORMS": "4",
            "enfants-INITIAL_FORMS": "0",
            "enfants-MIN_NUM_FORMS": "0",
            "enfants-MAX_NUM_FORMS": "8",
            "received_on": TODAY.isoformat(),
            "urgency": "3",
            "departement": "99",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Indiquez au moins un enfant." in page
    assert "Saisissez un code de département valide" in page
    assert AdmissionRequest.objects.count() == before


def test_accepting_over_capacity_says_so_at_the_house_and_saves_nothing(client, world):
    full = HouseFactory(establishment=world.village, capacity=1)
    Stay.objects.create(
        child=PersonFactory(), unit=full, start_date=TODAY - datetime.timedelta(days=3)
    )
    login(client, world.users[Role.HEAD_OF_SERVICE])
    child = world.admission.children.get()
    response = client.post(
        f"/admissions/{world.admission.pk}/accepter/",
        {"start_date": TODAY.isoformat(), f"house_{child.pk}": full.pk},
    )
    assert response.status_code == 422
    assert "n&#x27;a plus de place libre" in response.content.decode()
    world.admission.refresh_from_db()
    assert world.admission.status == "waiting"


def test_declining_shows_the_reason_in_the_waiting_list(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/admissions/{world.admission.pk}/refuser/",
        {"decline_reason": "Fratrie de 6 : aucune maison adaptée"},
    )
    assert response.status_code == 302
    page = client.get(f"/villages/{world.village.pk}/admissions/").content.decode()
    assert "Fratrie de 6 : aucune maison adaptée" in page


def test_move_form_asks_for_the_separation_justification_at_its_field(client, world):
    house = HouseFactory(establishment=world.village)
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/{world.sibling.reference}/changer-de-maison/"
    # Hugo moves to a third house: he still does not live with Léa, nothing new is separated.
    response = client.post(
        url, {"house": house.pk, "move_date": (TODAY + datetime.timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 302
    # Léa's brother now lives in `house`; moving Léa into the second house keeps them apart: no
    # new separation either. Bring Hugo to Léa, then take Léa away: that separates them.
    client.post(
        url,
        {"house": world.house.pk, "move_date": (TODAY + datetime.timedelta(days=2)).isoformat()},
    )
    response = client.post(
        f"/personnes/{world.child.reference}/changer-de-maison/",
        {
            "house": world.second_house.pk,
            "move_date": (TODAY + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "ne vivraient plus ensemble" in response.content.decode()


def test_exit_form_refuses_an_exit_before_arrival(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/personnes/{world.child.reference}/sortie/",
        {"exit_date": "2000-01-01", "reason": "return_to_family"},
    )
    assert response.status_code == 200
    assert "La sortie doit suivre l&#x27;arrivée" in response.content.decode()
    assert Stay.objects.get(child=world.child).end_date is None


def test_judge_notice_is_marked_done(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/informations-juge/{world.notice.pk}/fait/", {"sent_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    world.notice.refresh_from_db()
    assert world.notice.sent_on == TODAY


def test_judge_notice_cannot_be_done_in_the_future(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    client.post(
        f"/informations-juge/{world.notice.pk}/fait/",
        {"sent_on": (TODAY + datetime.timedelta(days=3)).isoformat()},
    )
    world.notice.refresh_from_db()
    assert world.notice.sent_on is None


def test_measure_form_renews_a_measure(client, world):
    first = record_measure(
        child=world.child,
        by=world.users[Role.HEAD_OF_SERVICE],
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=TODAY - datetime.timedelta(days=365),
        review_date=TODAY,
    )
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/personnes/{world.child.reference}/mesures/nouvelle/",
        {
            "renews": first.pk,
            "establishment": world.village.pk,
            "legal_basis": "judicial_placement",
            "authority": "juvenile_judge",
            "departement": "44",
            "start_date": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "review_date": (TODAY + datetime.timedelta(days=366)).isoformat(),
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.end_date == TODAY
    assert ProtectionMeasure.objects.get(renews=first).start_date == TODAY + datetime.timedelta(
        days=1
    )


def test_judge_notice_marked_done_without_a_page_reload(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/informations-juge/{world.notice.pk}/fait/",
        {"sent_on": TODAY.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f"fait le {TODAY:%d/%m/%Y}" in fragment
    bad = client.post(
        f"/informations-juge/{world.other_notice.pk}/fait/", {"sent_on": ""}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 404  # another village's notice


@pytest.mark.parametrize(
    ("sent_on", "reason"),
    [
        ("", "Indiquez la date à laquelle le juge a été informé."),
        ("future", "La date ne peut pas être dans le futur."),
    ],
)
def test_a_refused_judge_notice_says_why_in_its_cell_or_as_a_message(
    client, world, sent_on, reason
):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/informations-juge/{world.notice.pk}/fait/"
    if sent_on == "future":
        sent_on = (TODAY + datetime.timedelta(days=3)).isoformat()
    cell = client.post(url, {"sent_on": sent_on}, HTTP_HX_REQUEST="true")
    assert cell.status_code == 200
    fragment = cell.content.decode()
    assert "<html" not in fragment
    assert f'<p class="errorlist" role="alert">{reason}</p>' in fragment
    assert 'name="sent_on"' in fragment  # the form stays, to try again
    response = client.post(url, {"sent_on": sent_on}, follow=True)
    assert response.redirect_chain == [(f"/personnes/{world.child.reference}/", 302)]
    assert [(str(m), m.level_tag) for m in response.context["messages"]] == [(reason, "error")]
    world.notice.refresh_from_db()
    assert world.notice.sent_on is None


def test_a_judge_notice_marked_done_says_so_on_the_person_page(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/informations-juge/{world.notice.pk}/fait/", {"sent_on": TODAY.isoformat()}, follow=True
    )
    assert response.redirect_chain == [(f"/personnes/{world.child.reference}/", 302)]
    assert [(str(m), m.level_tag) for m in response.context["messages"]] == [
        ("L'information du juge est notée comme faite.", "success")
    ]
    again = client.post(
        f"/informations-juge/{world.notice.pk}/fait/",
        {"sent_on": TODAY.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert f"fait le {TODAY:%d/%m/%Y}" in again.content.decode()


@pytest.mark.parametrize(
    ("htmx", "sent_on", "queries"),
    # 12 without htmx: the redirect's reference comes from the notice already read with its
    # child (13 before 2026-12-05, when it was read again from the service's copy); a notice
    # marked sent draws a new stamp for the child's stored overdue deadlines (one upsert: 9
    # before care.OverdueSummary)
    [(True, "today", 10), (False, "today", 10), (True, "", 5), (False, "", 5)],
)
def test_marking_a_judge_notice_reads_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, htmx, sent_on, queries
):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    client.get("/")
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"sent_on": TODAY.isoformat() if sent_on == "today" else sent_on}
    with django_assert_num_queries(queries):
        client.post(f"/informations-juge/{world.notice.pk}/fait/", data, **extra)


def test_board_links_only_to_pages_the_role_opens(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    page = client.get(f"/villages/{world.village.pk}/").content.decode()
    assert "Liste d'attente des admissions" not in page
    login(client, world.users[Role.HEAD_OF_SERVICE])
    page = client.get(f"/villages/{world.village.pk}/").content.decode()
    assert "Liste d'attente des admissions" in page


def _house_full_until_next_week(world):
    """A house of one bed, taken today by a child who leaves in a week: (house, that day)."""
    house = HouseFactory(establishment=world.village, capacity=1, name="Maison Les Érables")
    arrival = TODAY + datetime.timedelta(days=7)
    Stay.objects.create(
        child=PersonFactory(),
        unit=house,
        start_date=TODAY - datetime.timedelta(days=30),
        end_date=arrival,
        exit_reason="return_to_family",
    )
    return house, arrival


def test_the_house_choices_show_the_beds_free_on_the_arrival_date(client, world):
    # full today, a bed free from next week: its child leaves before the arrival
    house, arrival = _house_full_until_next_week(world)
    login(client, world.users[Role.HEAD_OF_SERVICE])
    # the request wishes no date: the beds are counted today
    today_page = client.get(f"/admissions/{world.admission.pk}/").content.decode()
    assert f"Maison Les Érables · complète le {TODAY:%d/%m/%Y}" in today_page
    # the arrival date typed (the form refused for want of a house): counted on that day
    response = client.post(
        f"/admissions/{world.admission.pk}/accepter/", {"start_date": arrival.isoformat()}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f"Maison Les Érables · 1 place libre le {arrival:%d/%m/%Y}" in page
    assert f"Places libres le {arrival:%d/%m/%Y}" in page


def test_the_house_choices_count_again_as_soon_as_the_arrival_date_is_typed(client, world):
    # full today, a bed free from next week: the page asks for the beds on the date typed
    house, arrival = _house_full_until_next_week(world)
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/admissions/{world.admission.pk}/"
    page = client.get(url).content.decode()
    # the date field asks the page again when it changes, the houses picked sent along
    assert 'hx-trigger="change from:#id_start_date"' in page
    assert 'hx-include="#id_start_date, #accept-houses select"' in page
    assert 'hx-select-oob="#accept-houses"' in page
    child = world.admission.children.order_by("birth_date").first()
    page = client.get(
        url, {"start_date": arrival.isoformat(), f"house_{child.pk}": house.pk}
    ).content.decode()
    assert f"Places libres le {arrival:%d/%m/%Y}" in page
    assert f"Maison Les Érables · 1 place libre le {arrival:%d/%m/%Y}" in page
    # the house picked before the date changed is still picked
    assert f'<option value="{house.pk}" selected>Maison Les Érables · 1 place libre' in page
    # a date out of the range a form takes is not counted on: the usual day stays
    page = client.get(url, {"start_date": "1850-01-01"}).content.decode()
    assert f"Places libres le {TODAY:%d/%m/%Y}" in page
    assert "1850" not in page
