"""The participation indicators for the director and the national director: meetings held,
opinions answered within three months, consultations and their participation rate, PPE
validated with the child's words, reviews where the child spoke; the counts of children masked
by kernel.disclosure."""

import datetime

import pytest

from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK
from ancrage.participation import council
from ancrage.participation.indicators import participation_indicators
from ancrage.participation.models import Opinion
from tests.care.factories_ppe import validated_ppe
from tests.conftest import login

TODAY = datetime.date.today()


@pytest.fixture
def director(world):
    return world.users[Role.ESTABLISHMENT_DIRECTOR]


def test_participation_indicators_count_and_mask(client, world, director):
    """Opinions answered within three months of their meeting count as in time; the PPE
    validated with the child's words are counts of children, masked under 5."""
    last_year = TODAY.year - 1
    meeting = council.record_meeting(
        world.village, director, held_on=datetime.date(last_year, 1, 15), agenda="Repas"
    )
    for text, answered_on in (
        ("Plus de fruits", datetime.date(last_year, 4, 15)),  # three months: in time
        ("Un potager", datetime.date(last_year, 4, 16)),  # a day late
        ("Un baby-foot", None),
    ):
        opinion = council.add_opinion(meeting, director, kind="opinion", text=text)
        if answered_on:
            Opinion.objects.filter(pk=opinion.pk).update(answer="Oui", answered_on=answered_on)
    figures = participation_indicators(director, last_year, TODAY)
    row = next(r for r in figures["rows"] if r["village"] == world.village)
    assert row["meetings"] == 1 and row["meetings_short"]
    assert (row["opinions"], row["in_time"]) == (3, 1)
    validated_ppe(world.child, world.users[Role.HEAD_OF_SERVICE])
    figures = participation_indicators(director, TODAY.year, TODAY)
    row = next(r for r in figures["rows"] if r["village"] == world.village)
    # one PPE validated with her words: a count of 1, masked, and its share with it
    assert row["ppe"][0] == MASK and row["ppe_share"] is None
    assert figures["totals"]["ppe"][0] == MASK
    login(client, director)
    page = client.get("/participation/indicateurs/").content.decode()
    assert "Village des Coteaux" in page and "secret statistique" in page
    assert "Léa" not in page


def test_participation_indicators_by_role(client, world, director, django_assert_max_num_queries):
    national = participation_indicators(world.users[Role.NATIONAL_DIRECTOR], TODAY.year, TODAY)
    assert {r["village"].name for r in national["rows"]} == {
        "Village des Coteaux",
        "Village du Lac",
    }
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get("/participation/indicateurs/").status_code == 403
    login(client, director)
    with django_assert_max_num_queries(14):
        assert client.get("/participation/indicateurs/?annee=abc").status_code == 200
