"""The demo's family-strengthening service: a team, a worker and a head, about fifteen families,
one of them seen by a village through its placed child."""

import pytest

from ancrage.accounts.models import User
from ancrage.demo.seeding import seed
from ancrage.families.models import FamilyCase
from ancrage.kernel.access import Role

pytestmark = pytest.mark.django_db


def test_demo_has_a_family_service_with_about_fifteen_families():
    seed("demo", quiet=True)
    worker = User.objects.get(username="intervenante.familles")
    head = User.objects.get(username="chef.familles")
    assert worker.roles == {Role.FAMILY_WORKER} and head.roles == {Role.HEAD_OF_SERVICE}
    cases = FamilyCase.objects.visible_to(worker)
    assert 14 <= cases.count() <= 17
    assert set(cases) == set(FamilyCase.objects.visible_to(head))
    statuses = set(cases.values_list("status", flat=True))
    assert statuses == {"referred", "supported", "declined", "ended"}
    assert all(case.members.filter(role="child").exists() for case in cases)
    # the village's head of service sees the family whose child lives in the village
    village_head = User.objects.get(username="chef.service")
    assert FamilyCase.objects.visible_to(village_head).count() == 1
