"""Who sees which O2R files: the counsellor their team's, the O2R lead their service's; the
members of a consortium never each other's (the lead sees counts only); persons become visible
through their O2R file only; village records stay closed to counsellors; every read audited."""

import datetime

import pytest
from django.urls import reverse

from ancrage.insertion.models import Beneficiary
from ancrage.insertion.services.referral import accept_referral, refer_from_village
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.people.models import Person
from tests.conftest import login
from tests.insertion.factories import new_beneficiary

pytestmark = pytest.mark.django_db


@pytest.fixture
def o2r(o2r_files):
    return o2r_files


def test_a_counsellor_sees_only_their_teams_beneficiaries(o2r):
    from ancrage.organisation.models import Unit

    second_team = Unit.objects.create(
        establishment=o2r.o2r_team.establishment, kind=Unit.Kind.O2R_TEAM, name="Équipe 2"
    )
    from tests.insertion.factories import counsellor

    colleague = counsellor(second_team, "collegue")
    theirs = new_beneficiary(second_team, colleague)
    mine = Beneficiary.objects.visible_to(o2r.users[Role.O2R_COUNSELLOR])
    assert o2r.beneficiary in mine
    assert theirs not in mine
    assert o2r.other_beneficiary not in mine
    # the O2R lead sees the whole service, both teams
    service = Beneficiary.objects.visible_to(o2r.users[Role.O2R_LEAD])
    assert {o2r.beneficiary, theirs} <= set(service)
    assert o2r.other_beneficiary not in service


def test_consortium_members_never_see_each_others_beneficiaries(o2r):
    theirs = Beneficiary.objects.visible_to(o2r.partner_counsellor)
    assert o2r.other_beneficiary in theirs
    assert o2r.beneficiary not in theirs
    assert o2r.beneficiary_person not in Person.objects.visible_to(o2r.partner_counsellor)


def test_the_consortium_lead_sees_counts_across_members_and_names_of_its_own_only(client, o2r):
    login(client, o2r.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:home"))
    rows = {r["service__organisation__name"]: r["n"] for r in page.context["consortium"]}
    assert rows == {o2r.organisation.name: 2, "Insertion Solidaire 44": 2}
    listing = client.get(reverse("insertion:beneficiaries")).content.decode()
    assert o2r.beneficiary_person.last_name in listing
    assert o2r.other_beneficiary_person.last_name not in listing
    assert (
        client.get(reverse("insertion:beneficiary", args=[o2r.other_beneficiary.pk])).status_code
        == 404
    )


def test_a_counsellor_has_no_consortium_counts(client, o2r):
    login(client, o2r.users[Role.O2R_COUNSELLOR])
    assert client.get(reverse("insertion:home")).context["consortium"] is None


def test_persons_become_visible_to_o2r_roles_through_their_file_only(o2r):
    for role in (Role.O2R_COUNSELLOR, Role.O2R_LEAD):
        visible = Person.objects.visible_to(o2r.users[role])
        assert o2r.beneficiary_person in visible
        assert o2r.child not in visible
        assert o2r.other_beneficiary_person not in visible


def test_a_village_referred_young_person_is_seen_by_the_counsellor_without_the_village_file(
    client, case_files, o2r
):
    """Léa (16+) is referred by her head of service; the counsellor welcomes her: her person
    page opens, but her measures, visits and documents stay closed (no right on them)."""
    child = o2r.child
    child.birth_date = datetime.date.today().replace(year=datetime.date.today().year - 17)
    child.save()
    referral = refer_from_village(
        child,
        village=o2r.village,
        service=o2r.o2r_team.establishment,
        by=o2r.users[Role.HEAD_OF_SERVICE],
        consent_on=datetime.date.today(),
        consent_how="Entretien avec la cheffe de service",
        consent_text="Transmettre mon nom et mon âge au service O2R",
    )
    me = o2r.users[Role.O2R_COUNSELLOR]
    assert child not in Person.objects.visible_to(me), "not before the counsellor welcomes her"
    beneficiary = accept_referral(
        referral, team=o2r.o2r_team, by=me, commune="Nantes", efop_territory=o2r.territory
    )
    login(client, me)
    assert client.get(reverse("insertion:beneficiary", args=[beneficiary.pk])).status_code == 200
    person_page = client.get(reverse("web:person", args=[child.reference]))
    assert person_page.status_code == 200
    assert person_page.context.get("stays") is None
    assert person_page.context.get("measures") is None
    assert "Maison des Tilleuls" not in person_page.content.decode()
    for url in (
        reverse("placements:visits", args=[child.reference]),
        reverse("placements:document", args=[case_files.document.pk]),
        reverse("placements:visit_outcome", args=[case_files.visit.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url


def test_the_head_of_service_refers_from_the_person_page_a_young_person_of_16(client, o2r):
    child = o2r.child
    child.birth_date = datetime.date.today().replace(year=datetime.date.today().year - 16)
    child.save()
    login(client, o2r.users[Role.HEAD_OF_SERVICE])
    page = client.get(reverse("web:person", args=[child.reference])).content.decode()
    assert reverse("insertion:refer", args=[child.reference]) in page
    response = client.post(
        reverse("insertion:refer", args=[child.reference]),
        {
            "service": o2r.o2r_team.establishment.pk,
            "consent_on": datetime.date.today().isoformat(),
            "consent_how": "Entretien",
            "consent_text": "Être contactée par le service O2R",
        },
    )
    assert response.status_code == 302
    login(client, o2r.users[Role.O2R_COUNSELLOR])
    listing = client.get(reverse("insertion:referrals")).content.decode()
    assert child.full_name in listing
    # The counsellor takes the young person in from the list: the inline form has its fields.
    referral = child.o2r_referrals.get()
    assert f'id="id_{referral.pk}_commune"' in listing
    assert f'id="id_{referral.pk}_efop_territory"' in listing
    refused = client.post(reverse("insertion:referral_accept", args=[referral.pk]), {})
    assert refused.status_code == 422
    assert "Ce champ est obligatoire." in refused.content.decode()


def test_no_referral_button_under_16(client, o2r):
    child = o2r.child
    child.birth_date = datetime.date.today().replace(year=datetime.date.today().year - 12)
    child.save()
    login(client, o2r.users[Role.HEAD_OF_SERVICE])
    page = client.get(reverse("web:person", args=[child.reference])).content.decode()
    assert reverse("insertion:refer", args=[child.reference]) not in page


def test_every_read_of_a_beneficiary_file_is_audited(client, o2r):
    login(client, o2r.users[Role.O2R_COUNSELLOR])
    client.get(reverse("insertion:beneficiary", args=[o2r.beneficiary.pk]))
    client.get(reverse("insertion:beneficiaries"))
    events = AccessEvent.objects.filter(
        user=o2r.users[Role.O2R_COUNSELLOR], person=o2r.beneficiary_person
    )
    assert set(events.values_list("what", flat=True)) == {
        "insertion.beneficiary",
        "insertion.beneficiaries",
    }


def test_lists_naming_beneficiaries_are_audited(client, o2r):
    login(client, o2r.users[Role.O2R_COUNSELLOR])
    client.get(reverse("insertion:contacts"))
    client.get(reverse("insertion:activity_add"))
    whats = set(
        AccessEvent.objects.filter(person=o2r.beneficiary_person).values_list("what", flat=True)
    )
    assert {"insertion.contacts", "insertion.activity_form"} <= whats
