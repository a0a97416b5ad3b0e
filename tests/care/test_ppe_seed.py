"""The demo data for the PPE and deadlines looks like real life: most children have a
validated PPE, some none yet, reviews carry the child's words, reports are sent for most
periods, and the échéancier has overdue, due and done deadlines."""

from collections import Counter

from ancrage.care.models import PPE, PPEVersion, Review, SituationReport
from ancrage.care.queries.deadlines import collect
from ancrage.demo.seeding import seed
from ancrage.organisation.models import Establishment
from ancrage.placements.models import Stay


def test_demo_ppe_data_makes_a_realistic_echeancier(db):
    world = seed("demo", quiet=True)
    placed = Stay.objects.current(world.anchor).filter(
        unit__establishment__kind=Establishment.Kind.VILLAGE
    )
    children = placed.count()
    with_ppe = PPE.objects.count()
    assert 0.7 * children < with_ppe < children  # most, not all
    assert PPEVersion.objects.filter(status="validated").exists()
    assert PPEVersion.objects.filter(status="draft").exists()
    assert Review.objects.filter(child_declined_to_speak=False).exclude(child_wishes="").exists()
    assert Review.objects.filter(child_declined_to_speak=True).exists()
    assert SituationReport.objects.filter(sent_on__isnull=False).exists()
    statuses = Counter(row.status for row in collect(placed, world.anchor))
    assert statuses["overdue"] and statuses["due"] and statuses["done"]
    # every review produced a validated version of the same child's PPE
    for review in Review.objects.select_related("resulting_version"):
        assert review.resulting_version.is_frozen
        assert review.resulting_version.ppe_id == review.ppe_id
