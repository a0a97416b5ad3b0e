"""The deadlines of the declaration of a serious malfunction (CASF L331-8-1, arrêté du
28 décembre 2016): the authority is alerted "sans délai", so an incident qualified as a serious
malfunction with no oral alert is flagged from its qualification; the written confirmation is
due within 48 hours of the alert, one rule (kernel.calendar.within_hours, the limit itself on
time) for the flag, the indicator, the home block and the declaration page."""

import datetime

import pytest
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.safeguarding import indicators, queries
from ancrage.safeguarding.models import Declaration, Incident
from tests.conftest import login
from tests.safeguarding.test_declarations import alert, confirm, head, prepare

pytestmark = pytest.mark.django_db

FLAG = "Alerte de l'autorité à donner sans délai"
LATE = "Confirmation écrite manquante après 48 h"
OUT_OF_TIME = "hors délai (plus de 48 h après l'alerte)"


def pages(client, world):
    incident = world.incident
    return {
        "incident": client.get(f"/signalements/{incident.pk}/").content.decode(),
        "list": client.get(f"/villages/{world.village.pk}/signalements/").content.decode(),
        "declaration": client.get(f"/signalements/{incident.pk}/declaration/").content.decode(),
    }


def home(client, world):
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    content = client.get("/").content.decode()
    login(client, head(world))
    return content


def test_serious_event_is_flagged_from_qualification_without_oral_alert(client, declarable):
    incident = declarable.incident
    assert list(Incident.objects.alert_missing()) == [incident]
    assert Incident.objects.select_related("declaration").get(pk=incident.pk).alert_missing
    login(client, head(declarable))
    for name, content in pages(client, declarable).items():
        assert FLAG in content, name
    assert f"/signalements/{incident.pk}/declaration/" in home(client, declarable)
    # a declaration written but not yet alerted is still to alert
    prepare(declarable)
    assert list(Incident.objects.alert_missing()) == [incident]
    assert [i.pk for i in queries.declarations_late(declarable.users[Role.NATIONAL_DIRECTOR])] == [
        incident.pk
    ]


def test_an_alerted_serious_event_is_no_longer_flagged_as_to_alert(client, declarable):
    prepare(declarable)
    alert(declarable)
    assert not Incident.objects.alert_missing().exists()
    login(client, head(declarable))
    for name, content in pages(client, declarable).items():
        assert FLAG not in content, name
    assert "Déclarations à l'autorité en retard" not in home(client, declarable)


def test_an_incident_not_qualified_as_a_serious_malfunction_is_never_flagged(client, incidents):
    assert not Incident.objects.alert_missing().exists()
    login(client, incidents.users[Role.HEAD_OF_SERVICE])
    content = client.get(f"/signalements/{incidents.incident.pk}/").content.decode()
    assert FLAG not in content


BOUNDARIES = pytest.mark.parametrize(
    ("delay", "on_time"),
    [
        (datetime.timedelta(hours=47, minutes=59), True),
        (datetime.timedelta(hours=48), True),
        (datetime.timedelta(hours=48, minutes=1), False),
    ],
    ids=["47h59", "48h00", "48h01"],
)


@BOUNDARIES
def test_written_confirmation_at_48h00_is_on_time_everywhere(client, declarable, delay, on_time):
    """A confirmation sent `delay` after the alert: the indicator, the declaration and its page
    agree."""
    prepare(declarable)
    alerted_at = timezone.now() - datetime.timedelta(hours=72)
    alert(declarable, at=alerted_at)
    confirm(declarable, at=alerted_at + delay)
    declaration = Declaration.objects.get()
    assert declaration.confirmed_in_time is on_time
    assert not declaration.confirmation_overdue()
    row = indicators.total(
        indicators.monthly(Incident.objects.all(), timezone.localdate(), months=2)
    )
    assert (row.declarations, row.confirmed_in_time) == (1, int(on_time))
    login(client, head(declarable))
    content = pages(client, declarable)["declaration"]
    assert (OUT_OF_TIME not in content) is on_time
    assert LATE not in content


@BOUNDARIES
def test_a_missing_confirmation_is_late_only_after_48h00_everywhere(
    client, declarable, delay, on_time
):
    """No confirmation yet, `delay` after the alert: the flag of the declaration, of the list
    and of the home block agree (read at that instant)."""
    prepare(declarable)
    alerted_at = timezone.now() - datetime.timedelta(hours=72)
    alert(declarable, at=alerted_at)
    clock = alerted_at + delay
    assert Declaration.objects.get().confirmation_overdue(now=clock) is not on_time
    assert Declaration.objects.confirmation_overdue(now=clock).exists() is not on_time
    director = declarable.users[Role.ESTABLISHMENT_DIRECTOR]
    assert bool(queries.declarations_late(director, now=clock)) is not on_time


@pytest.mark.parametrize(
    ("delay", "late"),
    [
        (datetime.timedelta(hours=47, minutes=59), False),
        (datetime.timedelta(hours=48, minutes=1), True),
    ],
    ids=["47h59", "48h01"],
)
def test_the_pages_and_the_home_block_flag_a_missing_confirmation_after_48_hours(
    client, declarable, delay, late
):
    """The pages read the clock: a minute either side of the limit."""
    prepare(declarable)
    alert(declarable, at=timezone.now() - delay)
    login(client, head(declarable))
    for name, content in pages(client, declarable).items():
        assert (LATE in content) is late, name
    assert (LATE in home(client, declarable)) is late
