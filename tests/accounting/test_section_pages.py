"""The sections' pages (the list and the cost table) show a page of sections, of one establishment
or of all, and the totals of every section the user reaches from the stored sums: the same
queries whatever the number of sections, totals equal to the sums of every allocated share."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse

from ancrage.accounting.models import AllocatedAmount, Section, SectionMonth
from ancrage.accounting.queries import PAGE_SIZE, WITHOUT_ESTABLISHMENT, cost_table
from ancrage.kernel.access import Role
from tests.accounting.test_allocation import allocated  # noqa: F401 - the fixture
from tests.conftest import login
from tests.organisation.factories import VillageFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
HOME = reverse("accounting:home")
FIGURES = reverse("accounting:figures")


def more_villages(world, count, start=0):
    """`count` more villages of the organisation, each with its section and, for March and
    April, stored sums (charges and income) that differ from one section to the next."""
    added = []
    for n in range(start, start + count):
        village = VillageFactory(organisation=world.organisation, name=f"Village n°{n:03d}")
        section = Section.objects.create(
            organisation=world.organisation,
            establishment=village,
            code=f"VIL-{n:03d}",
            name=f"Village n°{n:03d}",
            kind=Section.Kind.VILLAGE,
        )
        for month, charges in ((3, 100 + n), (4, 7 * n + 1)):
            SectionMonth.objects.create(
                organisation=world.organisation,
                section=section,
                month=datetime.date(YEAR, month, 1),
                charges=Decimal(charges),
                income=Decimal(n),
            )
        added.append(section)
    return added


def _sum(rows) -> dict:
    months = [Decimal(0)] * 12
    charges = income = Decimal(0)
    for row in rows:
        months = [a + b for a, b in zip(months, row["months"], strict=True)]
        charges += row["charges"]
        income += row["income"]
    return {"months": months, "charges": charges, "income": income}


def _every_row(user, data=None) -> list[dict]:
    """The rows of every page of the cost table, walked page after page."""
    rows, number = [], 1
    while True:
        table = cost_table(user, YEAR, data, number)
        rows += table["rows"]
        if not table["page"].has_next():
            return rows
        number += 1


def test_the_totals_are_the_sums_of_every_allocated_share(allocated):  # noqa: F811
    """From scratch: each organisation's totals are the sums of the allocated shares of the
    sections finance reaches (class 6 charges by month, the rest as income)."""
    finance = allocated.users[Role.FINANCE]
    visible = Section.objects.visible_to(finance)
    expected = defaultdict(lambda: {"months": [Decimal(0)] * 12, "income": Decimal(0)})
    for share in AllocatedAmount.objects.filter(
        section__in=visible, month__year=YEAR
    ).select_related("line", "section__organisation"):
        entry = expected[share.section.organisation.name]
        if share.line.account_number.startswith("6"):
            entry["months"][share.month.month - 1] += share.amount
        else:
            entry["income"] += share.amount
    totals = cost_table(finance, YEAR)["totals"]
    assert {t["name"]: (t["months"], t["income"]) for t in totals} == {
        name: (e["months"], e["income"]) for name, e in expected.items()
    }
    assert sum(t["charges"] for t in totals) == sum(sum(e["months"]) for e in expected.values())
    assert totals and totals[0]["months"][2] > 0


def test_the_cost_table_pages_the_sections_and_totals_every_page(allocated):  # noqa: F811
    world = allocated
    finance = world.users[Role.FINANCE]
    more_villages(world, 25)
    visible = Section.objects.visible_to(finance).count()
    first = cost_table(finance, YEAR)
    assert len(first["rows"]) == PAGE_SIZE and first["page"].paginator.count == visible
    codes = [r["section"].code for r in first["rows"]]
    assert codes == sorted(codes)
    rows = _every_row(finance)
    assert len(rows) == visible == len({r["section"].pk for r in rows})
    # the totals (one row per organisation reached) add up to every page's rows
    totals = first["totals"]
    assert _sum(totals) == _sum(rows)
    assert first["selection_total"] is None  # nothing chosen: the totals are the selection's


def test_the_cost_table_of_one_establishment_and_its_total(allocated):  # noqa: F811
    world = allocated
    finance = world.users[Role.FINANCE]
    added = more_villages(world, 3)
    chosen = {"etablissement": str(added[1].establishment_id)}
    table = cost_table(finance, YEAR, chosen)
    assert [r["section"] for r in table["rows"]] == [added[1]]
    assert table["selection_total"]["months"][2] == Decimal(101)
    assert table["selection_total"]["income"] == Decimal(2)  # March and April
    # the organisation's totals stay those of every section
    assert _sum(table["totals"]) == _sum(_every_row(finance))
    # the sections of no establishment
    table = cost_table(finance, YEAR, {"etablissement": WITHOUT_ESTABLISHMENT})
    assert [r["section"].code for r in table["rows"]] == ["SUP"]
    # an unknown value shows every section
    assert cost_table(finance, YEAR, {"etablissement": "x"})["page"].paginator.count == (
        Section.objects.visible_to(finance).count()
    )


def test_the_cost_table_page_reads_the_same_queries_at_two_sizes(
    client,
    allocated,  # noqa: F811
    django_assert_num_queries,
):
    world = allocated
    login(client, world.users[Role.FINANCE])
    more_villages(world, 22)
    chosen = {"annee": YEAR, "etablissement": str(world.village.pk)}
    for data, queries in (({"annee": YEAR}, FIGURES_QUERIES), (chosen, FIGURES_QUERIES + 1)):
        with django_assert_num_queries(queries):
            page = client.get(FIGURES, {**data, "page": 2}).content.decode()
        assert "Total Villages d" in page
    more_villages(world, 40, start=100)
    for data, queries in (({"annee": YEAR}, FIGURES_QUERIES), (chosen, FIGURES_QUERIES + 1)):
        with django_assert_num_queries(queries):
            page = client.get(FIGURES, {**data, "page": 2}).content.decode()
    page = client.get(FIGURES, {"annee": YEAR}).content.decode()
    assert f"?annee={YEAR}&amp;page=2" in page and "Page 1 sur" in page


FIGURES_QUERIES = 9


def test_the_sections_list_pages_and_filters_by_establishment(
    client,
    allocated,  # noqa: F811
    django_assert_num_queries,
):
    world = allocated
    login(client, world.users[Role.FINANCE])
    added = more_villages(world, 25)
    visible = Section.objects.visible_to(world.users[Role.FINANCE]).count()
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    assert len(response.context["sections"]) == PAGE_SIZE
    page = response.content.decode()
    assert f"{visible} sections" in page and "Page 1 sur 2" in page
    # every establishment reached is in the selector, by name
    assert f'<option value="{added[7].establishment_id}">Village n°007</option>' in page
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME, {"page": 2})
    assert len(response.context["sections"]) == visible - PAGE_SIZE
    more_villages(world, 30, start=100)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME, {"etablissement": added[7].establishment_id})
    assert [s.code for s in response.context["sections"]] == ["VIL-007"]
    page = response.content.decode()
    assert "1 section<" in page and "VIL-008" not in page
    assert f'<option value="{added[7].establishment_id}" selected>' in page


HOME_QUERIES = 9


@pytest.mark.parametrize("url", [HOME, FIGURES])
def test_the_sections_pages_are_refused_by_default(client, allocated, url):  # noqa: F811
    """Nobody but finance and the establishment's director reads them, whatever the query."""
    world = allocated
    for role in (Role.HOUSE_PARENT, Role.O2R_COUNSELLOR, Role.YOUTH):
        login(client, world.users[role])
        assert client.get(url, {"etablissement": world.village.pk}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_director_chooses_among_their_establishments_only(client, allocated):  # noqa: F811
    world = allocated
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    other = more_villages(world, 1)[0]
    login(client, director)
    page = client.get(FIGURES, {"annee": YEAR}).content.decode()
    assert "VIL-COT" in page and "VIL-000" not in page and "Village n°000" not in page
    # another establishment asked for: nothing of it, and the totals stay the director's
    table = cost_table(director, YEAR, {"etablissement": str(other.establishment_id)})
    assert table["rows"] == [] and table["selection_total"]["charges"] == 0
    assert _sum(table["totals"]) == _sum(cost_table(director, YEAR)["rows"])
    page = client.get(HOME, {"etablissement": other.establishment_id}).content.decode()
    assert "VIL-000" not in page and "0 section" in page
