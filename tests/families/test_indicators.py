"""The family programme's indicators: families supported, duration, goals reached by domain,
placements avoided or occurring within 12 months of the end, by territory and referrer, for a
calendar year; small counts masked through kernel.disclosure; read by the heads and directors of
the services and the national director."""

import datetime

import pytest
from django.urls import reverse

from ancrage.families import indicators, services
from ancrage.families.models import Goal
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK, intervals
from tests.conftest import login
from tests.families.factories import add_families, new_family
from tests.people.factories import StayFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def families(world):
    return add_families(world)


def supported(families, name, referrer="ase", decided=datetime.date(2026, 2, 1)):
    head, worker = families.family_head, families.users[Role.FAMILY_WORKER]
    case = new_family(families.family_team, worker, name, referrer=referrer, referred_on=decided)
    return services.decide_support(
        case,
        by=head,
        support=True,
        decided_on=decided,
        parents_consent=True,
        consent_on=decided,
        worker=worker,
    )


def end(case, by, on):
    return services.end_support(
        case, by=by, ended_on=on, end_reason="goals_reached", outcome="Bilan partagé."
    )


def table(context, key):
    return next(t for t in context["tables"] if t["key"] == key)


def cell(context, key, row, column):
    rows = table(context, key)["rows"]
    columns = [str(c) for c in table(context, key)["columns"]] + ["Total"]
    [cells] = [cells for label, cells in rows if str(label) == row]
    return cells[columns.index(column)]


def test_indicators_mask_small_counts(families):
    for n in range(6):
        supported(families, f"Ase{n}")
    for n in range(2):
        supported(families, f"Pmi{n}", referrer="pmi")
    context = indicators.family_indicators(families.family_head, "2026", today=TODAY)
    # the two families referred by the PMI are masked, and so is what would give them away
    assert (
        cell(context, "supported", "Département 44", "Protection maternelle et infantile (PMI)")
        == MASK
    )
    assert context["masked"] and "secret statistique" in str(context["footnote"])
    # and no published cell lets anyone recompute them: the attacker's bounds stay apart
    low, high = intervals(context["publication"])[("supported", 0, 1)]
    assert high - low >= 1


def test_placements_avoided_or_occurring_within_12_months_of_the_end():
    case = {
        "pk": 1,
        "decided_on": datetime.date(2024, 3, 1),
        "ended_on": datetime.date(2025, 1, 31),
    }
    limit = datetime.date(2026, 1, 31)
    # a child placed during the support, or within 12 months of the end (the last day included)
    for start in (datetime.date(2024, 6, 1), limit):
        assert indicators._placement(case, {1: [start]}, TODAY) == indicators.OCCURRED
    # later, or before the support began: the placement was avoided
    for start in (datetime.date(2026, 2, 1), datetime.date(2023, 1, 1)):
        assert indicators._placement(case, {1: [start]}, TODAY) == indicators.AVOIDED
    assert indicators._placement(case, {}, TODAY) == indicators.AVOIDED
    # ended less than 12 months ago, nobody placed: too early to say
    recent = {**case, "ended_on": datetime.date(2026, 6, 30)}
    assert indicators._placement(recent, {}, TODAY) == indicators.TOO_EARLY


def test_indicators_count_duration_goals_and_placements(families):
    head = families.family_head
    ended = []
    for n in range(5):
        case = supported(families, f"Fin{n}", decided=datetime.date(2024, 1, 15))
        services.add_goal(case, head, domain="housing", title="Un logement adapté")
        services.validate_plan(case, head, on=datetime.date(2024, 2, 1))
        goal = Goal.objects.get(version__plan__case=case)
        services.set_goal_progress(goal, progress="reached")
        ended.append(end(case, head, datetime.date(2026, 3, 1)))
    # one child placed in the village four months after the end
    child = ended[0].members.get(role="child").person
    StayFactory(child=child, unit=families.house, start_date=datetime.date(2026, 7, 1))
    context = indicators.family_indicators(head, "2026", today=TODAY)
    # the counts behind the page (the published cells may be masked as secondary cells)
    assert context["publication"].values[("duration", 0, 3)] == 5
    assert cell(context, "goals", "Logement", "Atteints") == 5
    occurred = "Un enfant placé pendant l'accompagnement ou dans les 12 mois"
    too_early = "Moins de 12 mois depuis la fin, aucun placement"
    assert context["publication"].values[("placement_territory", 0, indicators.OCCURRED)] == 1
    assert context["publication"].values[("placement_territory", 0, indicators.TOO_EARLY)] == 4
    # one family is a small count: masked, and the four others with it
    assert cell(context, "placement_territory", "Département 44", occurred) == MASK
    assert cell(context, "placement_territory", "Département 44", too_early) == MASK


def test_who_reads_the_indicators(client, families):
    supported(families, "Lune")
    url = reverse("families:indicators")
    login(client, families.family_head)
    page = client.get(url)
    assert page.status_code == 200 and [s.pk for s in page.context["services"]] == [
        families.family_team.establishment_id
    ]
    login(client, families.users[Role.NATIONAL_DIRECTOR])
    page = client.get(url)
    assert families.family_team.establishment in page.context["services"]
    # a village's head of service reads no family service's figures
    login(client, families.users[Role.HEAD_OF_SERVICE])
    assert client.get(url).context["services"] == []
    # the workers have the families themselves, not the programme's aggregates
    login(client, families.users[Role.FAMILY_WORKER])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("more", [1, 7])
def test_indicators_page_query_count(client, families, django_assert_num_queries, more):
    for n in range(more):
        end(supported(families, f"Famille{n}"), families.family_head, datetime.date(2026, 6, 1))
    login(client, families.family_head)
    # the services, the families, the children's stays, the plans' versions, their goals
    with django_assert_num_queries(8):
        assert client.get(reverse("families:indicators") + "?annee=2026").status_code == 200
