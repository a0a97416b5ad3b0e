"""The organisation-wide indicators read what they show (issue 19): the chart, the months and
the totals from the stored figures, the table of villages a page at a time (the stored figures
of the page's villages only), by name or the villages with the most (serious) incidents first;
the same number of queries whatever the number of villages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.safeguarding import indicators, queries
from ancrage.safeguarding.models import Incident, StoredIndicators
from tests.conftest import login
from tests.organisation.factories import VillageFactory
from tests.safeguarding.test_indicators import H, _figures, declare, make, month_start

pytestmark = pytest.mark.django_db

URL = "/signalements/indicateurs/"


def villages(world, n, prefix="Village n°"):
    """`n` more villages of the organisation, named so that their order is known."""
    return [
        VillageFactory(organisation=world.village.organisation, name=f"{prefix} {i:02d}")
        for i in range(n)
    ]


def names(response):
    return [row.label for row in response.context["village_rows"]]


def test_the_table_of_villages_is_paged_by_name_with_the_figures_of_each(client, world):
    more = villages(world, 23)  # 25 villages in all
    for i, village in enumerate(more[:6]):
        for _ in range(i + 1):
            make(world, month_start(i), qualify=H, close=2 * H, village=village)
    make(world, month_start(1), qualify=H)  # Village des Coteaux
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    expected = sorted(
        [v.name for v in more] + [world.village.name, world.other_village.name],
        key=lambda name: name.lower().replace("é", "e"),
    )
    assert names(first) == expected[:20]
    assert names(second) == expected[20:]
    content = first.content.decode()
    assert "25 villages" in content and "villages 1 à 20" in content
    assert 'href="?page=2"' in content and "Page 1 sur 2" in content
    assert 'aria-label="Pages"' in content
    assert 'href="?page=1"' in second.content.decode()
    computed = indicators.compute(
        Incident.objects.visible_to(world.users[Role.NATIONAL_DIRECTOR]),
        by="village",
        since=indicators.first_month(timezone.localdate()),
    )
    for response in (first, second):
        for row in response.context["village_rows"]:
            assert _figures(row) == _figures(computed.get(row.key) or indicators.Row(key=None))
    # the months and the totals are the organisation's on every page
    assert first.context["total"].total == second.context["total"].total == 22
    assert [_figures(r) for r in first.context["rows"]] == [
        _figures(r) for r in second.context["rows"]
    ]


def test_the_totals_and_months_are_those_computed_over_the_whole_scope(client, world):
    villages(world, 21)
    for i in range(9):
        incident = make(
            world,
            month_start(i % 4),
            severity=["minor", "serious", "critical"][i % 3],
            qualify=(i + 1) * H,
            close=(i + 3) * H if i % 2 else None,
            village=world.other_village if i % 3 else None,
        )
        if i % 2:
            declare(incident, H, confirmed_after=(20 + 10 * i) * H)
    director = world.users[Role.NATIONAL_DIRECTOR]
    login(client, director)
    response = client.get(URL, {"page": 2})
    months = indicators.monthly(Incident.objects.visible_to(director), timezone.localdate())
    assert [_figures(r) for r in response.context["rows"]] == [_figures(r) for r in months]
    assert _figures(response.context["total"]) == _figures(indicators.total(months))


def test_the_stored_read_is_narrowed_to_the_villages_asked(world):
    for village in (world.village, world.other_village):
        make(world, month_start(0), qualify=H, village=village)
    scope = Incident.objects.filter(establishment__organisation=world.village.organisation_id)
    since, today = month_start(11).date(), timezone.localdate()
    # computed and stored: the rows of the villages asked
    _months, rows = indicators.stored_months_and_villages(
        scope, since=since, day=today, villages=[world.other_village.pk]
    )
    assert set(rows) == {world.other_village.pk}
    with CaptureQueriesContext(connection) as captured:
        months, rows = indicators.stored_months_and_villages(
            scope, since=since, day=today, villages=[world.village.pk]
        )
    assert len(captured) == 1
    assert set(rows) == {world.village.pk} and rows[world.village.pk].total == 1
    assert sum(r.total for r in months.values()) == 2
    _months, rows = indicators.stored_months_and_villages(scope, since=since, day=today)
    assert set(rows) == {world.village.pk, world.other_village.pk}
    assert (
        indicators.stored_months_and_villages(scope, since=since, day=today, villages=())[1] == {}
    )


@pytest.mark.parametrize("more", [0, 30])
def test_the_page_reads_the_same_queries_whatever_the_number_of_villages(
    client, world, django_assert_num_queries, more
):
    """The pins of each order (`test_indicators.PAGES` for the default one): as many queries
    with 32 villages as with 2, the stored figures read for the page only."""
    for village in villages(world, more)[:5]:
        make(world, month_start(0), qualify=H, village=village)
    make(world, month_start(0), qualify=H)
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    client.get("/")
    client.get(URL)  # computed and stored
    # by name: the villages counted, a page read, the stored figures of the months and the page
    for params, budget in (({}, 7), ({"ordre": "signalements"}, 8), ({"ordre": "graves"}, 8)):
        # by the stored totals: the stored figures made sure of first (one more query)
        with django_assert_num_queries(budget):
            assert client.get(URL, params).status_code == 200
    stored_rows = StoredIndicators.objects.exclude(village=StoredIndicators.ORGANISATION)
    assert stored_rows.count() == (6 if more else 1)


def test_the_villages_that_need_a_look_come_first_on_demand(client, world):
    a, b, c, d = villages(world, 4)
    for village, severities in (
        (a, ["minor", "minor", "minor"]),
        (b, ["critical"]),
        (c, ["serious", "minor"]),
        (d, []),
    ):
        for severity in severities:
            make(world, month_start(0), severity=severity, qualify=H, village=village)
    make(world, month_start(0))  # reported, not qualified yet: counted, no severity
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    by_incidents = client.get(URL, {"ordre": "signalements"})
    # ties and villages with no incident by name
    assert names(by_incidents) == [
        a.name,
        c.name,
        world.village.name,
        b.name,
        "Village du Lac",
        d.name,
    ]
    by_serious = client.get(URL, {"ordre": "graves"})
    assert names(by_serious)[:3] == [c.name, b.name, a.name]
    content = by_serious.content.decode()
    assert '<strong aria-current="true">les plus de signalements graves d' in content
    assert 'href="?ordre=nom"' in content
    # an unknown order is the order by name
    assert names(client.get(URL, {"ordre": "x"}))[:2] == [world.village.name, "Village du Lac"]
    # the paging keeps the order
    villages(world, 20, prefix="Zone")
    content = client.get(URL, {"ordre": "graves"}).content.decode()
    assert 'href="?ordre=graves&amp;page=2"' in content


def test_a_page_out_of_range_shows_the_last_page(client, world):
    villages(world, 22)
    login(client, world.users[Role.NATIONAL_DIRECTOR])
    response = client.get(URL, {"page": 99})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(response.context["village_rows"]) == 4
    assert client.get(URL, {"page": "x"}).context["page"].number == 1


@pytest.mark.parametrize(
    "role",
    [
        Role.HEAD_OF_SERVICE,
        Role.ESTABLISHMENT_DIRECTOR,
        Role.HOUSE_PARENT,
        Role.TECH_ADMIN,
        Role.FUNDER,
    ],
)
def test_only_those_who_follow_the_organisation_open_it_whatever_the_page_or_order(
    client, world, role
):
    login(client, world.users[role])
    for params in ({}, {"page": 2}, {"ordre": "graves"}):
        assert client.get(URL, params).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    response = client.get(URL, {"ordre": "signalements"})
    assert response.status_code == 302
    assert "indicateurs" not in response["Location"].split("?")[0]


def test_the_organisation_figures_of_the_home_read_no_village_row(world):
    """The home's chart needs the months only (`villages=()`): the rows of the villages are
    not read."""
    make(world, month_start(0), qualify=H)
    director = world.users[Role.NATIONAL_DIRECTOR]
    today = timezone.localdate()
    queries._organisation_figures(director, today)  # stored
    _since, months, by_village = queries._organisation_figures(director, today, villages=())
    assert by_village == {} and sum(r.total for r in months.values()) == 1
