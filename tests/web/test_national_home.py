"""The organisation's home (national director, finance, administrator): its totals equal a count
of every bed, stay and admission from scratch, its villages come twenty a page by name, each
page reads the same queries whatever the number of villages, and nothing outside the user's
organisation is counted."""

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.care.queries.deadlines import overdue_counts
from ancrage.kernel.access import Role
from ancrage.organisation.models import Establishment, Unit
from ancrage.placements.models import AdmissionRequest, Stay
from ancrage.placements.queries import occupancy_board
from ancrage.web.homes import VILLAGES_PER_PAGE, national_home
from tests.accounts.factories import UserFactory
from tests.conftest import login
from tests.organisation.factories import HouseFactory, VillageFactory
from tests.people.factories import PersonFactory, StayFactory
from tests.web.test_homes import HOME_QUERIES

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


class Rollback(Exception):
    pass


def _home(client, user, query=""):
    login(client, user)
    client.get("/")  # the session's first request
    return client.get(f"/{query}")


def _from_scratch(organisation, today):
    """Every figure of the home counted row by row, in Python, over the whole tables."""
    villages = [
        e
        for e in Establishment.objects.all()
        if e.organisation_id == organisation.pk and e.kind == Establishment.Kind.VILLAGE
    ]
    ids = {v.pk for v in villages}
    houses = [
        u
        for u in Unit.objects.all()
        if u.establishment_id in ids and u.kind == Unit.Kind.HOUSE and u.active
    ]
    house_village = {u.pk: u.establishment_id for u in houses}
    by_village = {pk: {"capacity": 0, "houses": 0, "occupied": 0, "waiting": 0} for pk in ids}
    for u in houses:
        by_village[u.establishment_id]["capacity"] += u.capacity
        by_village[u.establishment_id]["houses"] += 1
    for stay in Stay.objects.all():
        living = stay.start_date <= today and (stay.end_date is None or stay.end_date > today)
        if living and stay.unit_id in house_village:
            by_village[house_village[stay.unit_id]]["occupied"] += 1
    for request in AdmissionRequest.objects.all():
        if request.establishment_id in ids and request.status == AdmissionRequest.Status.WAITING:
            by_village[request.establishment_id]["waiting"] += 1
    capacity = sum(row["capacity"] for row in by_village.values())
    occupied = sum(row["occupied"] for row in by_village.values())
    totals = {
        "villages": len(villages),
        "capacity": capacity,
        "houses": len(houses),
        "occupied": occupied,
        "free": max(capacity - occupied, 0),
        "waiting": sum(row["waiting"] for row in by_village.values()),
    }
    return totals, by_village


STAYS = st.lists(
    st.tuples(
        st.integers(0, 5),  # which house (the world's four, two more drawn)
        st.integers(-400, 20),  # arrival, days from today
        st.one_of(st.none(), st.integers(0, 400)),  # days lived there before leaving
    ),
    max_size=12,
)


@settings(
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stays=STAYS,
    capacities=st.lists(st.integers(1, 9), min_size=2, max_size=2),
    closed=st.booleans(),
    statuses=st.lists(st.sampled_from(AdmissionRequest.Status.values), max_size=4),
)
def test_the_totals_and_the_lines_equal_a_count_from_scratch(
    world, stays, capacities, closed, statuses
):
    director = world.users[Role.NATIONAL_DIRECTOR]
    try:
        with transaction.atomic():
            houses = [world.house, world.second_house, world.other_house]
            houses.append(world.foreign_village.units.get())
            houses.append(HouseFactory(establishment=world.village, capacity=capacities[0]))
            # a house closed (its beds no longer offered) or open, in a village of its own
            houses.append(
                HouseFactory(
                    establishment=VillageFactory(organisation=world.organisation),
                    capacity=capacities[1],
                    active=not closed,
                )
            )
            for house, start, lived in stays:
                arrival = TODAY + datetime.timedelta(days=start)
                departure = None if lived is None else arrival + datetime.timedelta(days=lived)
                StayFactory(
                    unit=houses[house],
                    start_date=arrival,
                    end_date=departure,
                    exit_reason="" if departure is None else Stay.ExitReason.MOVE,
                )
            for n, status in enumerate(statuses):
                AdmissionRequest.objects.create(
                    establishment=world.village if n % 2 else world.foreign_village,
                    departement="44",
                    status=status,
                    decided_on=None if status == AdmissionRequest.Status.WAITING else TODAY,
                    decline_reason="Complet" if status == AdmissionRequest.Status.DECLINED else "",
                )
            totals, by_village = _from_scratch(world.organisation, TODAY)
            home = national_home(director, TODAY)
            assert {k: home["totals"][k] for k in totals} == totals
            assert {
                line["village"].pk: {
                    k: line[k] for k in ("capacity", "houses", "occupied", "waiting")
                }
                for line in home["lines"]
            } == by_village
            # and the same as the occupancy board every village head of service reads
            board = occupancy_board(director)
            assert totals["capacity"] == sum(row["capacity"] for row in board)
            assert totals["occupied"] == sum(row["occupied"] for row in board)
            raise Rollback
    except Rollback:
        pass


def test_the_totals_count_the_incidents_of_the_indicators(client, world, incidents):
    page = _home(client, world.users[Role.NATIONAL_DIRECTOR]).content.decode()
    # the incident of the director's organisation, not the other organisation's
    assert re.search(r"Signalements \(12 mois\)</dt><dd>1</dd>", page)
    assert "Totaux de l&#x27;organisation" in page or "Totaux de l'organisation" in page


@pytest.fixture
def many_villages(world):
    """Forty-five villages in the organisation (the world's two and forty-three more, one with
    an accented name), each with a house, and a child living in the first added one."""
    added = [
        VillageFactory(organisation=world.organisation, name=f"Village n°{n:02d}")
        for n in range(42)
    ]
    added.append(VillageFactory(organisation=world.organisation, name="Village des Érables"))
    for village in added:
        HouseFactory(establishment=village, capacity=6)
    StayFactory(child=PersonFactory(), unit=added[0].units.get())
    return world


def test_the_villages_come_twenty_a_page_in_french_order(client, many_villages):
    director = many_villages.users[Role.NATIONAL_DIRECTOR]
    first = _home(client, director).content.decode()
    assert first.count('<tr><th scope="row">') == VILLAGES_PER_PAGE
    assert "Page 1 sur 3" in first and 'href="?page=2"' in first
    assert "Page précédente" not in first
    assert re.search(r"<dt>Villages</dt><dd>45</dd>", first)
    names = re.findall(r'<tr><th scope="row">([^<]+?) <span', first)
    assert names[0] == "Village des Coteaux" and names[1] == "Village des Érables"
    assert names[2] == "Village du Lac"  # É sorts as E: "des É" before "du"
    last = client.get("/?page=3").content.decode()
    assert last.count('<tr><th scope="row">') == 5
    assert 'href="?page=2"' in last and "Page suivante" not in last
    names = re.findall(r'<tr><th scope="row">([^<]+?) <span', last)
    assert names == [f"Village n°{n}" for n in range(37, 42)], names
    # a page past the end is the last page, a word the first
    beyond = client.get("/?page=99").content.decode()
    assert re.findall(r'<tr><th scope="row">([^<]+?) <span', beyond) == names
    assert "Page 1 sur 3" in client.get("/?page=deux").content.decode()


def test_every_page_reads_the_same_queries_whatever_the_number_of_villages(
    client, many_villages, django_assert_num_queries
):
    for role in (Role.NATIONAL_DIRECTOR, Role.TECH_ADMIN):
        login(client, many_villages.users[role])
        client.get("/")
        for query in ("", "?page=2", "?page=3"):
            with django_assert_num_queries(HOME_QUERIES[role]):
                assert client.get(f"/{query}").status_code == 200


def test_the_finance_home_pages_the_villages_too(client, many_villages):
    page = _home(client, many_villages.users[Role.FINANCE], "?page=2").content.decode()
    assert "Mois à arrêter" in page and "Page 2 sur 3" in page


def test_nothing_of_another_organisation_is_counted_or_named(client, many_villages):
    foreign = many_villages.foreign_village
    StayFactory(child=PersonFactory(), unit=foreign.units.get())
    totals = national_home(many_villages.users[Role.NATIONAL_DIRECTOR], TODAY)["totals"]
    own, _lines = _from_scratch(many_villages.organisation, TODAY)
    assert totals["occupied"] == own["occupied"] and totals["villages"] == 45
    for n in (1, 2, 3):
        page = _home(client, many_villages.users[Role.NATIONAL_DIRECTOR], f"?page={n}")
        assert foreign.name not in page.content.decode()


@pytest.mark.parametrize("role", [Role.HR, Role.FUNDER, Role.DPO, Role.O2R_COUNSELLOR], ids=str)
def test_the_other_organisation_wide_roles_see_no_village_line(client, world, role):
    page = _home(client, world.users[role]).content.decode()
    assert "Les villages d&#x27;enfants" not in page and "Village des Coteaux" not in page


def test_a_user_without_a_role_sees_no_village(client, world):
    page = _home(client, UserFactory()).content.decode()
    assert "Village des Coteaux" not in page and "Totaux" not in page


def test_the_late_deadlines_are_shown_only_to_those_they_are_counted_for(client, world):
    # neither the national director nor the administrator oversees the children's projects:
    # no column of zeros that would read as "nothing late"
    for role in (Role.NATIONAL_DIRECTOR, Role.TECH_ADMIN):
        page = _home(client, world.users[role]).content.decode()
        assert "Village des Coteaux" in page and "Échéances en retard" not in page


def test_the_village_home_still_shows_its_occupancy(client, world, case_files):
    page = _home(client, world.users[Role.HEAD_OF_SERVICE]).content.decode()
    assert "Maison des Tilleuls" in page and "enfants accueillis pour" in page


def test_the_late_deadlines_of_a_page_are_those_of_its_villages_only(world, case_files):
    head = world.users[Role.HEAD_OF_SERVICE]
    everything = overdue_counts(head, TODAY)
    assert [row["village"] for row in everything] == [world.village]
    assert overdue_counts(head, TODAY, among=[world.village.pk]) == everything
    # a village outside the user's scope stays outside, named or not
    assert overdue_counts(head, TODAY, among=[world.other_village.pk]) == []
    assert overdue_counts(head, TODAY, among=[]) == []


def test_each_village_of_the_page_links_to_its_council_and_no_list_of_every_council_is_read(
    client, many_villages
):
    # the national director reads every council: the page's twenty villages each link to
    # theirs, the other pages' villages are not named, and no list of the forty-five councils
    director = many_villages.users[Role.NATIONAL_DIRECTOR]
    page = _home(client, director, "?page=2").content.decode()
    links = set(re.findall(r'href="/villages/(\d+)/conseil/"', page))
    shown = Establishment.objects.filter(
        organisation=many_villages.organisation, kind=Establishment.Kind.VILLAGE
    )
    on_page = national_home(director, TODAY, page=2)["lines"]
    assert links == {str(line["village"].pk) for line in on_page}
    assert len(links) == VILLAGES_PER_PAGE and shown.count() == 45
    assert 'id="councils-title"' not in page
    # the administrator reads no council: no link on its lines
    admin = _home(client, many_villages.users[Role.TECH_ADMIN]).content.decode()
    assert "/conseil/" not in admin and "Village des Coteaux" in admin


def test_a_village_director_still_lists_the_councils_of_their_villages(client, world):
    page = _home(client, world.users[Role.ESTABLISHMENT_DIRECTOR]).content.decode()
    assert 'id="councils-title"' in page
    assert f'href="/villages/{world.village.pk}/conseil/"' in page
