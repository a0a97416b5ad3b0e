"""The teams' counts kept by the writes (`insertion.tallies`) are exactly the counts made from
the rows: after any sequence of writes through the services, after each kind of write, and as the
O2R home and the beneficiary list show them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.insertion import tallies
from ancrage.insertion.models import Beneficiary, Contact, Tally
from ancrage.insertion.services.beneficiary import convert_contact
from ancrage.insertion.services.referral import accept_referral
from ancrage.kernel.access import Role
from tests.conftest import login
from tests.insertion.test_report_summary import DAYS, WRITES, Writer, write

pytestmark = pytest.mark.django_db
D = datetime.date


class TallyWriter(Writer):
    """The report's writes, and those that only move the counts: a contact converted, a village
    referral accepted."""

    def conversion(self, n, day):
        contact = self.pick(
            list(Contact.objects.filter(beneficiary__isnull=True).order_by("pk")), n
        )
        if contact is None:
            return None
        team, by = self.sides[0] if contact.team_id == self.sides[0][0].pk else self.sides[1]
        return convert_contact(
            contact,
            by=by,
            consent_on=max(day, contact.met_on),
            consent_how="Accord oral",
            first_names="Alex",
            last_name=f"Martin {n}",
        )

    def referral(self, n, day):
        referral = self.w.referral
        referral.refresh_from_db()
        return accept_referral(
            referral,
            team=self.w.o2r_team,
            by=self.w.users[Role.O2R_COUNSELLOR],
            commune="Nantes",
            efop_territory=self.w.territory,
        )


TALLY_WRITES = [*WRITES, "conversion", "referral"]


def assert_tallies_exact():
    assert tallies.kept() == tallies.counted()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(TALLY_WRITES), st.integers(0, 50), st.sampled_from(DAYS)),
        min_size=1,
        max_size=12,
    )
)
def test_tallies_after_random_writes_equal_the_counts_made_from_the_rows(o2r_files, steps):
    with transaction.atomic():
        writer = TallyWriter(o2r_files)
        for kind, n, day in steps:
            write(writer, kind, n, day)
        assert_tallies_exact()
        # and made again from scratch, they are the same rows
        kept = tallies.kept()
        tallies.rebuild()
        assert tallies.kept() == kept
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", TALLY_WRITES)
def test_tallies_each_kind_of_write_keeps_the_counts_exact(o2r_files, kind):
    writer = TallyWriter(o2r_files)
    for n, day in enumerate(DAYS[:3]):
        writer.beneficiary(n, day, "F", D(2003, 1, 1))
    writer.contact(0, DAYS[1])
    writer.accompaniment(0, DAYS[2])
    before = tallies.kept()
    write(writer, kind, 1, DAYS[3])
    assert_tallies_exact()
    moved = {"beneficiary", "contact", "accompaniment", "exit", "conversion", "referral"}
    assert (tallies.kept() != before) == (kind in moved), kind


def test_a_contact_linked_meanwhile_is_not_converted_twice(o2r_files):
    """Two counsellors convert the same contact: the second finds it linked (the row, not the
    object it loaded) and is refused, the counts moved once."""
    contact = Contact.objects.filter(beneficiary__isnull=True, team=o2r_files.o2r_team).first()
    stale = Contact.objects.get(pk=contact.pk)
    me = o2r_files.users[Role.O2R_COUNSELLOR]
    convert_contact(
        contact,
        by=me,
        consent_on=contact.met_on,
        consent_how="Oral",
        first_names="A",
        last_name="B",
    )
    with pytest.raises(ValidationError), transaction.atomic():
        convert_contact(
            stale,
            by=me,
            consent_on=stale.met_on,
            consent_how="Oral",
            first_names="C",
            last_name="D",
        )
    assert_tallies_exact()


def test_a_step_moves_from_the_step_the_row_has(o2r_files):
    """The object loaded may be stale: the counts move from the row's step."""
    b = Beneficiary.objects.get(pk=o2r_files.beneficiary.pk)
    stale = Beneficiary.objects.get(pk=b.pk)
    tallies.move(b, Beneficiary.Status.ACCOMPANIMENT)
    stale.status = Beneficiary.Status.REMOBILISATION
    tallies.move(stale, Beneficiary.Status.EXITED)
    assert Beneficiary.objects.get(pk=b.pk).status == Beneficiary.Status.EXITED
    assert_tallies_exact()


def test_the_home_and_the_list_show_the_counts_of_the_users_scope(client, o2r_files):
    """The counsellor's team's counts, the lead's service's, the consortium's per member; the
    list's total as the rows counted."""
    me = o2r_files.users[Role.O2R_COUNSELLOR]
    team = o2r_files.o2r_team
    expected = {
        status: Beneficiary.objects.filter(team=team, status=status).count()
        for status in Beneficiary.Status.values
    }
    login(client, me)
    page = client.get(reverse("insertion:home"))
    assert page.context["by_status"] == expected
    assert page.context["contacts"] == {
        "total": Contact.objects.filter(team=team).count(),
        "anonymous": Contact.objects.filter(team=team, beneficiary__isnull=True).count(),
    }
    listed = client.get(reverse("insertion:beneficiaries"))
    assert listed.context["page"].paginator.count == sum(expected.values())
    for status, n in expected.items():
        filtered = client.get(reverse("insertion:beneficiaries"), {"status": status})
        assert filtered.context["page"].paginator.count == n
        assert len(filtered.context["beneficiaries"]) == min(n, 50)
    named = client.get(reverse("insertion:beneficiaries"), {"q": "Haddad"})
    assert named.context["page"].paginator.count == 1
    client.logout()
    lead = o2r_files.users[Role.O2R_LEAD]
    login(client, lead)
    page = client.get(reverse("insertion:home"))
    service = team.establishment_id
    assert sum(page.context["by_status"].values()) == (
        Beneficiary.objects.filter(service_id=service).count()
    )
    assert {row["service__organisation__name"]: row["n"] for row in page.context["consortium"]} == {
        o.name: Beneficiary.objects.filter(service__organisation=o).count()
        for o in o2r_files.programme.consortium.members.all()
        if Beneficiary.objects.filter(service__organisation=o).exists()
    }
    assert Tally.objects.filter(n__lt=0).count() == 0
