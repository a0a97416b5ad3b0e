"""The staff block of an organisation-wide reader's home (national director, human resources):
the organisation's totals and the establishments that need action, at most ten, counts only,
read in the same queries whatever the number of establishments; the staff home's registers
twenty a page. Directors keep their detailed block with the names."""

import functools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.kernel.text import french_compare
from ancrage.staff import queries
from ancrage.staff.models import StaffMember
from ancrage.staff.views import REGISTERS_PER_PAGE
from tests.accounts.factories import UserFactory
from tests.conftest import login
from tests.organisation.factories import VillageFactory
from tests.staff.factories import attest, enter, publish

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def from_flags(user, today):
    """The organisation's block worked out from the per-establishment flags (the computation a
    director's block makes, establishment by establishment, with the names): (totals, the ten
    establishments needing action in their order, how many need action)."""
    rows = queries.flags(user, today)
    if rows is None:
        return None
    totals = (
        sum(r.compliance.in_order for r in rows),
        sum(r.present for r in rows),
        sum(len(r.flagged) for r in rows),
        sum(len(r.renew_soon) for r in rows),
        sum(r.unsigned for r in rows),
        sum(r.training_late for r in rows),
    )
    needing = [r for r in rows if r.flagged or r.renew_soon or r.unsigned or r.training_late]

    def order(a, b):
        if len(a.flagged) != len(b.flagged):
            return len(b.flagged) - len(a.flagged)
        return french_compare(a.establishment.name, b.establishment.name) or (
            a.establishment.pk - b.establishment.pk
        )

    needing.sort(key=functools.cmp_to_key(order))
    ten = [
        (
            r.establishment.pk,
            r.establishment.name,
            r.present,
            len(r.flagged),
            len(r.renew_soon),
            r.unsigned,
            r.training_late,
            r.compliance.in_order,
        )
        for r in needing[: queries.ORGANISATION_SHOWN]
    ]
    return totals, ten, len(needing)


def summary(user, today):
    block = queries.organisation_flags(user, today)
    if block is None:
        return None
    totals = (
        block.compliance.in_order,
        block.compliance.present,
        block.flagged,
        block.renew_soon,
        block.unsigned,
        block.training_late,
    )
    ten = [
        (
            e.pk,
            e.name,
            e.present,
            e.flagged,
            e.renew_soon,
            e.unsigned,
            e.training_late,
            e.compliance.in_order,
        )
        for e in block.establishments
    ]
    return totals, ten, block.needing_action


def populate(world, villages, start=0):
    """Villages of the organisation, each with staff in a different state: the n-th has n % 4
    members without an attestation, one with an attestation of a month ago (signing the code in
    force every other village), and every third village one with an attestation of four months
    ago (to renew three months before the other)."""
    hr = world.users[Role.HR]
    added = []
    for n in range(start, start + villages):
        village = VillageFactory(organisation=world.organisation, name=f"Village n°{n:02d}")
        added.append(village)
        for k in range(n % 4):
            enter(UserFactory(first_name=f"Sans{n}x{k}", last_name="Attestation"), village)
        ok = enter(UserFactory(first_name=f"Valide{n}", last_name="Personne"), village, by=hr)
        attest(ok, by=hr)
        if n % 3 == 0:
            soon = enter(UserFactory(first_name=f"Bientot{n}", last_name="Personne"), village)
            attest(soon, by=hr, issued_on=add_months(TODAY, -4))
        if n % 2 == 0:
            from ancrage.staff.services import sign_code

            sign_code(ok, world.code, by=hr, signed_on=TODAY)
    return added


@pytest.fixture
def organisation(world):
    world.code = publish(world.organisation, world.users[Role.HR])
    populate(world, 13)
    return world


@pytest.mark.parametrize("role", [Role.NATIONAL_DIRECTOR, Role.HR], ids=str)
def test_the_totals_and_the_ten_are_those_of_the_establishments_flags(organisation, role):
    user = organisation.users[role]
    # today, when the four-month-old attestations are to renew soon, then lapsed, and before
    renewals = add_months(TODAY, 32)
    for day in (
        TODAY,
        renewals,
        add_months(TODAY, 34),
        add_days(TODAY, 400),
        add_days(TODAY, -400),
    ):
        totals, ten, needing = summary(user, day)
        assert (totals, ten, needing) == from_flags(user, day), day
    totals, ten, needing = summary(user, TODAY)
    assert len(ten) == queries.ORGANISATION_SHOWN < needing
    assert totals[2] == sum(n % 4 for n in range(13))  # no attestation: flagged
    # most flagged first (three each: n°03, n°07, n°11), then by name
    assert [name for _pk, name, *_ in ten[:3]] == ["Village n°03", "Village n°07", "Village n°11"]


def test_the_director_keeps_the_detailed_block(organisation):
    director = organisation.users[Role.ESTABLISHMENT_DIRECTOR]
    assert queries.home_flags(director) == queries.flags(director)
    assert not reach(director, "staff", "view").organisations


def test_nobody_else_reads_a_staff_block(world):
    for role in (Role.HOUSE_PARENT, Role.FINANCE, Role.FUNDER, Role.DPO):
        assert queries.organisation_flags(world.users[role]) is None
        assert queries.home_flags(world.users[role]) is None


def _home(client, user, path="/"):
    login(client, user)
    client.get(path)
    return client.get(path)


def test_the_organisation_block_names_no_one_and_links_the_registers(client, organisation):
    page = _home(client, organisation.users[Role.NATIONAL_DIRECTOR]).content.decode()
    block = page[page.index('id="staff-title"') :]
    block = block[: block.index("</section>")]
    names = [m.name for m in StaffMember.objects.select_related("user", "person")]
    assert len(names) > 30 and not [name for name in names if name in block]
    assert block.count('<tr><th scope="row">') == queries.ORGANISATION_SHOWN
    assert '<a href="/personnel/">Tous les registres</a>' in block
    assert "Village n°03" in block and "Village n°04" not in block  # n°04: nobody flagged
    # every village: its staff have not taken the induction
    assert "13 établissements demandent une action." in block
    assert "Les 10 qui comptent le plus de personnes sans attestation valide" in block
    # no name shown, none recorded as read (the staff here are users: see the registers' tests
    # for the persons of the registry)
    before = AccessEvent.objects.count()
    queries.organisation_flags(organisation.users[Role.NATIONAL_DIRECTOR])
    assert AccessEvent.objects.count() == before
    # the director's home names the flagged staff of their village
    here = enter(UserFactory(first_name="Nommée", last_name="Ici"), organisation.village)
    director = _home(client, organisation.users[Role.ESTABLISHMENT_DIRECTOR]).content.decode()
    assert here.name in director and "Tous les registres" not in director


def _home_queries(client, user):
    login(client, user)
    client.get("/")
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context)


def test_the_block_reads_the_same_queries_with_3_or_25_establishments(
    client, world, django_assert_num_queries
):
    world.code = publish(world.organisation, world.users[Role.HR])
    populate(world, 1)  # three establishments of the organisation with the world's two
    user = world.users[Role.NATIONAL_DIRECTOR]
    queries.organisation_flags(user)  # the user's memberships, read once per request
    with django_assert_num_queries(3):
        few = queries.organisation_flags(user)
    assert len(few.establishments) == 1
    small = {
        role: _home_queries(client, world.users[role]) for role in (Role.NATIONAL_DIRECTOR, Role.HR)
    }
    populate(world, 22, start=1)  # twenty-five
    with django_assert_num_queries(3):
        many = queries.organisation_flags(user)
    assert len(many.establishments) == queries.ORGANISATION_SHOWN
    large = {
        role: _home_queries(client, world.users[role]) for role in (Role.NATIONAL_DIRECTOR, Role.HR)
    }
    assert small == large


def test_the_staff_home_comes_twenty_registers_a_page(client, world, django_assert_num_queries):
    world.code = publish(world.organisation, world.users[Role.HR])
    populate(world, 25)
    hr = world.users[Role.HR]
    names = [e.name for e in queries.registers(hr)]  # the organisation's, in French order
    assert 20 < len(names) <= 40
    first = _home(client, hr, "/personnel/").content.decode()
    listed = re.compile(r'<li><a href="/personnel/[^"]+">([^<]+)</a> <span class="muted">')
    assert listed.findall(first) == names[:REGISTERS_PER_PAGE]
    assert f"{len(names)} registres." in first and "Page 1 sur 2" in first
    assert 'href="?page=2"' in first and "Page précédente" not in first
    second = client.get("/personnel/?page=2").content.decode()
    assert listed.findall(second) == names[REGISTERS_PER_PAGE:]
    assert "Page précédente" in second and "Page suivante" not in second
    assert world.foreign_village.name not in first + second
    # a page past the end is the last page, a word the first
    assert "Page 2 sur 2" in client.get("/personnel/?page=9").content.decode()
    assert "Page 1 sur 2" in client.get("/personnel/?page=deux").content.decode()
    # the same queries on either page
    with CaptureQueriesContext(connection) as one:
        client.get("/personnel/")
    with django_assert_num_queries(len(one)):
        client.get("/personnel/?page=2")
    # the director keeps one register: no page links
    director = _home(client, world.users[Role.ESTABLISHMENT_DIRECTOR], "/personnel/")
    assert "Page 1" not in director.content.decode()
    assert listed.findall(director.content.decode()) == [world.village.name]
