"""The demo data of the daily care records: journal entries at every level over the last weeks,
appointments in the coming weeks, an autonomy project for the placed young people of 16 or more
(the demo `jeune` account's person among them); the large scale is sized for issue 7."""

import pytest
from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.autonomy import AutonomyProject
from ancrage.care.models.journal import JournalEntry
from ancrage.demo.daily import VOLUMES
from ancrage.demo.seeding import SCALES, seed
from ancrage.placements.models import Stay

pytestmark = pytest.mark.django_db


def test_large_scale_is_sized_for_two_million_entries():
    large = SCALES["large"]
    houses = large.villages * large.houses_per_village
    assert VOLUMES["large"][0] * houses == 2_000_000
    # about 4.5 children a house, 44 appointments each: about 200 000 appointments
    assert 190_000 <= VOLUMES["large"][2] * houses * 4.5 <= 210_000


def test_the_demo_has_journal_appointments_and_autonomy_projects():
    world = seed("demo", quiet=True)
    levels = set(JournalEntry.objects.values_list("level", flat=True))
    assert levels == {"house_team", "clinical", "safeguarding"}
    assert JournalEntry.objects.filter(child__isnull=True).exists()
    assert Appointment.objects.filter(starts_at__gte=timezone.now()).count() > 100
    youth = User.objects.get(username="jeune")
    project = AutonomyProject.objects.get(person=youth.person)
    assert project.areas.count() == 5
    # every placed young person of 16 or more has one, and nobody younger
    for project in AutonomyProject.objects.select_related("person"):
        assert project.person.age(world.anchor) >= 16
        assert Stay.objects.current(world.anchor).filter(child=project.person).exists()
