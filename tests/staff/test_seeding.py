"""The demo's staff: every adult placed with the children has a valid, verified attestation, so
every membership of the demo stays lawful and the director can confirm the proposed one."""

import pytest

from ancrage.accounts.models import Membership, User
from ancrage.accounts.services import confirm_membership
from ancrage.demo.seeding import PROPOSED_ACCOUNT, seed
from ancrage.staff.checks import has_valid_attestation, places_with_children
from ancrage.staff.models import StaffMember
from ancrage.staff.queries import flags


@pytest.fixture
def demo(db):
    return seed("demo", quiet=True)


def test_demo_staff_with_the_children_have_verified_attestations(demo):
    with_children = [
        m
        for m in Membership.objects.select_related("user", "unit", "establishment")
        if places_with_children(m)
    ]
    assert len(with_children) > 40
    for membership in with_children:
        assert has_valid_attestation(membership.user, demo.anchor), membership
    # the director confirms the proposed psychologist
    newcomer = User.objects.get(username=PROPOSED_ACCOUNT)
    confirm_membership(newcomer.memberships.get(), User.objects.get(username="directrice"))
    assert newcomer.memberships.get().status == Membership.Status.CONFIRMED


def test_demo_flags_a_volunteer_without_attestation_and_a_refusal(demo):
    hr = User.objects.get(username="rh")
    assert StaffMember.objects.visible_to(hr).count() == StaffMember.objects.count()
    director = User.objects.get(username="directrice")
    (row,) = flags(director, demo.anchor)
    assert {m.user.username for m in row.flagged} == {"benevole.soutien"}
    assert len(row.renew_soon) == 2
    # the new version of the code of conduct is not signed by everybody yet
    assert 0 < row.unsigned < row.present
    # the compliance figure: some in order, some not (late training among the reasons)
    assert 0 < row.compliance.in_order < row.compliance.present
    assert 0 < row.training_late < row.present
