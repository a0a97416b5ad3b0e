"""Safeguarding demo data: incidents over eighteen months in every category, severity and state,
consistent with the workflow's rules, with declarations and one missing confirmation."""

import datetime

import pytest
from django.utils import timezone

from ancrage.demo.seeding import seed
from ancrage.safeguarding.models import Declaration, Incident, IncidentTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return seed("demo", quiet=True)


def test_demo_incidents_spread_over_categories_severities_and_states(demo):
    # the villages' incidents (the family service has its worker's concern: demo/families.py)
    incidents = Incident.objects.filter(establishment__kind="village")
    assert incidents.count() == 120
    assert Incident.objects.exclude(establishment__kind="village").count() == 1
    assert set(incidents.values_list("status", flat=True)) == set(Incident.Status.values)
    assert set(incidents.exclude(category="").values_list("category", flat=True)) >= {
        "maltreatment",
        "violence_between_children",
        "disappearance",
    }
    assert set(incidents.exclude(severity="").values_list("severity", flat=True)) == set(
        Incident.Severity.values
    )
    oldest = timezone.localdate(incidents.order_by("reported_at").first().reported_at)
    assert (demo.anchor - oldest).days > 365
    assert not incidents.filter(reported_at__gt=timezone.now()).exists()


def test_demo_incidents_follow_the_workflow(demo):
    for incident in Incident.objects.prefetch_related("transitions"):
        statuses = [t.to_status for t in incident.transitions.all()]
        assert statuses[0] == "reported" and statuses[-1] == incident.status
        assert incident.version == len(statuses)
        assert (incident.qualified_at is None) == (incident.status == "reported")
        assert (incident.closed_at is not None) == (incident.status == "closed")
    assert IncidentTransition.objects.count() > Incident.objects.count()


def test_demo_has_declarations_and_exactly_one_missing_confirmation(demo):
    assert Declaration.objects.count() >= 5
    assert not Declaration.objects.exclude(incident__serious_malfunction_to_declare=True).exists()
    [missing] = Declaration.objects.confirmation_overdue()
    assert missing.incident.establishment.name.endswith("Carquefou")
    confirmed = Declaration.objects.filter(confirmed_at__isnull=False)
    assert all(d.confirmed_at >= d.alerted_at >= d.incident.occurred_at for d in confirmed)
    assert confirmed.filter(confirmed_at__gt=datetime.timedelta(0) + timezone.now()).count() == 0
